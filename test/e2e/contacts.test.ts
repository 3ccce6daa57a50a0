// The DingTalk App API credential and the Contact resource inside a real n8n, against the fake
// DingTalk over real HTTP: n8n's own HTTP Request node with the credential as its predefined
// credential type reaches new-style and older DingTalk APIs with a valid app token (and gets a new
// one when the stored one expires), the credential test still proves the Client ID and Secret,
// and the Contact resource pages through a department.
import { setTimeout as delay } from 'node:timers/promises';

import { nodeOutput } from '../../scripts/n8n-executions';
import { FakeContacts, FakeDingTalk, FakeOpenApi } from '../fake-dingtalk';
import type { FakeUser } from '../fake-dingtalk';
import { ScriptedServer } from '../nodes/DingTalkRobot/support/scriptedServer';
import { fakeAppCredentialData, randomAppKeys } from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import { ownerCookie } from './support/owner';
import { failureOf, post, withExecution } from './support/runs';
import { robotNode, webhookWorkflow } from './support/workflows';

const keys = randomAppKeys();
const GROUP = 'cidE2eContacts01==';
const APP = { id: 'e2eContactsApp01', name: 'E2E contacts app (fake DingTalk)' };
const app = { type: 'dingTalkAppApi', data: {}, ...APP };
// An app whose API host answers every API call with a 307 to another host.
const REDIRECTED_APP = { id: 'e2eRedirectApp01', name: 'E2E app behind a redirect' };
// Short-lived tokens, so a test can outlive one.
const TOKEN_TTL_SECONDS = 3;

const staff: FakeUser[] = Array.from({ length: 150 }, (_, index) => ({
	userid: `e2e-staff-${String(index).padStart(3, '0')}`,
	unionid: `e2e-union-${index}`,
	name: `Staff ${index}`,
	dept_id_list: [7],
}));

const httpRequest = {
	name: 'HTTP Request',
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'POST',
		url: '={{ $json.body.url }}',
		authentication: 'predefinedCredentialType',
		nodeCredentialType: 'dingTalkAppApi',
		sendBody: true,
		specifyBody: 'json',
		jsonBody: '={{ JSON.stringify($json.body.payload) }}',
		options: {},
	},
	credential: app,
};

const WORKFLOWS = {
	http: webhookWorkflow({ id: 'e2eHttpWithApp01', path: 'e2e-http-app', then: [httpRequest] }),
	redirected: webhookWorkflow({
		id: 'e2eHttpRedirect1',
		path: 'e2e-http-redirect',
		then: [{ ...httpRequest, credential: { type: 'dingTalkAppApi', data: {}, ...REDIRECTED_APP } }],
	}),
	department: webhookWorkflow({
		id: 'e2eContactList01',
		path: 'e2e-contact-list',
		then: [
			robotNode(
				'List Staff',
				{
					resource: 'contact',
					operation: 'listDepartmentUsers',
					departmentId: '={{ $json.body.departmentId }}',
					returnAll: true,
					options: {},
				},
				app,
			),
		],
	}),
};

