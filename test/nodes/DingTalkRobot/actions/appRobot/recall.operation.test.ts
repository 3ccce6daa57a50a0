import { NodeApiError } from 'n8n-workflow';

import { RECALL_FAILURES } from '../../../../fake-dingtalk';
import {
	addApp,
	appParams,
	bodyOf,
	requestsTo,
	run,
	runExpectingError,
	triggerItem,
	useFakeOpenApi,
} from '../../support/app';
import { expectFieldError } from '../../support/robot';

const server = useFakeOpenApi();

const GROUP = 'cidRecallGroup01==';
const OTHER_GROUP = 'cidRecallGroup02==';
const GROUP_RECALL = '/v1.0/robot/groupMessages/recall';
const USERS_RECALL = '/v1.0/robot/otoMessages/batchRecall';
const text = { msgKey: 'sampleText', content: 'Disk full on db-1' };

/** The node's parameters that recall what the input item (a send's output) names. */
const fromInput = (recallFrom: string) =>
	appParams('recall', {
		recallFrom,
		openConversationId: '={{ $json.openConversationId }}',
		processQueryKeys: '={{ $json.processQueryKeys ?? $json.processQueryKey }}',
	});

describe('Recall Message', () => {
	it('recalls a group message by the output of Send to Group', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const [sent] = await run(app, appParams('sendToGroup', { openConversationId: GROUP, ...text }));

		const [output] = await run(app, fromInput('groupMessages'), { items: [sent.json] });

		const key = sent.json.processQueryKey as string;
		expect(requestsTo(server(), GROUP_RECALL).map(bodyOf)).toEqual([
			{ robotCode: app.appKey, openConversationId: GROUP, processQueryKeys: [key] },
		]);
		expect(output.json).toEqual({
			recalledFrom: 'groupMessages',
			robotCode: app.appKey,
			openConversationId: GROUP,
			processQueryKeys: [key],
			successResult: [key],
			failedResult: {},
			allRecalled: true,
		});
		expect(server().openApi.messages[0].recalledAt).toEqual(expect.any(Number));
	});

	it('recalls 1:1 messages by the processQueryKeys of Send to Users, one call per item', async () => {
		const app = addApp(server(), { users: ['alice', 'bob'] });
		const first = await run(app, appParams('sendToUsers', { userIds: 'alice,bob', ...text }));
		const second = await run(app, appParams('sendToUsers', { userIds: 'alice', ...text }));

		const output = await run(app, fromInput('oToMessages'), {
			items: [first[0].json, second[0].json],
		});

		const calls = requestsTo(server(), USERS_RECALL).map(bodyOf);
		expect(calls).toEqual([
			{ robotCode: app.appKey, processQueryKeys: first[0].json.processQueryKeys },
			{ robotCode: app.appKey, processQueryKeys: second[0].json.processQueryKeys },
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output.every((item) => item.json.allRecalled === true)).toBe(true);
		expect(server().openApi.messages.every((message) => message.recalledAt !== undefined)).toBe(
			true,
		);
	});

	it('takes several keys at once and reports the ones DingTalk did not recall', async () => {
		const app = addApp(server(), { groups: [GROUP, OTHER_GROUP] });
		const [here] = await run(app, appParams('sendToGroup', { openConversationId: GROUP, ...text }));
		const [there] = await run(
			app,
			appParams('sendToGroup', { openConversationId: OTHER_GROUP, ...text }),
		);
		const keys = [here.json.processQueryKey, there.json.processQueryKey, 'no-such-key'];

		const [output] = await run(
			app,
			appParams('recall', {
				recallFrom: 'groupMessages',
				openConversationId: GROUP,
				processQueryKeys: keys.join(', '),
			}),
		);

		expect(output.json).toMatchObject({
			successResult: [keys[0]],
			failedResult: {
				[keys[1] as string]: RECALL_FAILURES.otherConversation,
				'no-such-key': RECALL_FAILURES.unknown,
			},
			allRecalled: false,
		});
		expect(server().openApi.messages.map((message) => message.recalledAt !== undefined)).toEqual([
			true,
			false,
		]);
	});

	it('says a session-webhook reply cannot be recalled, without calling DingTalk', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const incoming = triggerItem(server(), app, {
			type: 'group',
			conversationId: GROUP,
			sessionExpiresAt: Date.now() + 3_600_000,
		});
		const [replied] = await run(
			app,
			appParams('reply', { incomingMessage: '={{ $json }}', ...text }, { mentionSender: false }),
			{ items: [incoming] },
		);
		expect(replied.json.sentTo).toBe('sessionWebhook');
		const before = server().fake.requests.length;

		const error = await runExpectingError(app, fromInput('groupMessages'), {
			items: [replied.json],
		});

		expectFieldError(error, {
			item: 0,
			parameter: 'processQueryKeys',
			message: /reply through the session webhook, which cannot be recalled/,
		});
		expect(error.description).toMatch(/no processQueryKey/);
		expect(server().fake.requests).toHaveLength(before);
	});

	it('refuses an empty key list naming the parameter', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			appParams('recall', {
				recallFrom: 'groupMessages',
				openConversationId: GROUP,
				processQueryKeys: ' , ',
			}),
		);
		expectFieldError(error, { item: 0, parameter: 'processQueryKeys', message: /is empty/ });
		expect(server().fake.requests).toHaveLength(0);
	});

	it('fails with DingTalk’s code when the robot is not in the group', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			appParams('recall', {
				recallFrom: 'groupMessages',
				openConversationId: 'cidNotMine==',
				processQueryKeys: 'key-1',
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('(invalid.openConversationId)');
	});

	it('names the robot permission when the app lacks it', async () => {
		const app = addApp(server(), { groups: [GROUP], permissions: ['qyapi_get_member'] });
		const error = await runExpectingError(
			app,
			appParams('recall', {
				recallFrom: 'oToMessages',
				processQueryKeys: ['key-1', 'key-2'],
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('(Forbidden.AccessDenied.AccessTokenPermissionDenied)');
		expect(error.message).toContain('qyapi_robot_sendmsg');
		expect(error.description).toMatch(/qyapi_robot_sendmsg/);
		expect(error.description).toMatch(/publish a new app version/);
	});

	it('gives the error item with Continue On Fail and goes on', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const [sent] = await run(app, appParams('sendToGroup', { openConversationId: GROUP, ...text }));
		const output = await run(app, fromInput('groupMessages'), {
			items: [{ sentTo: 'sessionWebhook' }, sent.json],
			continueOnFail: true,
		});
		expect(output[0].json.error).toMatch(/cannot be recalled/);
		expect(output[1].json.allRecalled).toBe(true);
	});
});
