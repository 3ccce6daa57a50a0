import type {
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	ACCESS_TOKEN_HEADER,
	appTokenKey,
	CREDENTIAL_EXCHANGE_PATH,
	DEFAULT_API_BASE_URL,
	DEFAULT_OAPI_BASE_URL,
	readIssuedToken,
	tokenPlacement,
	tokenRefreshAt,
	tokenRequestBody,
} from '../nodes/shared/appAccessToken';
import { originOf, requireBaseUrl } from '../nodes/shared/baseUrl';
import { describeOpenApiError } from '../nodes/shared/errorCatalog';
import { parseReply, postJson } from '../nodes/shared/http';
import { redactSecrets } from '../nodes/shared/redactSecrets';

const NO_TOKEN = 'none';

function failOnBody(
	key: string,
	value: unknown,
	message: string,
): IAuthenticateRuleResponseSuccessBody {
	return { type: 'responseSuccessBody', properties: { key, value, message } };
}

/** Which app a stored token belongs to: a hash, so a changed Client ID, secret or host refetches. */
function tokenOwner(credentials: ICredentialDataDecryptedObject): string {
	return appTokenKey(
		requireBaseUrl(credentials.apiBaseUrl, DEFAULT_API_BASE_URL, 'API Base URL'),
		String(credentials.appKey ?? '').trim(),
		String(credentials.appSecret ?? ''),
	);
}

/**
 * Thrown by authenticate() when the stored token is missing, expiring or of another app. n8n
 * answers a 401 by calling preAuthentication() for a fresh token and sending the request again;
 * DingTalk itself answers an expired token with HTTP 400 or 200, which n8n would not retry.
 */
class StoredTokenExpired extends Error {
	readonly response = { status: 401 };

	constructor() {
		super(
			'The app access token of this DingTalk App API credential has expired and n8n could not fetch a new one. Run again; if it persists, open and save the credential.',
		);
	}
}

function requestTarget(request: IHttpRequestOptions): URL | undefined {
	// Nodes built on n8n's older request helper pass the address as `uri`.
	const address = request.url || (request as { uri?: unknown }).uri;
	if (typeof address !== 'string') return undefined;
	try {
		return new URL(address, request.baseURL || undefined);
	} catch {
		return undefined;
	}
}

/**
 * A request that carries the token follows no redirect: n8n keeps custom headers, the token's
 * among them, on a redirect to another host. httpRequest reads disableFollowRedirect, the older
 * request helper (n8n's HTTP Request node) the other three.
 */
const NO_REDIRECTS = {
	disableFollowRedirect: true,
	followRedirect: false,
	followAllRedirects: false,
	maxRedirects: 0,
};

/**
 * Adds the stored app token to requests for this credential's DingTalk hosts: in the
 * x-acs-dingtalk-access-token header for new-style APIs, as the access_token query parameter
 * for the older API, and turns redirects off. Requests to any other host leave unchanged.
 */
async function addAppToken(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	// Nothing leaves n8n with a Base URL that is not http(s).
	const apiBaseUrl = requireBaseUrl(credentials.apiBaseUrl, DEFAULT_API_BASE_URL, 'API Base URL');
	const oapiBaseUrl = requireBaseUrl(
		credentials.oapiBaseUrl,
		DEFAULT_OAPI_BASE_URL,
		'Legacy API Base URL',
	);
	const target = requestTarget(requestOptions);
	const placement =
		target &&
		tokenPlacement(target, {
			apiOrigin: originOf(apiBaseUrl) ?? '',
			oapiOrigin: originOf(oapiBaseUrl) ?? '',
		});
	if (!placement) return requestOptions;

	const token = String(credentials.accessToken ?? '');
	const fresh =
		token !== '' &&
		token !== NO_TOKEN &&
		Date.now() < Number(credentials.refreshAt) &&
		credentials.issuedFor === tokenOwner(credentials);
	if (!fresh) throw new StoredTokenExpired();
	const withoutRedirects = { ...requestOptions, ...NO_REDIRECTS };
	if (placement === 'header') {
		return {
			...withoutRedirects,
			headers: { ...requestOptions.headers, [ACCESS_TOKEN_HEADER]: token },
		};
	}
	return { ...withoutRedirects, qs: { ...requestOptions.qs, access_token: token } };
}

/**
 * An internal DingTalk app (企业内部应用): its Client ID/Secret sign incoming robot messages and
 * fetch access tokens; its event subscription token and aes_key protect pushed events.
 */
export class DingTalkAppApi implements ICredentialType {
	name = 'dingTalkAppApi';

	displayName = 'DingTalk App API';

