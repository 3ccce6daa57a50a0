import { WebSocket as WsWebSocket } from 'ws';

import type { StreamSocketConstructor } from '../../../nodes/DingTalkStreamTrigger/connection';
import {
	buildConnectionOpenRequest,
	parseConnectionOpenResponse,
	type StreamConnectionTicket,
	type StreamSubscriptionKind,
} from '../../../nodes/DingTalkStreamTrigger/frames';
import { GATEWAY_OPEN_PATH } from '../../fake-dingtalk/streamGateway';

/**
 * Jest runs on Node 20, whose global WebSocket needs --experimental-websocket. Tests of the node
 * give it the `ws` client (the same browser-style API) when there is none, and can take it away.
 */
type WithWebSocket = { WebSocket?: StreamSocketConstructor };

const original = (globalThis as WithWebSocket).WebSocket;

export function provideWebSocket(): void {
	(globalThis as WithWebSocket).WebSocket =
		original ?? (WsWebSocket as unknown as StreamSocketConstructor);
}

export function removeWebSocket(): void {
	delete (globalThis as WithWebSocket).WebSocket;
}

export function restoreWebSocket(): void {
	if (original) (globalThis as WithWebSocket).WebSocket = original;
	else delete (globalThis as WithWebSocket).WebSocket;
}

export function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const check = () => {
			if (condition()) return resolve();
			if (Date.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
			setTimeout(check, 5);
		};
		check();
	});
}

/** connections/open at the fake gateway with plain fetch, as the tests of the bare connection do. */
export async function requestTestTicket(
	baseUrl: string,
	app: { clientId: string; clientSecret: string },
	kinds: StreamSubscriptionKind[],
	signal: AbortSignal,
): Promise<StreamConnectionTicket> {
	const response = await fetch(`${baseUrl}${GATEWAY_OPEN_PATH}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: JSON.stringify(buildConnectionOpenRequest({ ...app, kinds })),
		signal,
	});
	if (response.status !== 200) throw new Error(`connections/open answered ${response.status}`);
	const result = parseConnectionOpenResponse(await response.json());
	if (!result.ok) throw new Error(result.problem);
	return result.connection;
}
