import { isLoopbackHostHeader } from './sandboxFire';
import type { Reply, RequestContext } from './routing';

/** A JSON answer of the sandbox's own endpoints, never cached. */
export const json = (status: number, body: unknown): Reply => ({
	status,
	json: body,
	headers: { 'Cache-Control': 'no-store' },
});

/** A sandbox endpoint that answers only on a loopback host, and to POSTs only with JSON. */
export const guarded =
	(handle: (context: RequestContext) => Reply | Promise<Reply>) => (context: RequestContext) => {
		if (!isLoopbackHostHeader(context.headers.host)) {
			return json(403, { error: 'The sandbox only answers on 127.0.0.1 or localhost.' });
		}
		const contentType = String(context.headers['content-type'] ?? '');
		if (context.method === 'POST' && !contentType.startsWith('application/json')) {
			return json(415, { error: 'Send JSON.' });
		}
		return handle(context);
	};
