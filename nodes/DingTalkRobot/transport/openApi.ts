import { randomBytes } from 'node:crypto';
import { sleep } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	ACCESS_TOKEN_HEADER,
	CREDENTIAL_EXCHANGE_PATH,
	DEFAULT_API_BASE_URL,
	DEFAULT_OAPI_BASE_URL,
	appTokenKey,
	readIssuedToken,
	tokenRequestBody,
} from '../../shared/appAccessToken';
import { credentialBaseUrl } from '../../shared/baseUrl';
import {
	describeOpenApiError,
	describeUploadError,
	isAuthError,
	isThrottled,
} from '../../shared/errorCatalog';
import { MessageFieldError } from '../domain/robotMessage';
import { appTokenCache } from './accessTokenCache';
import { dingTalkError, networkFailure } from './errors';
import { dingTalkRequest, FILE_TIMEOUT_MS, parseReply, postJson } from '../../shared/http';
import type { DingTalkReply } from '../../shared/http';

export const APP_CREDENTIAL = 'dingTalkAppApi';

/** The app of the selected credential, as far as node code needs it (no secret). */
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

/** The hint for an errcode of the older API. */
export type ErrcodeDescriber = (errcode: number, subCode?: string, subMsg?: string) => string;

/** The hint for a code of the new-style API, for APIs with codes of their own (cards). */
export type CodeDescriber = (code: string, statusCode: number, message: string) => string;

/** What a call to a new-style endpoint says about itself, for its errors. */
export type CallOptions = RetryOptions & { what: string; describeCode?: CodeDescriber };

/**
 * The hints of a new-style API whose console permission (权限点) is known: a permission refusal
 * names it instead of the robot's.
 */
export function permissionHint(permission: string): CodeDescriber {
	return (code, statusCode) => {
		const described = describeOpenApiError(code, statusCode);
		const isIpRefusal = code === 'Forbidden.AccessDenied.IpNotInWhiteList';
		if (described.kind !== 'permission' || isIpRefusal) return described.hint;
		return `The app lacks the permission this API needs (${permission}). In the developer console open Permissions (权限管理), add it, then publish a new app version.`;
	};
}

/** How one answer is to be treated. */
export type Verdict = 'ok' | 'auth' | 'throttled' | 'failed';

export interface DownloadedFile {
	statusCode: number;
	data: Buffer;
	contentType?: string;
	contentDisposition?: string;
}

export interface UploadFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

/** Checks a decrypted `dingTalkAppApi` credential and keeps what the OpenAPI calls need. */
export function readAppContext(credentials: ICredentialDataDecryptedObject): AppContext {
	const appKey = String(credentials.appKey ?? '').trim();
	const appSecret = String(credentials.appSecret ?? '');
	if (!appKey || !appSecret) {
		throw new MessageFieldError(
			'credential',
			'The DingTalk App API credential has no Client ID or no Client Secret',
			'Fill in both from the app’s Credentials & Basic Info page (凭证与基础信息).',
		);
	}
	const apiBaseUrl = credentialBaseUrl(
		credentials.apiBaseUrl,
		DEFAULT_API_BASE_URL,
		'API Base URL',
	).url;
	return {
		apiBaseUrl,
		oapiBaseUrl: credentialBaseUrl(
			credentials.oapiBaseUrl,
			DEFAULT_OAPI_BASE_URL,
			'Legacy API Base URL',
		).url,
		appKey,
		tokenKey: appTokenKey(apiBaseUrl, appKey, appSecret),
	};
}

/** DingTalk's code and words in either answer style: {code, message} or {errcode, errmsg}. */
function openApiFailure(
	reply: DingTalkReply,
	what: string,
	describeErrcode: ErrcodeDescriber = describeUploadError,
	describeCode: CodeDescriber = (code, statusCode) => describeOpenApiError(code, statusCode).hint,
) {
	const { body, statusCode } = reply;
	const code = String(
		body.code ??
			(body.errcode !== undefined ? `errcode ${String(body.errcode)}` : `HTTP ${statusCode}`),
	);
	const dingTalkMessage = String(body.message ?? body.errmsg ?? '');
	const hint =
		body.code === undefined && body.errcode !== undefined
			? describeErrcode(Number(body.errcode), body.sub_code as string, body.sub_msg as string)
			: describeCode(code, statusCode, dingTalkMessage);
	return {
		message: `${what}: ${dingTalkMessage || 'no message'} (${code})`,
		hint,
		code,
		dingTalkMessage,
		httpCode: statusCode,
		requestId: body.requestid ? String(body.requestid) : undefined,
	};
}

