import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	addApp,
	appParams,
	BATCH_PATH,
	bodyOf,
	GROUP_PATH,
	requestsTo,
	run,
	runExpectingError,
	TOKEN_PATH,
	triggerItem,
	uploadThroughNode,
	useFakeOpenApi,
} from '../../support/app';
import type { TestApp } from '../../support/app';

const server = useFakeOpenApi();
const GROUP = 'cid-reply-group==';
const HOUR = 3_600_000;

const markdown = { msgKey: 'sampleMarkdown', title: 'Report', text: '**Done** in 2 h' };

function reply(fields: INodeParameters = markdown, options: IDataObject = {}) {
	return appParams('reply', fields, options);
}

function sessionRequests() {
	return requestsTo(server(), '/robot/sendBySession');
}

describe('Reply to Message', () => {
	let app: TestApp;
	beforeEach(() => {
		app = addApp(server(), { groups: [GROUP], users: ['staff-alice', 'staff-bob'] });
	});

	describe('while the session webhook is valid', () => {
		it('answers a group through the session webhook and @s the sender', async () => {
			const item = triggerItem(server(), app, {
				type: 'group',
				conversationId: GROUP,
				staffId: 'staff-alice',
				sessionExpiresAt: Date.now() + HOUR,
			});
			const output = await run(app, reply({ msgKey: 'sampleText', content: 'On it' }), {
				items: [item],
			});
			const [received] = server().fake.received;
			expect(received.via).toBe('session');
			expect(received.body).toMatchObject({
				msgtype: 'text',
				text: { content: 'On it @staff-alice' },
				at: { atUserIds: ['staff-alice'] },
			});
			expect(received.notified.userIds).toEqual(['staff-alice']);
			expect(output[0].json).toMatchObject({
				sentTo: 'sessionWebhook',
				errcode: 0,
				mentioned: ['staff-alice'],
				conversationType: 'group',
				msgKey: 'sampleText',
			});
			expect(output[0].json.fallbackReason).toBeUndefined();
			expect(output[0].json.msgUuid).toBe(received.msgUuid);
			// The session webhook needs no token: nothing went to the OpenAPI.
			expect(requestsTo(server(), TOKEN_PATH)).toHaveLength(0);
			expect(server().openApi.messages).toHaveLength(0);
		});

		it('answers a 1:1 chat through the session webhook without an @', async () => {
			const item = triggerItem(server(), app, {
				type: 'single',
				sessionExpiresAt: Date.now() + HOUR,
			});
			const output = await run(app, reply(), { items: [item] });
			expect(server().fake.received[0].body).toEqual({
				msgtype: 'markdown',
				markdown: { title: 'Report', text: '**Done** in 2 h' },
				msgUuid: output[0].json.msgUuid,
			});
			expect(output[0].json).toMatchObject({ sentTo: 'sessionWebhook', mentioned: [] });
		});

		it('turns every card template into the webhook format', async () => {
			const item = triggerItem(server(), app, {
				type: 'group',
				conversationId: GROUP,
				sessionExpiresAt: Date.now() + HOUR,
			});
			await run(
				app,
				reply({
					msgKey: 'sampleActionCard3',
					title: 'Choose',
					text: 'Which one?',
					actionTitle1: 'A',
					actionURL1: 'https://example.com/a',
					actionTitle2: 'B',
					actionURL2: 'https://example.com/b',
					actionTitle3: 'C',
					actionURL3: 'https://example.com/c',
				}),
				{ items: [item] },
			);
			await run(
				app,
				reply({
					msgKey: 'sampleActionCard6',
					title: 'Deploy?',
					text: 'prod',
					buttonTitle1: 'Yes',
					buttonUrl1: 'https://example.com/yes',
					buttonTitle2: 'No',
					buttonUrl2: 'https://example.com/no',
				}),
				{ items: [item] },
			);
			await run(
				app,
				reply({
					msgKey: 'sampleLink',
					title: 'Log',
					text: 'Build log',
					messageUrl: 'https://example.com/log',
				}),
				{ items: [item] },
			);
			const bodies = server().fake.received.map((received) => {
				const { msgUuid, ...body } = received.body as IDataObject;
				expect(msgUuid).toBeDefined();
				return body;
			});
			expect(bodies).toEqual([
				{
					msgtype: 'actionCard',
					actionCard: {
						title: 'Choose',
						text: 'Which one?',
						btnOrientation: '0',
						btns: [
							{ title: 'A', actionURL: 'https://example.com/a' },
							{ title: 'B', actionURL: 'https://example.com/b' },
							{ title: 'C', actionURL: 'https://example.com/c' },
						],
					},
				},
				{
					msgtype: 'actionCard',
					actionCard: {
						title: 'Deploy?',
						text: 'prod',
						btnOrientation: '1',
						btns: [
							{ title: 'Yes', actionURL: 'https://example.com/yes' },
							{ title: 'No', actionURL: 'https://example.com/no' },
						],
					},
				},
				{
					msgtype: 'link',
					link: { title: 'Log', text: 'Build log', messageUrl: 'https://example.com/log' },
				},
			]);
		});

		it('sends pictures, audio, files and video through the OpenAPI, which alone carries them', async () => {
			const image = await uploadThroughNode(app, 'image', 'chart.png', 'image/png');
			const item = triggerItem(server(), app, {
				type: 'group',
				conversationId: GROUP,
				sessionExpiresAt: Date.now() + HOUR,
			});
			const output = await run(app, reply({ msgKey: 'sampleImageMsg', photoURL: image }), {
				items: [item],
			});
			expect(output[0].json).toMatchObject({
				sentTo: 'groupMessages',
				fallbackReason: 'templateNeedsOpenApi',
			});
			expect(sessionRequests()).toHaveLength(0);
			expect(server().openApi.messages[0]).toMatchObject({
				openConversationId: GROUP,
				msgKey: 'sampleImageMsg',
				msgParam: { photoURL: image },
			});
		});

		it('does not @ the sender when Mention Sender is off', async () => {
			const item = triggerItem(server(), app, {
				type: 'group',
				conversationId: GROUP,
				sessionExpiresAt: Date.now() + HOUR,
			});
			await run(app, reply({ msgKey: 'sampleText', content: 'quiet' }, { mentionSender: false }), {
				items: [item],
			});
			expect(server().fake.received[0].body.at).toBeUndefined();
			expect(server().fake.received[0].body.text.content).toBe('quiet');
		});
	});

	describe('after the session webhook expired', () => {
		it('falls back to the group OpenAPI for a group message', async () => {
			const item = triggerItem(server(), app, {
				type: 'group',
				conversationId: GROUP,
				sessionExpiresAt: Date.now() - 1,
			});
			const output = await run(app, reply(), { items: [item] });
			expect(sessionRequests()).toHaveLength(0);
			const [request] = requestsTo(server(), GROUP_PATH);
			expect(bodyOf(request)).toEqual({
				robotCode: app.appKey,
				openConversationId: GROUP,
				msgKey: 'sampleMarkdown',
				msgParam: '{"title":"Report","text":"**Done** in 2 h"}',
			});
			expect(output[0].json).toMatchObject({
				sentTo: 'groupMessages',
				fallbackReason: 'sessionExpired',
				openConversationId: GROUP,
				processQueryKey: server().openApi.messages[0].processQueryKey,
				mentioned: [],
			});
		});

		it('falls back to the 1:1 OpenAPI for a direct message, addressed to the sender', async () => {
			const item = triggerItem(server(), app, {
				type: 'single',
				staffId: 'staff-bob',
				sessionExpiresAt: Date.now() - HOUR,
			});
			const output = await run(app, reply(), { items: [item] });
			const [request] = requestsTo(server(), BATCH_PATH);
			expect(bodyOf(request)).toEqual({
				robotCode: app.appKey,
				userIds: ['staff-bob'],
				msgKey: 'sampleMarkdown',
				msgParam: '{"title":"Report","text":"**Done** in 2 h"}',
			});
			expect(server().openApi.messages[0]).toMatchObject({ via: 'single', userId: 'staff-bob' });
			expect(output[0].json).toMatchObject({
				sentTo: 'oToMessages',
				fallbackReason: 'sessionExpired',
				userId: 'staff-bob',
			});
		});

		it('treats a session about to expire (within a minute) as expired', async () => {
			const item = triggerItem(server(), app, {
				type: 'group',
				conversationId: GROUP,
				sessionExpiresAt: Date.now() + 30_000,
			});
			const output = await run(app, reply(), { items: [item] });
			expect(output[0].json.fallbackReason).toBe('sessionExpired');
			expect(sessionRequests()).toHaveLength(0);
		});

		it('falls back when DingTalk says the session is gone before its announced expiry', async () => {
			const item = {
				...triggerItem(server(), app, {
					type: 'group',
					conversationId: GROUP,
					sessionExpiresAt: Date.now() + HOUR,
				}),
				sessionWebhook: `${server().fake.baseUrl}/robot/sendBySession?session=forgotten`,
			};
			const output = await run(app, reply(), { items: [item] });
			expect(sessionRequests()[0].response).toEqual({ errcode: 300001, errmsg: 'session 不存在' });
			expect(output[0].json).toMatchObject({
				sentTo: 'groupMessages',
				fallbackReason: 'sessionRejected',
			});
			expect(server().openApi.messages).toHaveLength(1);
		});

		it('reads DingTalk’s raw callback body as well (conversationType "1"/"2")', async () => {
			const raw = {
				conversationId: GROUP,
				conversationType: '2',
				senderStaffId: 'staff-alice',
				sessionWebhook: server().fake.addSession(Date.now() - 1),
				sessionWebhookExpiredTime: Date.now() - 1,
				robotCode: app.appKey,
			};
			const output = await run(app, reply(), { items: [raw] });
			expect(output[0].json).toMatchObject({ sentTo: 'groupMessages', conversationType: 'group' });
		});

		it('uses the robot code of the incoming message, and the option over it', async () => {
			const other = addApp(server(), { groups: [GROUP], robotCode: 'ding-robot-other' });
			const item = {
				...triggerItem(server(), other, {
					type: 'group',
					conversationId: GROUP,
					sessionExpiresAt: Date.now() - 1,
				}),
				robotCode: 'ding-robot-other',
			};
			await run(other, reply(), { items: [item] });
			expect(bodyOf(requestsTo(server(), GROUP_PATH)[0]).robotCode).toBe('ding-robot-other');
			const error = await runExpectingError(other, reply(markdown, { robotCode: 'nope' }), {
				items: [item],
			});
			expect(error.message).toContain('(invalidParameter.robotCode.notExsit)');
			expect(error.description).toMatch(/Robot Code/);
		});

		it('maps the trigger item from further up with an expression', async () => {
			const item = triggerItem(server(), app, {
				type: 'group',
				conversationId: GROUP,
				sessionExpiresAt: Date.now() - 1,
			});
			const output = await run(
				app,
				{ ...reply(), incomingMessage: '={{ $json.original }}' },
				{ items: [{ jobResult: 42, original: item }] },
			);
			expect(output[0].json).toMatchObject({ sentTo: 'groupMessages', conversationId: GROUP });
		});

		it('fails clearly instead of falling back when Fall Back to OpenAPI is off', async () => {
			const item = triggerItem(server(), app, {
				type: 'group',
				conversationId: GROUP,
				sessionExpiresAt: Date.now() - 1,
			});
			const error = await runExpectingError(app, reply(markdown, { fallBack: false }), {
				items: [item],
			});
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/session webhook of the incoming message has expired/);
			expect(error.description).toMatch(/Fall Back to OpenAPI/);
			expect(server().fake.requests).toHaveLength(0);
		});

		it('fails clearly for a 1:1 sender without a staff ID', async () => {
			const item = triggerItem(server(), app, {
				type: 'single',
				staffId: '',
				sessionExpiresAt: Date.now() - 1,
			});
			const error = await runExpectingError(app, reply(), { items: [item] });
			expect(error.message).toMatch(/no staff ID/);
			expect(requestsTo(server(), BATCH_PATH)).toHaveLength(0);
		});

		it('fails when DingTalk flow-controls the only recipient of a 1:1 fallback', async () => {
			const limited = addApp(server(), {
				users: ['staff-carol'],
				flowControlledUsers: ['staff-carol'],
			});
			const item = triggerItem(server(), limited, {
				type: 'single',
				staffId: 'staff-carol',
				sessionExpiresAt: Date.now() - 1,
			});
			const error = await runExpectingError(limited, reply(), { items: [item] });
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toMatch(/did not deliver the reply to staff-carol: flowControlled/);
		});
	});

	describe('the session webhook guard', () => {
		it('refuses a session webhook on a foreign host without sending anything', async () => {
			const item = {
				...triggerItem(server(), app, {
					type: 'group',
					conversationId: GROUP,
					sessionExpiresAt: Date.now() + HOUR,
				}),
				sessionWebhook: 'https://attacker.example.com/robot/sendBySession?session=x',
			};
			const error = await runExpectingError(app, reply(), { items: [item] });
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.description).toContain('(parameter: sessionWebhook)');
			expect(server().fake.requests).toHaveLength(0);
		});

		it('refuses an item that is no robot message', async () => {
			const error = await runExpectingError(app, reply(), { items: [{ hello: 'world' }] });
			expect(error.description).toContain('(parameter: incomingMessage)');
		});
	});

	it('with Continue On Fail, replies item by item and reports the failures', async () => {
		const good = triggerItem(server(), app, {
			type: 'group',
			conversationId: GROUP,
			sessionExpiresAt: Date.now() - 1,
		});
		const unknownGroup = { ...good, conversation: { id: 'cid-robot-not-in-it', type: 'group' } };
		const output = await run(app, reply(), {
			items: [good, unknownGroup, good],
			continueOnFail: true,
		});
		expect(output.map((entry) => entry.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(output[0].json.sentTo).toBe('groupMessages');
		expect(output[1].json).toMatchObject({ code: 'invalid.openConversationId' });
		expect(output[1].json.error).toMatch(/\[item 1\]/);
		expect(output[1].json.description).toMatch(/add the robot to the group/);
		expect(output[2].json.sentTo).toBe('groupMessages');
		expect(server().openApi.messages).toHaveLength(2);
	});
});
