import { randomBytes } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

/** What a DingTalk OpenAPI endpoint answered, whatever the HTTP status. */
export interface OpenApiReply {
	statusCode: number;
	body: IDataObject;
}

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

export const APP_CREDENTIAL = 'dingTalkAppApi';
export const CREDENTIAL_EXCHANGE_PATH = '/v1.0/oauth2/accessToken';
export const ACCESS_TOKEN_HEADER = 'x-acs-dingtalk-access-token';

const REQUEST_TIMEOUT_MS = 15000;
const FILE_TIMEOUT_MS = 120000;

function toReply(response: { statusCode?: number; body?: unknown }): OpenApiReply {
	let body = response.body;
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
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
		body: (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as IDataObject,
	};
}

function jsonPost(baseURL: string, url: string, body: IDataObject): IHttpRequestOptions {
	return {
		method: 'POST',
		baseURL,
		url,
		body,
		json: true,
		headers: { 'Content-Type': 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: REQUEST_TIMEOUT_MS,
	};
}

/**
 * Asks DingTalk for an app access token. The body stays empty here: the credential's
 * authenticate() adds the Client ID and Secret, so they never pass through node code.
 */
export async function requestAccessToken(
	this: IExecuteFunctions,
	apiBaseUrl: string,
): Promise<OpenApiReply> {
	const response = await this.helpers.httpRequestWithAuthentication.call(
		this,
		APP_CREDENTIAL,
		jsonPost(apiBaseUrl, CREDENTIAL_EXCHANGE_PATH, {}),
	);
	return toReply(response);
}

/** POSTs JSON to a new-style OpenAPI endpoint (api.dingtalk.com/v1.0/...). */
export async function postOpenApi(
	this: IExecuteFunctions,
	apiBaseUrl: string,
	path: string,
	accessToken: string,
	body: IDataObject,
): Promise<OpenApiReply> {
	const options = jsonPost(apiBaseUrl, path, body);
	options.headers = { ...options.headers, [ACCESS_TOKEN_HEADER]: accessToken };
	const response = await this.helpers.httpRequestWithAuthentication.call(
		this,
		APP_CREDENTIAL,
		options,
	);
	return toReply(response);
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

/**
 * Uploads a file to DingTalk's media store (oapi.dingtalk.com/media/upload). This older API
 * takes the same app access token, but in the access_token query parameter.
 */
export async function uploadMedia(
	this: IExecuteFunctions,
	oapiBaseUrl: string,
	accessToken: string,
	mediaType: string,
	file: UploadFile,
): Promise<OpenApiReply> {
	const { body, contentType } = multipart('media', file);
	const response = await this.helpers.httpRequestWithAuthentication.call(this, APP_CREDENTIAL, {
		method: 'POST',
		baseURL: oapiBaseUrl,
		url: '/media/upload',
		qs: { access_token: accessToken, type: mediaType },
		body,
		headers: { 'Content-Type': contentType },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: FILE_TIMEOUT_MS,
	});
	return toReply(response);
}

function headerText(headers: unknown, name: string): string | undefined {
	const value = (headers as Record<string, unknown> | undefined)?.[name];
	return typeof value === 'string' ? value : undefined;
}

/** GETs a temporary download URL DingTalk handed out; it needs (and gets) no credentials. */
export async function downloadFromUrl(
	this: IExecuteFunctions,
	url: string,
): Promise<DownloadedFile> {
	const response = (await this.helpers.httpRequest({
		method: 'GET',
		url,
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: FILE_TIMEOUT_MS,
	})) as { statusCode: number; body: ArrayBuffer | Buffer; headers: unknown };
	const body = response.body;
	return {
		statusCode: response.statusCode,
		data: Buffer.isBuffer(body) ? body : Buffer.from(body ?? new ArrayBuffer(0)),
		contentType: headerText(response.headers, 'content-type'),
		contentDisposition: headerText(response.headers, 'content-disposition'),
	};
}
