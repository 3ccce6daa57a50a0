import type {
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { requireBaseUrl } from '../nodes/shared/baseUrl';
import { computeRobotSign, parseAccessToken } from '../nodes/shared/robotSigning';

function failOn(key: 'errcode' | 'errmsg', value: number | string, message: string) {
	return {
		type: 'responseSuccessBody',
		properties: { key, value, message },
	} as IAuthenticateRuleResponseSuccessBody;
}

export class DingTalkRobotApi implements ICredentialType {
	name = 'dingTalkRobotApi';

	displayName = 'DingTalk Robot API';

	icon: Icon = { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' };

	documentationUrl =
		'https://open.dingtalk.com/document/dingstart/customize-robot-security-settings';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'e.g. https://oapi.dingtalk.com/robot/send?access_token=...',
			description:
				'The access token of the custom robot (自定义机器人), or the whole webhook URL shown in the group settings; the token is taken from it',
		},
		{
			displayName: 'Secret (加签)',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'e.g. SEC0123...',
			description:
				'The signing secret starting with SEC, shown when the robot security setting 加签 is enabled. Leave empty if the robot uses only keywords or an IP allow-list.',
		},
		{
			displayName: 'Keywords (关键词)',
			name: 'keywords',
			type: 'string',
			default: '',
			placeholder: 'e.g. alert, 告警',
			description:
				'The custom keywords set in the robot security settings, separated by commas. The node makes sure each message contains at least one of them.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://oapi.dingtalk.com',
			description: 'Change only for a proxy, a private DingTalk deployment, or local testing',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// Nothing leaves n8n with a Base URL that is not http(s): no request, no token.
		requireBaseUrl(credentials.baseUrl, 'https://oapi.dingtalk.com', 'Base URL');
		const qs = { ...(requestOptions.qs ?? {}) };
		qs.access_token = parseAccessToken(credentials.accessToken as string);
		const secret = ((credentials.secret as string) ?? '').trim();
		if (secret) {
			// Fresh per request: DingTalk refuses a timestamp more than an hour old. The sign stays
			// raw base64 here because n8n URL-encodes query values once when it sends the request.
			const timestamp = String(Date.now());
			qs.timestamp = timestamp;
			qs.sign = computeRobotSign(secret, timestamp);
		}
		return { ...requestOptions, qs };
	}

	// The probe names a message type DingTalk does not know, so it is rejected after the token,
	// signature and IP checks and nothing is ever posted to the group.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/robot/send',
			method: 'POST',
			disableFollowRedirect: true,
			headers: { 'Content-Type': 'application/json' },
			body: { msgtype: 'n8nCredentialCheck' },
		},
		rules: [
			failOn(
				'errmsg',
				'sign not match',
				'Signature rejected: the secret does not match the robot (加签). Copy the SEC... value again from the robot security settings.',
			),
			failOn(
				'errmsg',
				'invalid timestamp',
				// A request without a secret has no timestamp, which DingTalk reports the same way.
				"Timestamp rejected: 加签 is enabled on the robot but no secret is set, or the n8n server clock is more than one hour off DingTalk's time.",
			),
			failOn(
				'errcode',
				310000,
				"Security check failed (310000): the secret does not match the robot's 加签 setting, the robot's IP allow-list does not include this n8n server, or 加签 is enabled and no secret is set. DingTalk's errmsg in the n8n log says which.",
			),
			failOn(
				'errcode',
				300005,
				'Access token not found: copy the webhook URL again from the robot settings.',
			),
			failOn(
				'errcode',
				300001,
				'Access token not found: copy the webhook URL again from the robot settings.',
			),
			failOn(
				'errcode',
				400101,
				'Access token not found: copy the webhook URL again from the robot settings.',
			),
			failOn(
				'errcode',
				400102,
				'The robot is disabled (机器人已停用). Enable it in the group settings.',
			),
			failOn(
				'errcode',
				400106,
				'The robot no longer exists in the group. Add it again and use its new webhook.',
			),
			failOn('errcode', 400013, 'The group of this robot has been disbanded.'),
			failOn('errcode', -1, 'DingTalk is busy (-1). Try again in a moment.'),
		],
	};
}