describe('DingTalk App API credential and contacts in a real n8n', () => {
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		tokenTtlSeconds: TOKEN_TTL_SECONDS,
		apps: [{ appKey: keys.appKey, appSecret: keys.appSecret, groups: [GROUP] }],
	});
	fake.use(openApi);
	fake.use(
		new FakeContacts(openApi, {
			departments: [{ dept_id: 7, name: 'Ops', parent_id: 1 }],
			users: staff,
		}),
	);
	const collector = new ScriptedServer();
	const redirector = new ScriptedServer((request, response) => {
		if (request.target === '/v1.0/oauth2/accessToken') {
			response.writeHead(200, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify({ accessToken: 'redirected-app-token', expireIn: 7200 }));
			return;
		}
		response.writeHead(307, { Location: `${collector.baseUrl}${request.target}` });
		response.end();
	});
	let baseUrl = '';
	const n8n = useN8n(async () => {
		baseUrl = await fake.start();
		await collector.start();
		await redirector.start();
		const data = fakeAppCredentialData(keys, baseUrl);
		const redirected = {
			...keys,
			apiBaseUrl: redirector.baseUrl,
			oapiBaseUrl: redirector.baseUrl,
		};
		return {
			name: 'contacts',
			credentials: [
				credential('dingTalkAppApi', APP.id, APP.name, data),
				credential('dingTalkAppApi', REDIRECTED_APP.id, REDIRECTED_APP.name, redirected),
			],
			workflows: Object.values(WORKFLOWS),
		};
	});
	// No fake.reset() between tests: it would forget the tokens n8n stored in the credential, which
	// DingTalk keeps valid for their lifetime. Each test looks at what came after it started.
	let requestsBefore = 0;
	let messagesBefore = 0;
	beforeEach(() => {
		requestsBefore = fake.requests.length;
		messagesBefore = openApi.messages.length;
	});
	const messages = () => openApi.messages.slice(messagesBefore);
	afterAll(async () => {
		await fake.stop();
		await collector.stop();
		await redirector.stop();
	});

	async function run(workflow: keyof typeof WORKFLOWS, body: object) {
		const fixture = WORKFLOWS[workflow];
		const path = fixture.nodes[0].parameters.path as string;
		return await withExecution(
			n8n(),
			fixture.id,
			async () => await post(n8n().webhookUrl(path), body),
		);
	}

	const requestsTo = (path: string) =>
		fake.requests.slice(requestsBefore).filter((request) => request.path === path);
	const issuedTokens = () =>
		requestsTo('/v1.0/oauth2/accessToken').map((request) => String(request.response.accessToken));

	const groupMessage = (content: string) => ({
		url: `${baseUrl}/v1.0/robot/groupMessages/send`,
		payload: {
			robotCode: keys.appKey,
			openConversationId: GROUP,
			msgKey: 'sampleText',
			msgParam: JSON.stringify({ content }),
		},
	});

	it('HTTP Request with the credential calls a new-style API with the app token in the header', async () => {
		const { execution } = await run('http', groupMessage('from the HTTP Request node'));

		expect(failureOf(execution).status).toBe('success');
		const [send] = requestsTo('/v1.0/robot/groupMessages/send');
		expect(send.status).toBe(200);
		expect(send.headers['x-acs-dingtalk-access-token']).toBe(issuedTokens().at(-1));
		expect(messages()).toMatchObject([{ via: 'group', openConversationId: GROUP }]);
		expect(nodeOutput(execution.data, 'HTTP Request')).toEqual([
			{ processQueryKey: messages()[0].processQueryKey },
		]);
	});

	it('HTTP Request with the credential calls the older API with the token as access_token', async () => {
		const { execution } = await run('http', {
			url: `${baseUrl}/topapi/v2/user/get`,
			payload: { userid: 'e2e-staff-042' },
		});

		expect(failureOf(execution).status).toBe('success');
		const [lookup] = requestsTo('/topapi/v2/user/get');
		expect(lookup.response).toMatchObject({ errcode: 0 });
		expect(lookup.query.access_token).toEqual(expect.any(String));
		expect(nodeOutput(execution.data, 'HTTP Request')).toEqual([
			expect.objectContaining({
				errcode: 0,
				result: expect.objectContaining({ name: 'Staff 42' }),
			}),
		]);
	});

	it('HTTP Request with the credential does not follow a redirect to another host', async () => {
		const { execution } = await run('redirected', {
			url: `${redirector.baseUrl}/v1.0/robot/groupMessages/send`,
			payload: { hello: 'dingtalk' },
		});

		expect(
			collector.seen.map((request) => ({
				target: request.target,
				token: request.headers['x-acs-dingtalk-access-token'],
			})),
		).toEqual([]);
		expect(failureOf(execution).status).toBe('error');
		const sends = redirector.seen.filter((request) => request.target.startsWith('/v1.0/robot/'));
		expect(sends.length).toBeGreaterThan(0);
		expect(sends[0].headers['x-acs-dingtalk-access-token']).toBe('redirected-app-token');
	});

	it('the editor learns that the credential authenticates requests (HTTP Request node list)', async () => {
		const answer = await fetch(`${n8n().baseUrl}/types/credentials.json`, {
			headers: { cookie: await ownerCookie(n8n()) },
		});
		const types = (await answer.json()) as Array<{ name: string; authenticate?: unknown }>;
		expect(types.find((type) => type.name === 'dingTalkAppApi')?.authenticate).toEqual({});
	});

	it('gets a new token when the one n8n stored has expired, before DingTalk refuses it', async () => {
		const first = await run('http', groupMessage('before expiry'));
		expect(failureOf(first.execution).status).toBe('success');
		await delay(TOKEN_TTL_SECONDS * 1000 + 500);
		const second = await run('http', groupMessage('after expiry'));

		expect(failureOf(second.execution).status).toBe('success');
		const tokens = issuedTokens();
		expect(new Set(tokens).size).toBe(tokens.length);
		const sent = requestsTo('/v1.0/robot/groupMessages/send');
		expect(sent.map((request) => request.status)).toEqual([200, 200]);
		expect(sent[1].headers['x-acs-dingtalk-access-token']).toBe(tokens.at(-1));
		expect(sent[1].headers['x-acs-dingtalk-access-token']).not.toBe(
			sent[0].headers['x-acs-dingtalk-access-token'],
		);
	});

	it('the credential test proves the Client ID and Secret, and names the fix when they are wrong', async () => {
		const cookie = await ownerCookie(n8n());
		const test = async (appSecret: string) => {
			const answer = await fetch(`${n8n().baseUrl}/rest/credentials/test`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', cookie },
				body: JSON.stringify({
					credentials: {
						id: APP.id,
						name: APP.name,
						type: 'dingTalkAppApi',
						data: { ...keys, appSecret, apiBaseUrl: baseUrl, oapiBaseUrl: baseUrl },
					},
				}),
			});
			return ((await answer.json()) as { data: { status: string; message: string } }).data;
		};

		expect(await test(keys.appSecret)).toMatchObject({ status: 'OK' });
		const wrong = await test('not-the-secret');
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toContain('invalidClientIdOrSecret');
	});

	it('Contact → List Department Users pages through a department of 150 people', async () => {
		const { execution } = await run('department', { departmentId: 7 });

		expect(failureOf(execution).status).toBe('success');
		const output = nodeOutput(execution.data, 'List Staff');
		expect(output).toHaveLength(150);
		expect(output[149]).toMatchObject({ userid: 'e2e-staff-149', name: 'Staff 149' });
		const pages = requestsTo('/topapi/v2/user/list').map((request) => JSON.parse(request.rawBody));
		expect(pages.map((page) => [page.cursor, page.size])).toEqual([
			[0, 100],
			[100, 100],
		]);
	});
});