/** The verdict on a new-style OpenAPI answer. */
export function judgeOpenApi(reply: DingTalkReply): Verdict {
	if (reply.statusCode >= 200 && reply.statusCode < 300 && reply.body.code === undefined)
		return 'ok';
	if (isAuthError(reply.statusCode, reply.body.code)) return 'auth';
	if (isThrottled(reply.statusCode, reply.body.code)) return 'throttled';
	return 'failed';
}

/** Errcodes of the older API that mean "busy, try again": system busy, and per-app call limits. */
const OAPI_BUSY_ERRCODES = new Set([-1, 90018]);

/** The verdict on an answer of the older API (oapi.dingtalk.com): HTTP 200 and errcode 0. */
export function judgeOapi(reply: DingTalkReply): Verdict {
	const errcode = Number(reply.body.errcode);
	if (reply.statusCode === 200 && errcode === 0) return 'ok';
	if (isAuthError(reply.statusCode, reply.body.code, errcode)) return 'auth';
	if (OAPI_BUSY_ERRCODES.has(errcode)) return 'throttled';
	return 'failed';
}

/** The verdict on an answer of the older /media/upload endpoint. */
export function judgeUpload(reply: DingTalkReply): Verdict {
	const errcode = Number(reply.body.errcode);
	if (reply.statusCode === 200 && errcode === 0 && reply.body.media_id) return 'ok';
	if (isAuthError(reply.statusCode, reply.body.code, errcode)) return 'auth';
	return 'failed';
}

