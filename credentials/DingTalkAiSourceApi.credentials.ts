import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/**
 * The API key of an OpenAI-compatible streaming endpoint that fills an AI card (Reply with AI
 * Card, Answer From a Streaming URL). The fields are those of n8n's own OpenAI credential; a
 * community package may not use that credential type itself.
 */
export class DingTalkAiSourceApi implements ICredentialType {
	name = 'dingTalkAiSourceApi';

	displayName = 'DingTalk AI Card Source (OpenAI-Compatible) API';

	icon: Icon = { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' };

	documentationUrl = 'https://platform.openai.com/docs/api-reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Sent as "Authorization: Bearer <key>" with every request to the source',
		},
		{
			displayName: 'Base URL',
			name: 'url',
			type: 'string',
			default: 'https://api.openai.com/v1',
			description:
				'The API root of the endpoint, for the credential test (GET <Base URL>/models). The node calls the Streaming URL it is given.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.url.replace(/\\/+$/, "")}}',
			url: '/models',
			disableFollowRedirect: true,
		},
	};
}
