/**
 * The app token never follows a redirect: when the DingTalk App API credential adds the token to
 * another node's request (n8n's HTTP Request node), a 3xx from the DingTalk host is not followed,
 * so the x-acs-dingtalk-access-token header (which n8n and follow-redirects keep on a cross-host
 * redirect) and the body never reach the host the answer names. Through n8n-core's real
 * httpRequestWithAuthentication and requestWithAuthentication.
 */
import type { IExecuteFunctions, IHttpRequestOptions, INodeType } from 'n8n-workflow';

import { DingTalkAppApi } from '../../credentials/DingTalkAppApi.credentials';
import { appTokenKey } from '../../nodes/shared/appAccessToken';
import { runNode } from '../helpers/runNode';
import { useScriptedServer } from '../nodes/DingTalkRobot/support/scriptedServer';

const dingTalk = useScriptedServer();
const elsewhere = useScriptedServer();

const TOKEN = 'token-that-stays-home';

beforeEach(() => {
	dingTalk().answerWith((request, response) => {
		if (request.target === '/v1.0/oauth2/accessToken') {
			response.writeHead(200, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify({ accessToken: TOKEN, expireIn: 7200 }));
			return;
		}
		response.writeHead(307, { Location: `${elsewhere().baseUrl}/collect` });
		response.end();
	});
});

/** Sends one request with the credential, with the redirect settings of n8n's HTTP Request node. */
const requestNode: INodeType = {
	description: {
		displayName: 'Request With App Credential',
		name: 'requestWithAppCredential',
		group: ['transform'],
		version: 1,
		description: 'test',
		defaults: { name: 'Request' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'dingTalkAppApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Method', name: 'method', type: 'string', default: 'POST' },
			{ displayName: 'Helper', name: 'helper', type: 'string', default: 'httpRequest' },
		],
	},
	async execute(this: IExecuteFunctions) {
		const url = this.getNodeParameter('url', 0) as string;
		const method = this.getNodeParameter('method', 0) as 'GET' | 'POST';
		const body = method === 'POST' ? { hello: 'dingtalk' } : undefined;
		const response =
			this.getNodeParameter('helper', 0) === 'request'
				? // The HTTP Request node (v4) sends these: follow every redirect, n8n's default limit.
					// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
					await this.helpers.requestWithAuthentication.call(this, 'dingTalkAppApi', {
						method,
						uri: url,
						body,
						json: true,
						followRedirect: true,
						followAllRedirects: true,
					})
				: await this.helpers.httpRequestWithAuthentication.call(this, 'dingTalkAppApi', {
						method,
						url,
						body,
						json: true,
					});
		return [[{ json: response as object }]];
	},
} as unknown as INodeType;

const credential = () => ({
	appKey: 'dingredirect',
	appSecret: 'redirect-secret',
	apiBaseUrl: dingTalk().baseUrl,
	oapiBaseUrl: dingTalk().baseUrl,
});

describe.each(['httpRequest', 'request'] as const)(
	'a DingTalk redirect to another host (%sWithAuthentication)',
	(helper) => {
		it.each([
			['POST', '/v1.0/robot/groupMessages/send'],
			['GET', '/v1.0/robot/groupMessages/send'],
			['POST', '/topapi/v2/user/get'],
			['GET', '/topapi/v2/user/get'],
		])('%s %s is not followed', async (method, path) => {
			const failure = await runNode({
				nodeType: requestNode,
				typeName: 'test.requestWithAppCredential',
				parameters: { url: `${dingTalk().baseUrl}${path}`, method, helper },
				credentials: { dingTalkAppApi: credential() },
			}).catch((error: Error) => error);

			expect(
				elsewhere().seen.map((request) => ({
					method: request.method,
					token: request.headers['x-acs-dingtalk-access-token'],
				})),
			).toEqual([]);
			// n8n reports DingTalk's 307 as the node's error.
			expect(failure).toBeInstanceOf(Error);
			const sent = dingTalk().seen.filter((request) => request.target.startsWith(path));
			expect(sent.length).toBeGreaterThan(0);
			// The token did go to DingTalk's host, so the redirect was the only way out.
			expect(
				sent.every(
					(request) =>
						request.headers['x-acs-dingtalk-access-token'] === TOKEN ||
						request.target.includes(`access_token=${TOKEN}`),
				),
			).toBe(true);
		});
	},
);

describe('DingTalk App API credential authenticate(): redirects', () => {
	const stored = {
		appKey: 'dingredirect',
		appSecret: 'redirect-secret',
		apiBaseUrl: 'https://api.dingtalk.com',
		oapiBaseUrl: 'https://oapi.dingtalk.com',
		accessToken: TOKEN,
		refreshAt: Date.now() + 3_600_000,
		issuedFor: appTokenKey('https://api.dingtalk.com', 'dingredirect', 'redirect-secret'),
	};
	const noRedirects = {
		disableFollowRedirect: true,
		followRedirect: false,
		followAllRedirects: false,
		maxRedirects: 0,
	};

	it.each([
		'https://api.dingtalk.com/v1.0/robot/groupMessages/send',
		'https://oapi.dingtalk.com/topapi/v2/user/get',
	])(
		'turns redirects off, for both of n8n’s request helpers, when it adds the token (%s)',
		async (url) => {
			const options = {
				method: 'POST',
				url,
				followRedirect: true,
				followAllRedirects: true,
				maxRedirects: 21,
			} as IHttpRequestOptions;
			expect(await new DingTalkAppApi().authenticate(stored, options)).toMatchObject(noRedirects);
		},
	);
});
