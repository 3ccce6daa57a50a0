import { NodeApiError, sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';

import { APP_CREDENTIAL, postOpenApi, requestAccessToken } from '../../transport/openApi';
import type { OpenApiReply } from '../../transport/openApi';
import { MessageFieldError } from '../interfaces';
import { appTokenCache, appTokenKey } from './accessToken';
import {
	describeOpenApiError,
	describeUploadError,
	isAuthError,
	isThrottled,
} from './openApiErrors';

/** The app of the selected credential, as far as node code needs it. */
export interface AppContext {
	apiBaseUrl: string;
	oapiBaseUrl: string;
	appKey: string;
	/** Cache key of the app's access token (a hash; no secret). */
	tokenKey: string;
}

export interface RetryOptions {
	maxRetries: number;
	retryDelayMs: number;
}

/** How one answer is to be treated. */
export type Verdict = 'ok' | 'auth' | 'throttled' | 'failed';

const DEFAULT_API_BASE_URL = 'https://api.dingtalk.com';
const DEFAULT_OAPI_BASE_URL = 'https://oapi.dingtalk.com';

function baseUrl(value: unknown, fallback: string, label: string): string {
	const text = String(value || fallback)
		.trim()
		.replace(/\/+$/, '');
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || !/^https?:$/.test(url.protocol)) {
		throw new MessageFieldError(
			'credential',
			`The credential's ${label} is not an http(s) URL: ${text.slice(0, 100)}`,
			`Set ${label} to ${fallback} unless you use a proxy.`,
		);
	}
	return text;
}

