/**
 * The DingTalk App API credential used by other nodes (n8n's HTTP Request node with it as the
 * predefined credential type): preAuthentication() fetches an app token that n8n stores in the
 * credential, authenticate() puts it where each DingTalk API wants it, and a stored token that is
 * expiring, or of another app, is replaced through n8n's own 401 retry. The requests go through
 * n8n-core's real httpRequestWithAuthentication and requestWithAuthentication to the fake.
 */
import type { IExecuteFunctions, IHttpRequestOptions, INodeType } from 'n8n-workflow';

import { DingTalkAppApi } from '../../credentials/DingTalkAppApi.credentials';
import { appTokenKey } from '../../nodes/shared/appAccessToken';
import { runNode } from '../helpers/runNode';
import { testCredential } from './credentialTester';
import {
	addApp,
	bodyOf,
	GROUP_PATH,
	requestsTo,
	TOKEN_PATH,
	useFakeOpenApi,
} from '../nodes/DingTalkRobot/support/app';
import type { TestApp } from '../nodes/DingTalkRobot/support/app';

const server = useFakeOpenApi({
	contacts: { users: [{ userid: 'staff0147', unionid: 'u-1', name: '李四', dept_id_list: [1] }] },
});

/** A node that, like the HTTP Request node, sends one request with the credential. */
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
			{ displayName: 'Body', name: 'body', type: 'string', default: '{}' },
			{ displayName: 'Helper', name: 'helper', type: 'string', default: 'httpRequest' },
		],
	},
	async execute(this: IExecuteFunctions) {
		const url = this.getNodeParameter('url', 0) as string;
		const body = JSON.parse(this.getNodeParameter('body', 0) as string) as object;
		const helper = this.getNodeParameter('helper', 0) as string;
		const response =
			helper === 'request'
				? // Many built-in nodes still use the older helper, whose retry differs: cover both.
					// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
					await this.helpers.requestWithAuthentication.call(this, 'dingTalkAppApi', {
						method: 'POST',
						uri: url,
						body,
						json: true,
					})
				: await this.helpers.httpRequestWithAuthentication.call(this, 'dingTalkAppApi', {
						method: 'POST',
						url,
						body,
						json: true,
					});
		return [[{ json: response as object }]];
	},
} as unknown as INodeType;

async function request(
	app: TestApp,
	path: string,
	body: object,
	helper: 'httpRequest' | 'request' = 'httpRequest',
) {
	const { output, requests } = await runNode({
		nodeType: requestNode,
		typeName: 'test.requestWithAppCredential',
		parameters: { url: `${server().fake.baseUrl}${path}`, body: JSON.stringify(body), helper },
		credentials: app.credentials,
	});
	return { json: output[0].json, requests };
}

const groupMessage = (app: TestApp) => ({
	robotCode: app.appKey,
	openConversationId: 'cid-ops',
	msgKey: 'sampleText',
	msgParam: JSON.stringify({ content: 'deploy done' }),
});

describe.each(['httpRequest', 'request'] as const)(
	'DingTalk App API credential in another node (%sWithAuthentication)',
	(helper) => {
		it('fetches a token once, stores it in the credential and sends it in the header to new-style APIs', async () => {
			const app = addApp(server(), { groups: ['cid-ops'] });
			const first = await request(app, GROUP_PATH, groupMessage(app), helper);
			expect(first.json.processQueryKey).toEqual(expect.any(String));
			const issued = requestsTo(server(), TOKEN_PATH);
			expect(issued).toHaveLength(1);
			expect(bodyOf(issued[0])).toEqual({ appKey: app.appKey, appSecret: app.appSecret });
			const token = issued[0].response.accessToken as string;
			expect(app.credential.accessToken).toBe(token);
			expect(requestsTo(server(), GROUP_PATH)[0].headers['x-acs-dingtalk-access-token']).toBe(
				token,
			);

			await request(app, GROUP_PATH, groupMessage(app), helper);
			expect(requestsTo(server(), TOKEN_PATH)).toHaveLength(1);
			expect(server().openApi.messages).toHaveLength(2);
		});

		it('sends the token as access_token in the query to the older API (oapi)', async () => {
			const app = addApp(server());
			const { json } = await request(app, '/topapi/v2/user/get', { userid: 'staff0147' }, helper);
			expect(json).toMatchObject({ errcode: 0, result: { name: '李四' } });
			const [sent] = requestsTo(server(), '/topapi/v2/user/get');
			expect(sent.query.access_token).toBe(app.credential.accessToken);
			expect(sent.headers['x-acs-dingtalk-access-token']).toBeUndefined();
		});

		it('replaces a stored token that is expiring before DingTalk refuses it', async () => {
			const app = addApp(server(), { groups: ['cid-ops'] });
			await request(app, GROUP_PATH, groupMessage(app), helper);
			server().openApi.expireTokens();
			app.credential.refreshAt = Date.now() - 1;

			await request(app, GROUP_PATH, groupMessage(app), helper);
			const tokens = requestsTo(server(), TOKEN_PATH).map((r) => r.response.accessToken);
			expect(tokens).toHaveLength(2);
			expect(tokens[1]).not.toBe(tokens[0]);
			expect(app.credential.accessToken).toBe(tokens[1]);
			expect(Number(app.credential.refreshAt)).toBeGreaterThan(Date.now() + 3_600_000);
			// The stale token never reached DingTalk: the second message went out with the new one.
			expect(
				requestsTo(server(), GROUP_PATH).map((r) => r.headers['x-acs-dingtalk-access-token']),
			).toEqual(tokens);
		});
	},
);

