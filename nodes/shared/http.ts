import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { redactSecrets } from './redactSecrets';

/** What DingTalk answered, whatever the HTTP status. */
export interface DingTalkReply {
	statusCode: number;
	body: IDataObject;
}

export const REQUEST_TIMEOUT_MS = 15000;
export const FILE_TIMEOUT_MS = 120000;

/** DingTalk's answer as an object: JSON text is parsed, anything else kept short as `rawBody`. */
export function parseReply(response: { statusCode?: number; body?: unknown }): DingTalkReply {
	let body = response.body;
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		const text = body;
		try {
			body = JSON.parse(text);
		} catch {
			body = { rawBody: redactSecrets(text.slice(0, 500)) };
		}
	}
	return {
		statusCode: response.statusCode ?? 0,
		body: (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as IDataObject,
	};
}

/**
 * The options every request of the node shares. Redirects are never followed: a 3xx from a
 * configured host would make n8n send the token, the signature or the message to another host.
 */
export function dingTalkRequest(options: IHttpRequestOptions): IHttpRequestOptions {
	return {
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: REQUEST_TIMEOUT_MS,
		...options,
		disableFollowRedirect: true,
	};
}

export function postJson(baseURL: string | undefined, url: string, body: IDataObject) {
	return dingTalkRequest({
		method: 'POST',
		baseURL,
		url,
		body,
		json: true,
		headers: { 'Content-Type': 'application/json;charset=utf-8' },
	});
}