function multipart(field: string, file: UploadFile): { body: Buffer; contentType: string } {
	const boundary = `----n8nDingTalk${randomBytes(16).toString('hex')}`;
	const fileName = file.fileName.replace(/["\\\r\n]/g, '_');
	const mimeType = file.mimeType.replace(/[\r\n]/g, '') || 'application/octet-stream';
	const head =
		`--${boundary}\r\n` +
		`Content-Disposition: form-data; name="${field}"; filename="${fileName}"\r\n` +
		`Content-Type: ${mimeType}\r\n\r\n`;
	return {
		body: Buffer.concat([
			Buffer.from(head, 'utf8'),
			file.data,
			Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
		]),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}

function headerText(headers: unknown, name: string): string | undefined {
	const value = (headers as Record<string, unknown> | undefined)?.[name];
	return typeof value === 'string' ? value : undefined;
}

/** What the client needs of n8n: the functions of a node run or of a waiting node's webhook. */
export interface OpenApiContext {
	getNode: IExecuteFunctions['getNode'];
	getCredentials: (type: string, itemIndex?: number) => Promise<ICredentialDataDecryptedObject>;
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequest'>;
}

/**
 * The client of DingTalk's OpenAPI for one item: the app token from the process-wide cache
 * (fetched once, refreshed once when DingTalk refuses it), throttled calls retried with a
 * doubling delay, and every failure as the node's DingTalk error with a hint.
 */
export class OpenApiClient {
	/** The app secret and tokens this client's requests carried: never repeated in an error. */
	private readonly sent = new Set<string>();

	constructor(
		private readonly context: OpenApiContext,
		private readonly itemIndex: number,
		readonly app: AppContext,
	) {}

	/** POSTs JSON to a new-style endpoint (api.dingtalk.com/v1.0/...). */
	async post(path: string, body: IDataObject, options: CallOptions): Promise<IDataObject> {
		return await this.call('POST', path, { body }, options);
	}

	/** PUTs JSON to a new-style endpoint (e.g. the update of a card instance). */
	async put(path: string, body: IDataObject, options: CallOptions): Promise<IDataObject> {
		return await this.call('PUT', path, { body }, options);
	}

	/** Calls a new-style endpoint with any method; `body` goes as JSON, `qs` as the query. */
	async call(
		method: 'GET' | 'POST' | 'PUT' | 'DELETE',
		path: string,
		request: { body?: IDataObject; qs?: IDataObject },
		options: CallOptions,
	): Promise<IDataObject> {
		return await this.withAccessToken(options, async (token) => {
			const { body, qs } = request;
			const outgoing =
				body === undefined
					? dingTalkRequest({ method, baseURL: this.app.apiBaseUrl, url: path, json: true })
					: { ...postJson(this.app.apiBaseUrl, path, body), method };
			if (qs) outgoing.qs = qs;
			outgoing.headers = { ...outgoing.headers, [ACCESS_TOKEN_HEADER]: token };
			return await this.context.helpers.httpRequest(outgoing);
		});
	}

	/**
	 * POSTs JSON to the older API (oapi.dingtalk.com/topapi/...), which takes the same app token
	 * in the access_token query parameter and answers errors as HTTP 200 with an errcode.
	 */
	async oapiPost(
		path: string,
		body: IDataObject,
		options: RetryOptions & {
			what: string;
			describeErrcode?: ErrcodeDescriber;
			judge?: (reply: DingTalkReply) => Verdict;
		},
	): Promise<IDataObject> {
		const judge = options.judge ?? judgeOapi;
		return await this.withAccessToken({ ...options, judge }, async (token) => {
			const request = postJson(this.app.oapiBaseUrl, path, body);
			request.qs = { access_token: token };
			return await this.context.helpers.httpRequest(request);
		});
	}

	/**
	 * Uploads a file to DingTalk's media store (oapi.dingtalk.com/media/upload). This older API
	 * takes the same app access token, but in the access_token query parameter.
	 */
	async uploadMedia(
		mediaType: string,
		file: UploadFile,
		options: RetryOptions & { what: string },
	): Promise<IDataObject> {
		const { body, contentType } = multipart('media', file);
		return await this.withAccessToken(
			{ ...options, judge: judgeUpload },
			async (token) =>
				await this.context.helpers.httpRequest(
					dingTalkRequest({
						method: 'POST',
						baseURL: this.app.oapiBaseUrl,
						url: '/media/upload',
						qs: { access_token: token, type: mediaType },
						body,
						headers: { 'Content-Type': contentType },
						timeout: FILE_TIMEOUT_MS,
					}),
				),
		);
	}

	/** GETs a temporary download URL DingTalk handed out; it needs (and gets) no credentials. */
	async download(url: string): Promise<DownloadedFile> {
		const response = (await this.guarded(
			async () =>
				await this.context.helpers.httpRequest(
					dingTalkRequest({
						method: 'GET',
						url,
						encoding: 'arraybuffer',
						timeout: FILE_TIMEOUT_MS,
					}),
				),
		)) as { statusCode: number; body: ArrayBuffer | Buffer; headers: unknown };
		const body = response.body;
		return {
			statusCode: response.statusCode,
			data: Buffer.isBuffer(body) ? body : Buffer.from(body ?? new ArrayBuffer(0)),
			contentType: headerText(response.headers, 'content-type'),
			contentDisposition: headerText(response.headers, 'content-disposition'),
		};
	}

	fail(
		reply: DingTalkReply,
		what: string,
		describeErrcode?: ErrcodeDescriber,
		describeCode?: CodeDescriber,
	) {
		return dingTalkError(
			this.context.getNode(),
			this.itemIndex,
			openApiFailure(reply, what, describeErrcode, describeCode),
			[...this.sent],
		);
	}

	private async accessToken(): Promise<string> {
		return await appTokenCache.get(this.app.tokenKey, async () => {
			const credentials = await this.context.getCredentials(APP_CREDENTIAL, this.itemIndex);
			this.sent.add(String(credentials.appSecret ?? ''));
			const reply = parseReply(
				await this.guarded(
					async () =>
						await this.context.helpers.httpRequest(
							postJson(
								this.app.apiBaseUrl,
								CREDENTIAL_EXCHANGE_PATH,
								tokenRequestBody(credentials),
							),
						),
				),
			);
			const issued = readIssuedToken(reply.statusCode, reply.body);
			if (issued) return issued;
			throw this.fail(reply, 'DingTalk did not issue an app access token');
		});
	}

	private async withAccessToken(
		options: RetryOptions & {
			what: string;
			judge?: (reply: DingTalkReply) => Verdict;
			describeErrcode?: ErrcodeDescriber;
			describeCode?: CodeDescriber;
		},
		send: (accessToken: string) => Promise<unknown>,
	): Promise<IDataObject> {
		const judge = options.judge ?? judgeOpenApi;
		let refreshed = false;
		let retries = 0;
		for (;;) {
			const token = await this.accessToken();
			this.sent.add(token);
			const reply = parseReply(
				(await this.guarded(async () => await send(token))) as { statusCode?: number },
			);
			const verdict = judge(reply);
			if (verdict === 'ok') return reply.body;
			if (verdict === 'auth' && !refreshed) {
				appTokenCache.invalidate(this.app.tokenKey, token);
				refreshed = true;
				continue;
			}
			if (verdict === 'throttled' && retries < options.maxRetries) {
				await sleep(options.retryDelayMs * 2 ** retries);
				retries++;
				continue;
			}
			throw this.fail(reply, options.what, options.describeErrcode, options.describeCode);
		}
	}

	/**
	 * Runs a request and turns a thrown error (connection refused, timeout) into one that says so
	 * without the request options: n8n's own error would carry the token or the secret along.
	 */
	private async guarded<T>(request: () => Promise<T>): Promise<T> {
		try {
			return await request();
		} catch (caught) {
			throw dingTalkError(this.context.getNode(), this.itemIndex, networkFailure(caught), [
				...this.sent,
			]);
		}
	}
}