/** Reads the DingTalk App API credential of an item. */
export async function readAppContext(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<AppContext> {
	const credentials = await this.getCredentials(APP_CREDENTIAL, itemIndex);
	const appKey = String(credentials.appKey ?? '').trim();
	const appSecret = String(credentials.appSecret ?? '');
	if (!appKey || !appSecret) {
		throw new MessageFieldError(
			'credential',
			'The DingTalk App API credential has no Client ID or no Client Secret',
			'Fill in both from the app’s Credentials & Basic Info page (凭证与基础信息).',
		);
	}
	const apiBaseUrl = baseUrl(credentials.apiBaseUrl, DEFAULT_API_BASE_URL, 'API Base URL');
	return {
		apiBaseUrl,
		oapiBaseUrl: baseUrl(credentials.oapiBaseUrl, DEFAULT_OAPI_BASE_URL, 'Legacy API Base URL'),
		appKey,
		tokenKey: appTokenKey(apiBaseUrl, appKey, appSecret),
	};
}

/**
 * A refusal as a NodeApiError carrying DingTalk's code, message and request ID (never the
 * request itself, which may hold the token or the Client Secret).
 */
export function openApiError(
	this: IExecuteFunctions,
	itemIndex: number,
	reply: OpenApiReply,
	what: string,
): NodeApiError {
	const { body, statusCode } = reply;
	const code = String(
		body.code ??
			(body.errcode !== undefined ? `errcode ${String(body.errcode)}` : `HTTP ${statusCode}`),
	);
	const dingTalkMessage = String(body.message ?? body.errmsg ?? '');
	// The older oapi endpoints answer {errcode, errmsg}; the new ones {code, message}.
	const hint =
		body.code === undefined && body.errcode !== undefined
			? describeUploadError(Number(body.errcode))
			: describeOpenApiError(code, statusCode).hint;
	const error = new NodeApiError(
		this.getNode(),
		{ code, message: dingTalkMessage, requestid: String(body.requestid ?? '') } as JsonObject,
		{
			message: `${what}: ${dingTalkMessage || 'no message'} (${code}) [item ${itemIndex}]`,
			description: hint,
			itemIndex,
			httpCode: String(statusCode),
		},
	);
	error.context.code = code;
	error.context.dingTalkMessage = dingTalkMessage;
	if (body.requestid) error.context.requestId = String(body.requestid);
	return error;
}

/**
 * Runs a request and turns a thrown error (connection refused, timeout) into one that says so
 * without the request options: n8n's own error would carry the token or the secret along.
 */
export async function guarded<T>(
	context: IExecuteFunctions,
	itemIndex: number,
	request: () => Promise<T>,
): Promise<T> {
	try {
		return await request();
	} catch (caught) {
		const error = caught as { cause?: { code?: string }; code?: string; httpCode?: string };
		const code = error?.cause?.code ?? error?.code ?? 'network error';
		const wrapped = new NodeApiError(context.getNode(), { code } as JsonObject, {
			message: `Could not reach DingTalk (${code}) [item ${itemIndex}]`,
			description:
				'The connection failed or timed out, so the request may or may not have reached DingTalk. Check that the n8n server can reach the Base URLs of the credential.',
			itemIndex,
		});
		wrapped.context.code = code;
		throw wrapped;
	}
}

/** The app access token from the process-wide cache, fetched when there is none (or it is old). */
export async function getAccessToken(
	this: IExecuteFunctions,
	itemIndex: number,
	app: AppContext,
): Promise<string> {
	return await appTokenCache.get(app.tokenKey, async () => {
		const reply = await guarded(this, itemIndex, async () =>
			requestAccessToken.call(this, app.apiBaseUrl),
		);
		const token = reply.body.accessToken;
		if (reply.statusCode === 200 && typeof token === 'string' && token !== '') {
			return { accessToken: token, expireIn: Number(reply.body.expireIn) || 7200 };
		}
		throw openApiError.call(this, itemIndex, reply, 'DingTalk did not issue an app access token');
	});
}

/** The verdict on a new-style OpenAPI answer. */
export function judgeOpenApi(reply: OpenApiReply): Verdict {
	if (reply.statusCode >= 200 && reply.statusCode < 300 && reply.body.code === undefined)
		return 'ok';
	if (isAuthError(reply.statusCode, reply.body.code)) return 'auth';
	if (isThrottled(reply.statusCode, reply.body.code)) return 'throttled';
	return 'failed';
}

/**
 * Sends a request with the app's access token. When DingTalk refuses the token the cached one is
 * dropped and the request is sent once more with a fresh token; throttled requests are retried
 * with a doubling delay. Anything else fails with DingTalk's code and a hint.
 */
export async function withAccessToken(
	this: IExecuteFunctions,
	itemIndex: number,
	app: AppContext,
	options: RetryOptions & { what: string; judge?: (reply: OpenApiReply) => Verdict },
	send: (accessToken: string) => Promise<OpenApiReply>,
): Promise<IDataObject> {
	const judge = options.judge ?? judgeOpenApi;
	let refreshed = false;
	let retries = 0;
	for (;;) {
		const token = await getAccessToken.call(this, itemIndex, app);
		const reply = await guarded(this, itemIndex, async () => await send(token));
		const verdict = judge(reply);
		if (verdict === 'ok') return reply.body;
		if (verdict === 'auth' && !refreshed) {
			appTokenCache.invalidate(app.tokenKey, token);
			refreshed = true;
			continue;
		}
		if (verdict === 'throttled' && retries < options.maxRetries) {
			await sleep(options.retryDelayMs * 2 ** retries);
			retries++;
			continue;
		}
		throw openApiError.call(this, itemIndex, reply, options.what);
	}
}

/** POSTs JSON to an OpenAPI endpoint with the app's token (see withAccessToken). */
export async function callOpenApi(
	this: IExecuteFunctions,
	itemIndex: number,
	app: AppContext,
	path: string,
	body: IDataObject,
	options: RetryOptions & { what: string },
): Promise<IDataObject> {
	return await withAccessToken.call(this, itemIndex, app, options, async (token) =>
		postOpenApi.call(this, app.apiBaseUrl, path, token, body),
	);
}
