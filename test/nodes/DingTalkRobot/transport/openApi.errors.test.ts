import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	addApp,
	appParams,
	GROUP_PATH,
	requestsTo,
	run,
	runExpectingError,
	useFakeOpenApi,
} from '../support/app';
import type { TestApp } from '../support/app';

const server = useFakeOpenApi();
const GROUP = 'cid-errors';

const toGroup = (openConversationId = GROUP, options = {}) =>
	appParams(
		'sendToGroup',
		{ openConversationId, msgKey: 'sampleText', content: 'x' },
		{ retryDelay: 1, ...options },
	);

const qpsLimit = {
	status: 403,
	body: JSON.stringify({
		code: 'Forbidden.AccessDenied.QpsLimitForApi',
		message: '调用该接口超过QPS限制',
		requestid: 'R1',
	}),
};

describe('OpenAPI errors', () => {
	let app: TestApp;
	beforeEach(() => {
		app = addApp(server(), { groups: [GROUP] });
	});

	it('become a NodeApiError with DingTalk’s code, message, request ID, HTTP status and a hint', async () => {
		const error = (await runExpectingError(app, toGroup('cid-not-a-member'))) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'DingTalk did not send the group message: 群不存在或机器人不在群中 (invalid.openConversationId) [item 0]',
		);
		expect(error.httpCode).toBe('400');
		expect(error.context.code).toBe('invalid.openConversationId');
		expect(error.context.requestId).toMatch(/^[0-9A-F]{16}$/);
		expect(error.description).toMatch(/add the robot to the group/);
	});

	it('an unknown robot code names the Robot Code option', async () => {
		const error = await runExpectingError(app, toGroup(GROUP, { robotCode: 'ding-other' }));
		expect(error.message).toContain('(invalidParameter.robotCode.notExsit)');
		expect(error.description).toMatch(/Leave "Robot Code" empty/);
	});

	it('a missing permission says which one to grant', async () => {
		server().fake.injectFaults(
			{ delayMs: 0 },
			{
				status: 403,
				body: '{"code":"Forbidden.AccessDenied.AccessTokenPermissionDenied","message":"没有权限"}',
			},
		);
		const error = await runExpectingError(app, toGroup());
		expect(error.message).toContain('(Forbidden.AccessDenied.AccessTokenPermissionDenied)');
		expect(error.description).toMatch(/qyapi_robot_sendmsg/);
		expect((error as NodeApiError).httpCode).toBe('403');
	});

	it('API call limits are retried with back-off, then succeed', async () => {
		server().fake.injectFaults({ delayMs: 0 }, qpsLimit, qpsLimit);
		const output = await run(app, toGroup());
		expect(output[0].json.sentTo).toBe('groupMessages');
		expect(requestsTo(server(), GROUP_PATH).map((request) => request.status)).toEqual([
			403, 403, 200,
		]);
		expect(server().openApi.messages).toHaveLength(1);
	});

	it('API call limits give up after Max Retries', async () => {
		server().fake.injectFaults({ delayMs: 0 }, qpsLimit, qpsLimit, qpsLimit);
		const error = await runExpectingError(app, toGroup(GROUP, { maxRetries: 1 }));
		expect(error.message).toContain('(Forbidden.AccessDenied.QpsLimitForApi)');
		expect(error.description).toMatch(/Max Retries/);
		expect(requestsTo(server(), GROUP_PATH)).toHaveLength(2);
	});

	it('a server error is not retried: the message may have gone out', async () => {
		server().fake.injectFaults({ delayMs: 0 }, { status: 502, body: 'Bad Gateway' });
		const error = await runExpectingError(app, toGroup());
		expect(error.message).toContain('(HTTP 502)');
		expect(error.description).toMatch(/may have been sent anyway/);
		expect(requestsTo(server(), GROUP_PATH)).toHaveLength(1);
	});

	it('a dropped connection says DingTalk could not be reached', async () => {
		server().fake.injectFaults({ delayMs: 0 }, { drop: true });
		const error = await runExpectingError(app, toGroup());
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^Could not reach DingTalk \(.+\) \[item 0\]$/);
		expect(error.description).toMatch(/may or may not have reached DingTalk/);
	});

	it('a credential Base URL that is not http(s) fails before any request', async () => {
		const broken = {
			...app,
			credentials: { dingTalkAppApi: { ...app.credential, apiBaseUrl: 'ftp://example.com' } },
		};
		const error = await runExpectingError(broken, toGroup());
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/API Base URL must be an http\(s\) URL/);
		expect(server().fake.requests).toHaveLength(0);
	});

	it('with Continue On Fail every item gets an output paired with it', async () => {
		const output = await run(
			app,
			appParams('sendToGroup', {
				openConversationId: '={{ $json.group }}',
				msgKey: 'sampleText',
				content: '={{ $json.text }}',
			}),
			{
				continueOnFail: true,
				items: [
					{ group: GROUP, text: 'first' },
					{ group: 'cid-unknown', text: 'second' },
					{ group: GROUP, text: '' },
					{ group: GROUP, text: 'fourth' },
				],
			},
		);
		expect(output.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
			{ item: 3 },
		]);
		expect(output[0].json.sentTo).toBe('groupMessages');
		expect(output[1].json).toMatchObject({
			code: 'invalid.openConversationId',
			error: expect.stringContaining('[item 1]'),
			description: expect.stringMatching(/add the robot/),
		});
		expect(output[2].json).toMatchObject({
			code: null,
			error: '"Content" is empty [item 2]',
			description: expect.stringContaining('(parameter: content)'),
		});
		expect(output[3].json.sentTo).toBe('groupMessages');
		expect(server().openApi.messages.map((message) => message.msgParam.content)).toEqual([
			'first',
			'fourth',
		]);
	});

	it('without Continue On Fail the first failure stops the node', async () => {
		const error = await runExpectingError(
			app,
			appParams('sendToGroup', {
				openConversationId: '={{ $json.group }}',
				msgKey: 'sampleText',
				content: 'x',
			}),
			{ items: [{ group: GROUP }, { group: 'cid-unknown' }, { group: GROUP }] },
		);
		expect(error.message).toContain('[item 1]');
		expect(server().openApi.messages).toHaveLength(1);
	});
});