	icon: Icon = { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' };

	documentationUrl =
		'https://open.dingtalk.com/document/development/obtain-the-access-token-of-an-internal-app';

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID (AppKey)',
			name: 'appKey',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. dingxxxxxxxxxxxxxxxx',
			description:
				'Shown on the app’s Credentials & Basic Info page (凭证与基础信息) in the DingTalk developer console',
		},
		{
			displayName: 'Client Secret (AppSecret)',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Shown next to the Client ID. DingTalk signs the robot messages it sends to n8n with it.',
		},
		{
			displayName: 'Event Token (签名 token)',
			name: 'eventToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The token of the HTTP event subscription (事件订阅 → HTTP 推送). Needed only for the Event Subscription mode.',
		},
		// The aes_key decrypts every event, so it is masked although its name lacks a secret marker.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Event AES Key (加密 aes_key)',
			name: 'eventAesKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The aes_key of the HTTP event subscription: exactly 43 letters and digits, as generated in the console. Needed only for the Event Subscription mode; the trigger refuses to activate with any other shape.',
		},
		{
			displayName: 'Owner Key',
			name: 'ownerKey',
			type: 'string',
			default: '',
			placeholder: 'Defaults to the Client ID',
			description:
				'The key DingTalk appends to each encrypted event. Leave empty for the Client ID (AppKey), which the console’s event subscription uses; enter the CorpId for callbacks registered with the legacy register_call_back API, or the SuiteKey for third-party apps.',
		},
		{
			displayName: 'Outgoing Token (Custom Robot)',
			name: 'outgoingToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for a group custom robot (自定义机器人) with Outgoing enabled: the token set there, which DingTalk sends in the token header',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: 'https://api.dingtalk.com',
			description: 'Change only for a proxy, a private DingTalk deployment, or local testing',
		},
		{
			displayName: 'Legacy API Base URL',
			name: 'oapiBaseUrl',
			type: 'string',
			default: 'https://oapi.dingtalk.com',
			description:
				'Host of DingTalk’s older API (oapi): media upload, contacts, and the host on which the DingTalk Robot node accepts session webhooks. Change only for a proxy, a private DingTalk deployment, or local testing.',
		},
		// Filled by preAuthentication() for other nodes' requests; never shown. Not empty by default:
		// n8n runs preAuthentication() for an empty expirable field before any request, the
		// credential test included, and then saves the credential, which fails while it is unsaved.
		// authenticate() asks for the first token through n8n's 401 retry instead.
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: NO_TOKEN,
		},
		{
			displayName: 'Refresh At',
			name: 'refreshAt',
			type: 'hidden',
			default: 0,
		},
		{
			displayName: 'Issued For',
			name: 'issuedFor',
			type: 'hidden',
			default: '',
		},
	];

	/**
	 * Fetches an app access token for requests of other nodes (n8n's HTTP Request node with this
	 * credential). n8n stores it in the credential until authenticate() finds it expiring. The
	 * DingTalk Robot node keeps its own process-wide token cache and does not use this one.
	 */
	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		const apiBaseUrl = requireBaseUrl(credentials.apiBaseUrl, DEFAULT_API_BASE_URL, 'API Base URL');
		const request = postJson(apiBaseUrl, CREDENTIAL_EXCHANGE_PATH, tokenRequestBody(credentials));
		let reply;
		try {
			reply = parseReply(await this.helpers.httpRequest(request));
		} catch (caught) {
			// n8n's error would carry the request, and with it the Client Secret.
			const reason = String((caught as { code?: unknown }).code ?? 'no answer');
			throw new Error(
				`DingTalk's token endpoint at ${apiBaseUrl} could not be reached (${reason})`,
			);
		}
		const issued = readIssuedToken(reply.statusCode, reply.body);
		if (!issued) {
			const code = String(reply.body.code ?? `HTTP ${reply.statusCode}`);
			const words = String(reply.body.message ?? 'no message');
			const { hint } = describeOpenApiError(code, reply.statusCode);
			throw new Error(
				redactSecrets(`DingTalk did not issue an app access token: ${words} (${code}). ${hint}`, [
					credentials.appSecret,
				]),
			);
		}
		return {
			accessToken: issued.accessToken,
			refreshAt: tokenRefreshAt(Date.now(), issued.expireIn),
			issuedFor: tokenOwner(credentials),
		};
	}

	// An own property, not a method: n8n copies credential types with object spread before sending
	// them to the editor, which drops methods, and the HTTP Request node's Predefined Credential
	// Type list shows only types that have `authenticate`.
	authenticate = addAppToken;

	// Fetching an app access token proves the Client ID and Secret. The event token and aes_key
	// cannot be checked against DingTalk; the trigger checks their shape when it is activated.
	// DingTalk's refusals are read from the body: n8n's credential test shows only a generic
	// "Bad request" for a 4xx it treats as an error.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiBaseUrl.replace(/\\/+$/, "")}}',
			url: CREDENTIAL_EXCHANGE_PATH,
			method: 'POST',
			disableFollowRedirect: true,
			ignoreHttpStatusErrors: true,
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: {
				appKey: '={{$credentials.appKey}}',
				appSecret: '={{$credentials.appSecret}}',
			},
		},
		rules: [
			failOnBody(
				'code',
				'invalidClientIdOrSecret',
				'DingTalk rejected the Client ID or Client Secret (invalidClientIdOrSecret). Copy both again from the app’s Credentials & Basic Info page (凭证与基础信息).',
			),
			failOnBody(
				'code',
				'Forbidden.AccessDenied.IpNotInWhiteList',
				'DingTalk refused this server’s IP (Forbidden.AccessDenied.IpNotInWhiteList). Add it to the app’s server IP allow-list (服务器出口IP).',
			),
			failOnBody(
				'accessToken',
				undefined,
				'DingTalk issued no access token. Check that the app is enabled and that API Base URL points at DingTalk (https://api.dingtalk.com).',
			),
		],
	};
}