describe('DingTalk App API credential: stored token and failures', () => {
	it('fetches a new token when the credential now names another app', async () => {
		const app = addApp(server(), { groups: ['cid-ops'] });
		await request(app, GROUP_PATH, groupMessage(app), 'httpRequest');
		const other = addApp(server(), { groups: ['cid-ops'] });
		// The user edits the credential: new Client ID and Secret, the old token still stored.
		Object.assign(app.credential, { appKey: other.appKey, appSecret: other.appSecret });
		await request(app, GROUP_PATH, { ...groupMessage(other) }, 'httpRequest');
		expect(requestsTo(server(), TOKEN_PATH).map((r) => bodyOf(r).appKey)).toEqual([
			app.appKey,
			other.appKey,
		]);
		expect(server().openApi.messages.map((message) => message.appKey)).toEqual([
			app.appKey,
			other.appKey,
		]);
	});

	it('fails with DingTalk’s code and the fix when the secret is wrong, without the secret', async () => {
		const app = addApp(server());
		app.credential.appSecret = 'wrong-secret-3f9a';
		const failure = await request(app, GROUP_PATH, {}, 'httpRequest').catch(
			(error: Error & { description?: string }) => error,
		);
		expect(failure).toBeInstanceOf(Error);
		const text = JSON.stringify({
			message: (failure as Error).message,
			description: (failure as { description?: string }).description,
		});
		expect(text).toContain('invalidClientIdOrSecret');
		expect(text).toContain('凭证与基础信息');
		expect(text).not.toContain('wrong-secret-3f9a');
		expect(requestsTo(server(), GROUP_PATH)).toHaveLength(0);
	});
});

describe('DingTalk App API credential: a token endpoint that repeats the request', () => {
	const secret = 'CredSecret0Zx9Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6Nm8Qa0Ws2Ed';
	const credentials = { appKey: 'dingecho', appSecret: secret, apiBaseUrl: 'https://api.x.test' };

	it.each([
		['the body', (sent: string) => `invalid body ${sent}`],
		['the secret alone', () => `wrong secret ${secret}`],
	])('an error repeating %s does not show the secret', async (_, echo) => {
		const helper = {
			helpers: {
				httpRequest: async (options: IHttpRequestOptions) => ({
					statusCode: 400,
					body: { code: 'invalidParameter', message: echo(JSON.stringify(options.body)) },
				}),
			},
		};
		const failure = await new DingTalkAppApi().preAuthentication
			.call(helper as never, credentials)
			.catch((error: Error) => error);
		expect(failure).toBeInstanceOf(Error);
		expect((failure as Error).message).toContain('invalidParameter');
		expect((failure as Error).message).not.toContain(secret);
	});
});

describe('DingTalk App API credential authenticate()', () => {
	const credential = new DingTalkAppApi();
	const stored = {
		appKey: 'dingkey',
		appSecret: 'app-secret',
		apiBaseUrl: 'https://api.dingtalk.com',
		oapiBaseUrl: 'https://oapi.dingtalk.com',
		accessToken: 'tok-123',
		refreshAt: Date.now() + 3_600_000,
	};
	const fresh = async () => ({
		...stored,
		issuedFor: appTokenKey(stored.apiBaseUrl, stored.appKey, stored.appSecret),
	});

	it('never gives the token to another host, nor adds it to the token request', async () => {
		const data = await fresh();
		for (const url of [
			'https://collector.example.com/v1.0/robot/groupMessages/send',
			'https://api.dingtalk.com.example.com/v1.0/x',
			'https://api.dingtalk.com/v1.0/oauth2/accessToken',
		]) {
			const options: IHttpRequestOptions = { method: 'POST', url, body: {} };
			expect(await credential.authenticate(data, options)).toBe(options);
		}
	});

	it('asks n8n for a new token (401) when none is stored or it is expiring', async () => {
		const data = await fresh();
		const send: IHttpRequestOptions = {
			method: 'POST',
			url: 'https://api.dingtalk.com/v1.0/robot/groupMessages/send',
		};
		for (const stale of [
			{ accessToken: 'none' },
			{ accessToken: '' },
			{ refreshAt: Date.now() - 1 },
		]) {
			await expect(credential.authenticate({ ...data, ...stale }, send)).rejects.toMatchObject({
				response: { status: 401 },
			});
		}
		expect(await credential.authenticate(data, send)).toMatchObject({
			headers: { 'x-acs-dingtalk-access-token': 'tok-123' },
		});
	});
});

describe('DingTalk App API credential test (n8n-core RoutingNode)', () => {
	it('passes with the right Client ID and Secret', async () => {
		const app = addApp(server());
		expect(await testCredential(new DingTalkAppApi(), app.credential)).toMatchObject({
			status: 'OK',
		});
	});

	it('names DingTalk’s code and where to copy the secret from when it is wrong', async () => {
		const app = addApp(server());
		const result = await testCredential(new DingTalkAppApi(), {
			...app.credential,
			appSecret: 'not-it',
		});
		expect(result.status).toBe('Error');
		expect(result.message).toContain('invalidClientIdOrSecret');
		expect(result.message).toContain('凭证与基础信息');
	});
});
