import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';

import { redactSecrets } from '../../shared/http';

/** A refusal or failure of a DingTalk API, as the node reports it for every resource. */
export interface DingTalkFailure {
	/** What happened, in a sentence; the item index is appended. */
	message: string;
	/** What the user can do about it. */
	hint: string;
	/**
	 * DingTalk's code: the errcode of a custom robot (a number), the code of the OpenAPI (a
	 * string), or the node's own for failures without one ('rateLimited', 'ECONNREFUSED', 'HTTP 502').
	 */
	code: string | number | null;
	/** DingTalk's own words (errmsg or message). */
	dingTalkMessage?: string;
	httpCode?: number;
	requestId?: string;
	/** Per-recipient outcome of a send to several people, kept with the error. */
	report?: IDataObject;
}

/** The context keys of a DingTalk error, read by Continue On Fail and by callers that branch on it. */
export interface DingTalkErrorContext {
	code: string | number | null;
	dingTalkMessage: string | null;
	requestId?: string;
	report?: IDataObject;
}

/**
 * The one error type of the node's DingTalk calls: a NodeApiError that carries DingTalk's code
 * and message, never the request (which holds the token, the signature or the Client Secret).
 */
export function dingTalkError(node: INode, itemIndex: number, failure: DingTalkFailure) {
	const dingTalkMessage =
		failure.dingTalkMessage === undefined ? null : redactSecrets(failure.dingTalkMessage);
	const message = `${redactSecrets(failure.message)} [item ${itemIndex}]`;
	const response: JsonObject = { code: failure.code, message: dingTalkMessage };
	if (failure.requestId) response.requestid = failure.requestId;
	const error = new NodeApiError(node, response, {
		message,
		description: redactSecrets(failure.hint),
		itemIndex,
		httpCode: failure.httpCode ? String(failure.httpCode) : undefined,
	});
	// NodeApiError swaps a message that mentions a network code (ECONNRESET...) for a generic one.
	error.message = message;
	const context: DingTalkErrorContext = { code: failure.code, dingTalkMessage };
	if (failure.requestId) context.requestId = failure.requestId;
	if (failure.report) context.report = failure.report;
	Object.assign(error.context, context);
	return error;
}

interface NetworkError {
	code?: string;
	cause?: { code?: string; message?: string };
	messages?: string[];
	message?: string;
}

/** A request that got no answer (connection refused, reset, timed out), in its own words. */
export function networkFailure(caught: unknown): DingTalkFailure {
	const failure = (caught ?? {}) as NetworkError;
	const code = failure.code || failure.cause?.code || 'network error';
	const words = failure.message || failure.cause?.message || failure.messages?.[0] || code;
	const reason = redactSecrets(String(words).slice(0, 200));
	return {
		message: `Could not reach DingTalk (${reason})`,
		hint: 'The connection failed or timed out, so the request may or may not have reached DingTalk. Check that the n8n server can reach the Base URLs of the credential.',
		code,
	};
}
