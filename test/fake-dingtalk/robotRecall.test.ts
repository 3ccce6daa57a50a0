import { FakeDingTalk, FakeOpenApi, FakeRobotRecall, RECALL_FAILURES } from './index';
import { renderAppRobotMessage } from './sandboxRender';
import { postJson, readAnswer } from './testClient';

const APP = { appKey: 'dingrecallapp', appSecret: 'recall-secret' };
const LIMITED = { appKey: 'dinglimited', appSecret: 'limited-secret' };

describe('FakeRobotRecall (recalling app robot messages)', () => {
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [
			{ ...APP, groups: ['cid-a', 'cid-b'], users: ['u1', 'u2'] },
			{ ...LIMITED, groups: ['cid-a'], permissions: [] },
		],
	});
	fake.use(openApi);
	fake.use(new FakeRobotRecall(openApi));
	let base: string;

	const token = async (app = APP) =>
		(await postJson(`${base}/v1.0/oauth2/accessToken`, app)).json.accessToken as string;
	const call = async (path: string, body: unknown, accessToken: string) =>
		readAnswer(
			await fetch(`${base}${path}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': accessToken },
				body: JSON.stringify(body),
			}),
		);
	const sendToGroup = async (accessToken: string, group: string) =>
		(
			await call(
				'/v1.0/robot/groupMessages/send',
				{
					robotCode: APP.appKey,
					openConversationId: group,
					msgKey: 'sampleText',
					msgParam: JSON.stringify({ content: 'hi' }),
				},
				accessToken,
			)
		).json.processQueryKey as string;
	const recallGroup = (accessToken: string, fields: Record<string, unknown>) =>
		call(
			'/v1.0/robot/groupMessages/recall',
			{ robotCode: APP.appKey, openConversationId: 'cid-a', ...fields },
			accessToken,
		);

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	it('recalls a group message once, then reports it as already recalled', async () => {
		const value = await token();
		const key = await sendToGroup(value, 'cid-a');
		const first = await recallGroup(value, { processQueryKeys: [key] });
		expect(first).toMatchObject({ status: 200, json: { successResult: [key], failedResult: {} } });
		const again = await recallGroup(value, { processQueryKeys: [key] });
		expect(again.json).toEqual({
			successResult: [],
			failedResult: { [key]: RECALL_FAILURES.alreadyRecalled },
		});
	});

	it('fails keys of another group, of 1:1 messages, and unknown ones', async () => {
		const value = await token();
		const other = await sendToGroup(value, 'cid-b');
		const single = (
			await call(
				'/v1.0/robot/oToMessages/batchSend',
				{
					robotCode: APP.appKey,
					userIds: ['u1'],
					msgKey: 'sampleText',
					msgParam: JSON.stringify({ content: 'hi' }),
				},
				value,
			)
		).json.processQueryKey as string;
		const answer = await recallGroup(value, { processQueryKeys: [other, single, 'nope'] });
		expect(answer.json).toEqual({
			successResult: [],
			failedResult: {
				[other]: RECALL_FAILURES.otherConversation,
				[single]: RECALL_FAILURES.unknown,
				nope: RECALL_FAILURES.unknown,
			},
		});
		const oneToOne = await call(
			'/v1.0/robot/otoMessages/batchRecall',
			{ robotCode: APP.appKey, processQueryKeys: [single, other] },
			value,
		);
		expect(oneToOne.json).toEqual({
			successResult: [single],
			failedResult: { [other]: RECALL_FAILURES.unknown },
		});
	});

	it('enforces the required fields with DingTalk’s codes', async () => {
		const value = await token();
		expect((await recallGroup(value, { processQueryKeys: [] })).json.code).toBe(
			'invalidParameter.processQueryKeys.empty',
		);
		expect(
			(await recallGroup(value, { openConversationId: '', processQueryKeys: ['k'] })).json.code,
		).toBe('invalidParameter.openConversationId.empty');
		expect(
			(await recallGroup(value, { openConversationId: 'cid-x', processQueryKeys: ['k'] })).json
				.code,
		).toBe('invalid.openConversationId');
		expect(
			(await recallGroup(value, { robotCode: 'other', processQueryKeys: ['k'] })).json.code,
		).toBe('invalidParameter.robotCode.notExsit');
		expect((await recallGroup('not-a-token', { processQueryKeys: ['k'] })).json.code).toBe(
			'InvalidAuthentication',
		);
	});

	it('refuses an app without the robot permission with HTTP 403 naming it', async () => {
		const answer = await call(
			'/v1.0/robot/otoMessages/batchRecall',
			{ robotCode: LIMITED.appKey, processQueryKeys: ['k'] },
			await token(LIMITED),
		);
		expect(answer.status).toBe(403);
		expect(answer.json).toMatchObject({
			code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
			accessdenieddetail: { requiredScopes: ['qyapi_robot_sendmsg'] },
		});
	});

	it('shows a recalled message as recalled on the sandbox page', () => {
		const message = {
			via: 'group' as const,
			msgKey: 'sampleText',
			msgParam: { content: 'secret plan' },
			openConversationId: 'cid-a',
			receivedAt: 0,
		};
		const shown = renderAppRobotMessage(message, 0);
		expect(shown.recalled).toBe(false);
		expect(shown.html).not.toContain('data-recalled');
		const recalled = renderAppRobotMessage({ ...message, recalledAt: 5 }, 0);
		expect(recalled.recalled).toBe(true);
		expect(recalled.html).toContain('data-recalled="true"');
		expect(recalled.html).toContain('The robot recalled this message');
		expect(shown.html).toContain('<div class="bubble text">secret plan</div>');
		expect(recalled.html).not.toContain('<div class="bubble text">secret plan</div>');
	});
});
