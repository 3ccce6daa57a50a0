import type {
	IAuthenticateRuleResponseCode,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { originOf, requireBaseUrl } from '../nodes/shared/baseUrl';

const DEFAULT_API_BASE_URL = 'https://api.dingtalk.com';
const CREDENTIAL_EXCHANGE_PATH = '/v1.0/oauth2/accessToken';

/** Whether a request goes to the app access token endpoint of this credential's API Base URL. */
function isAccessTokenRequest(
	credentials: ICredentialDataDecryptedObject,
	request: IHttpRequestOptions,
) {
	const apiBaseUrl = String(credentials.apiBaseUrl || DEFAULT_API_BASE_URL).trim();
	let target: URL;
	try {
		target = new URL(request.url, request.baseURL || undefined);
	} catch {
		return false;
	}
	return (
		target.origin === originOf(apiBaseUrl) &&
		target.pathname.replace(/\/+$/, '') === CREDENTIAL_EXCHANGE_PATH
	);
}

function failOnStatus(value: number, message: string) {
	return { type: 'responseCode', properties: { value, message } } as IAuthenticateRuleResponseCode;
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
				'Host of DingTalk’s older API, used by the DingTalk Robot node to upload media and to accept session webhooks on this host. Change only for a proxy, a private DingTalk deployment, or local testing.',
		},
	];

	/**
	 * Puts the Client ID and Secret into the body of access token requests, and only there. The
	 * DingTalk Robot node caches the token for the whole n8n process and sends it itself in the
	 * x-acs-dingtalk-access-token header.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// Nothing leaves n8n with a Base URL that is not http(s): no request, no secret.
		requireBaseUrl(credentials.apiBaseUrl, DEFAULT_API_BASE_URL, 'API Base URL');
		requireBaseUrl(credentials.oapiBaseUrl, 'https://oapi.dingtalk.com', 'Legacy API Base URL');
		if (!isAccessTokenRequest(credentials, requestOptions)) return requestOptions;
		const body =
			typeof requestOptions.body === 'object' &&
			requestOptions.body !== null &&
			!Buffer.isBuffer(requestOptions.body)
				? (requestOptions.body as Record<string, unknown>)
				: {};
		return {
			...requestOptions,
			body: { ...body, appKey: credentials.appKey, appSecret: credentials.appSecret },
		};
	}

	// Fetching an app access token proves the Client ID and Secret. The event token and aes_key
	// cannot be checked against DingTalk; the trigger checks their shape when it is activated.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiBaseUrl.replace(/\\/+$/, "")}}',
			url: '/v1.0/oauth2/accessToken',
			method: 'POST',
			disableFollowRedirect: true,
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: {
				appKey: '={{$credentials.appKey}}',
				appSecret: '={{$credentials.appSecret}}',
			},
		},
		rules: [
			failOnStatus(
				400,
				'DingTalk rejected the Client ID or Client Secret (invalidClientIdOrSecret). Copy both again from the app’s Credentials & Basic Info page.',
			),
			failOnStatus(
				403,
				'DingTalk refused the request (403). Check that the app is enabled and that this server’s IP is allowed.',
			),
		],
	};
}
