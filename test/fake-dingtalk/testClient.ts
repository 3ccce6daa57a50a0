import { createHmac } from 'node:crypto';

/**
 * Test-side helpers. The expected signature is computed here with node:crypto on purpose, not with
 * the fake's or the project's signing code, so the implementations check each other.
 */
export function expectedSign(secret: string, timestamp: number | string): string {
	return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export interface HttpAnswer {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
	text: string;
	contentType: string | null;
}

/** Posts a JSON body (objects are serialised, strings sent as they are). */
export async function postJson(
	url: string,
	body: unknown,
	init: { method?: string; contentType?: string | null } = {},
): Promise<HttpAnswer> {
	const headers: Record<string, string> = {};
	const contentType = init.contentType === undefined ? 'application/json' : init.contentType;
	if (contentType !== null) headers['Content-Type'] = contentType;
	const method = init.method ?? 'POST';
	const payload = typeof body === 'string' ? body : JSON.stringify(body);
	const response = await fetch(url, {
		method,
		headers,
		// A Uint8Array body makes fetch send no Content-Type of its own.
		body: method === 'GET' || method === 'HEAD' ? undefined : new TextEncoder().encode(payload),
	});
	return readAnswer(response);
}

export async function readAnswer(response: Response): Promise<HttpAnswer> {
	const text = await response.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, json, text, contentType: response.headers.get('content-type') };
}

/** `/robot/send` URL; `sign` is inserted into the query string exactly as given (no encoding). */
export function sendUrl(
	baseUrl: string,
	token: string | undefined,
	extra: { timestamp?: number | string; rawSign?: string } = {},
): string {
	const parts: string[] = [];
	if (token !== undefined) parts.push(`access_token=${encodeURIComponent(token)}`);
	if (extra.timestamp !== undefined) parts.push(`timestamp=${extra.timestamp}`);
	if (extra.rawSign !== undefined) parts.push(`sign=${extra.rawSign}`);
	return `${baseUrl}/robot/send${parts.length ? `?${parts.join('&')}` : ''}`;
}

/** A signed `/robot/send` URL with the sign URL-encoded once, as DingTalk expects. */
export function signedSendUrl(
	baseUrl: string,
	token: string,
	secret: string,
	timestamp: number,
): string {
	return sendUrl(baseUrl, token, {
		timestamp,
		rawSign: encodeURIComponent(expectedSign(secret, timestamp)),
	});
}

export const textMessage = (content: string, extra: Record<string, unknown> = {}) => ({
	msgtype: 'text',
	text: { content },
	...extra,
});

export const OK = { errcode: 0, errmsg: 'ok' };

/** A clock tests move by hand. */
export function manualClock(start: number) {
	let current = start;
	return {
		now: () => current,
		set: (value: number) => {
			current = value;
		},
		advance: (ms: number) => {
			current += ms;
		},
	};
}
