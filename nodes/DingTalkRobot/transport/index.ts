import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

/** What DingTalk answered, whatever the HTTP status. */
export interface DingTalkReply {
	statusCode: number;
	body: IDataObject;
}

const REQUEST_TIMEOUT_MS = 15000;

function toReply(response: { statusCode?: number; body?: unknown }): DingTalkReply {
	let body = response.body;
	if (typeof body === 'string') {
		const text = body;
		try {
			body = JSON.parse(text);
		} catch {
			body = { rawBody: text.slice(0, 500) };
		}
	}
	return {
		statusCode: response.statusCode ?? 0,
		body: (body && typeof body === 'object' ? body : {}) as IDataObject,
	};
}

function postJson(url: string, body: IDataObject, baseURL?: string): IHttpRequestOptions {
	return {
		method: 'POST',
		baseURL,
		url,
		body,
		json: true,
		headers: { 'Content-Type': 'application/json;charset=utf-8' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: REQUEST_TIMEOUT_MS,
	};
}

/** POSTs a message to the custom robot of the `dingTalkRobotApi` credential (signed by it). */
export async function sendToRobot(
	this: IExecuteFunctions,
	baseUrl: string,
	message: IDataObject,
): Promise<DingTalkReply> {
	const response = await this.helpers.httpRequestWithAuthentication.call(
		this,
		'dingTalkRobotApi',
		postJson('/robot/send', message, baseUrl.replace(/\/+$/, '')),
	);
	return toReply(response);
}

/** POSTs a message to a sessionWebhook URL; DingTalk wants no token or signature there. */
export async function sendToSession(
	this: IExecuteFunctions,
	sessionWebhook: string,
	message: IDataObject,
): Promise<DingTalkReply> {
	const response = await this.helpers.httpRequest(postJson(sessionWebhook, message));
	return toReply(response);
}
