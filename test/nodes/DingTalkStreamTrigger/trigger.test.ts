import { NodeHelpers } from 'n8n-workflow';
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';

import { DingTalkStreamTrigger } from '../../../nodes/DingTalkStreamTrigger/DingTalkStreamTrigger.node';
import { openStreamClients } from '../../../nodes/DingTalkStreamTrigger/openClients';
import { clearDedupeCaches } from '../../../nodes/shared/dedupe';
import { buildEventItem } from '../../../nodes/shared/eventItem';
import { buildRobotMessageItem } from '../../../nodes/shared/robotMessage';
import { FakeStreamGateway } from '../../fake-dingtalk/streamGateway';
import { activateTrigger, type ActivatedTrigger } from '../../helpers/runTrigger';
import { provideWebSocket, removeWebSocket, restoreWebSocket, until } from './streamTestSetup';

const app = { clientId: 'dingstreamtrigger', clientSecret: 'stream-trigger-secret-value' };

const robotBody = {
	msgId: 'msgStream1==',
	msgtype: 'text',
	text: { content: ' /deploy web' },
	createAt: 1_764_000_000_000,
	conversationId: 'cidGroup==',
	conversationType: '2',
	conversationTitle: 'Ops',
	senderId: '$:LWCP_v1:$abc',
	senderNick: 'Li Lei',
	senderStaffId: 'staff1',
	chatbotUserId: '$:LWCP_v1:$bot',
	robotCode: 'dingstreamtrigger',
	isAdmin: false,
	sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=abc',
	sessionWebhookExpiredTime: 1_764_000_600_000,
	atUsers: [{ dingtalkId: '$:LWCP_v1:$bot' }],
};

describe('DingTalk Stream Trigger node', () => {
	let gateway: FakeStreamGateway;
	const active: ActivatedTrigger[] = [];

	beforeAll(() => provideWebSocket());
	afterAll(() => restoreWebSocket());

	beforeEach(async () => {
		clearDedupeCaches();
		gateway = new FakeStreamGateway({ apps: [app], redeliverAfterMs: 150, disconnectCloseMs: 200 });
		await gateway.start();
	});

	afterEach(async () => {
		for (const trigger of active.splice(0)) await trigger.close();
		await gateway.stop();
	});

	async function activate(
		parameters: INodeParameters = {},
		overrides: Partial<Parameters<typeof activateTrigger>[0]> = {},
	): Promise<ActivatedTrigger> {
		const trigger = await activateTrigger({
			nodeType: new DingTalkStreamTrigger(),
			typeName: 'n8n-nodes-dingtalk-robot.dingTalkStreamTrigger',
			parameters: { receive: ['robotMessages', 'events'], ...parameters },
			credentials: {
				dingTalkAppApi: {
					appKey: app.clientId,
					appSecret: app.clientSecret,
					apiBaseUrl: gateway.baseUrl,
				},
			},
			...overrides,
		});
		active.push(trigger);
		return trigger;
	}

	it('subscribes to what Receive says and connects before activation returns', async () => {
		await activate({ receive: ['robotMessages', 'events', 'cardCallbacks'] });
		expect(gateway.liveConnections()).toHaveLength(1);
		expect(gateway.opens[0].body).toMatchObject({
			clientId: app.clientId,
			subscriptions: [
				{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
				{ type: 'EVENT', topic: '*' },
				{ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
			],
		});
	});

	it('emits a robot message as the HTTP trigger item and ACKs it', async () => {
		const trigger = await activate();
		const messageId = gateway.pushRobotMessage(robotBody);
		const ack = await gateway.waitForAck(messageId);
		expect(ack.code).toBe(200);
		expect(JSON.parse(ack.data as string)).toEqual({ response: null });
		expect(trigger.emitted).toEqual([[buildRobotMessageItem(robotBody) as unknown as IDataObject]]);
		expect(trigger.emitted[0][0]).toMatchObject({
			text: '/deploy web',
			conversation: { type: 'group' },
			sessionWebhook: robotBody.sessionWebhook,
		});
	});

	it('emits an event with its envelope from the headers and ACKs SUCCESS after the start', async () => {
		const order: string[] = [];
		const trigger = await activate({}, { onEmit: () => order.push('emit') });
		const messageId = gateway.pushEvent({
			eventType: 'user_add_org',
			eventId: 'evt-1',
			eventBornTime: 1_764_000_000_123,
			eventCorpId: 'dingcorp',
			data: { userId: ['u1'], timeStamp: '1764000000123' },
		});
		const ack = await gateway.waitForAck(messageId);
		order.push('ack');
		expect(JSON.parse(ack.data as string)).toMatchObject({ status: 'SUCCESS' });
		expect(order).toEqual(['emit', 'ack']);
		expect(trigger.emitted[0][0]).toEqual(
			buildEventItem({
				eventType: 'user_add_org',
				eventId: 'evt-1',
				eventTime: '1764000000123',
				corpId: 'dingcorp',
				userId: ['u1'],
				timeStamp: '1764000000123',
			}),
		);
		expect(trigger.emitted[0][0]).toMatchObject({
			eventTime: 1_764_000_000_123,
			data: { userId: ['u1'] },
		});
	});

	it('starts one execution for an event pushed twice with the same eventId, and ACKs both', async () => {
		const trigger = await activate();
		const first = gateway.pushEvent({ eventType: 'user_add_org', eventId: 'evt-dup' });
		const second = gateway.pushEvent({ eventType: 'user_add_org', eventId: 'evt-dup' });
		await gateway.waitForAck(first);
		const ack = await gateway.waitForAck(second);
		expect(JSON.parse(ack.data as string)).toMatchObject({ status: 'SUCCESS' });
		expect(trigger.emitted).toHaveLength(1);
	});

	it('starts one execution for a robot message delivered twice', async () => {
		const trigger = await activate();
		await gateway.waitForAck(gateway.pushRobotMessage(robotBody));
		await gateway.waitForAck(gateway.pushRobotMessage(robotBody));
		expect(trigger.emitted).toHaveLength(1);
	});

	it('applies the filters of the HTTP trigger: command prefix and event types', async () => {
		const trigger = await activate({
			eventTypes: ['user_leave_org'],
			customEventTypes: 'bpms_instance_change',
			options: { commandPrefix: '/status' },
		});
		await gateway.waitForAck(gateway.pushRobotMessage(robotBody));
		await gateway.waitForAck(
			gateway.pushRobotMessage({ ...robotBody, msgId: 'm2', text: { content: '/status' } }),
		);
		const skipped = gateway.pushEvent({ eventType: 'user_add_org' });
		expect(JSON.parse((await gateway.waitForAck(skipped)).data as string)).toMatchObject({
			status: 'SUCCESS',
		});
		await gateway.waitForAck(gateway.pushEvent({ eventType: 'bpms_instance_change' }));
		await gateway.waitForAck(gateway.pushEvent({ eventType: 'user_leave_org' }));
		expect(trigger.emitted.map(([item]) => item.text ?? item.eventType)).toEqual([
			'/status',
			'bpms_instance_change',
			'user_leave_org',
		]);
	});

	it('answers LATER when the execution cannot start, and runs the redelivered event once', async () => {
		let failures = 1;
		const trigger = await activate(
			{},
			{
				onEmit: () => {
					if (failures-- > 0) throw new Error('queue full');
				},
			},
		);
		const messageId = gateway.pushEvent({ eventType: 'user_add_org', eventId: 'evt-later' });
		const first = await gateway.waitForAck(messageId);
		expect(first.code).toBe(500);
		expect(JSON.parse(first.data as string)).toMatchObject({ status: 'LATER' });
		await until(() => gateway.acksFor(messageId).length === 2);
		expect(JSON.parse(gateway.acksFor(messageId)[1].data as string)).toMatchObject({
			status: 'SUCCESS',
		});
		expect(trigger.emitted).toHaveLength(1);
		expect(
			trigger.logs.some((line) => line.level === 'warn' && line.message.includes('queue full')),
		).toBe(true);
		// DingTalk gets a fixed text, never the error's (it can hold paths and internals).
		expect(JSON.stringify(first)).not.toContain('queue full');
		expect(JSON.parse(first.data as string)).toEqual({
			status: 'LATER',
			message: 'the workflow could not be started',
		});
	});

	it('answers a robot message whose execution cannot start with 500 and a fixed text', async () => {
		await activate(
			{},
			{
				onEmit: () => {
					throw new Error('EACCES: /home/n8n/.n8n/binaryData/secret-path');
				},
			},
		);
		const ack = await gateway.waitForAck(gateway.pushRobotMessage(robotBody));
		expect(ack).toMatchObject({ code: 500, message: 'the workflow could not be started' });
		expect(JSON.stringify(ack)).not.toContain('secret-path');
	});

	it('survives an endpoint WebSocket refuses: activation ends, the reason is logged, it reconnects', async () => {
		gateway.answerEndpoints('ws://127.0.0.1:{port}/connect#frag');
		const trigger = await activate();
		expect(gateway.connections.length).toBe(0);
		const warning = trigger.logs.find((line) => line.level === 'warn');
		expect(warning?.message).toMatch(/endpoint .* fragment/);
		await gateway.waitForConnection(1);
		await gateway.waitForAck(gateway.pushRobotMessage(robotBody));
		expect(trigger.emitted).toHaveLength(1);
		expect(trigger.errors).toHaveLength(0);
	});

	it('does not send the ticket to an endpoint with a user name, and reconnects to a good one', async () => {
		gateway.answerEndpoints('ws://user:pw-4711@127.0.0.1:{port}/connect');
		const trigger = await activate();
		expect(gateway.connections.length).toBe(0);
		const warning = trigger.logs.find((line) => line.level === 'warn');
		expect(warning?.message).toMatch(/user name or password/);
		expect(JSON.stringify(trigger.logs)).not.toContain('pw-4711');
		await gateway.waitForConnection(1);
		expect(gateway.refusedTickets).toHaveLength(0);
	});

	it('follows no redirect of connections/open: 307 would re-post the secret, 302 swap the ticket', async () => {
		gateway.redirectOpens(307);
		gateway.redirectOpens(302);
		const trigger = await activate();
		expect(gateway.connections.length).toBe(0);
		await gateway.waitForConnection(1, 10_000);
		expect(gateway.redirected).toEqual([]);
		const warnings = trigger.logs.filter((line) => line.level === 'warn').map((l) => l.message);
		expect(warnings).toEqual([
			expect.stringMatching(/HTTP 307.*redirect.*not followed/),
			expect.stringMatching(/HTTP 302.*redirect.*not followed/),
		]);
		expect(gateway.opens.map((open) => open.status)).toEqual([307, 302, 200]);
	}, 15_000);

	it('clips received values it writes into its log or ACKs', async () => {
		const trigger = await activate({ eventTypes: ['user_leave_org'] });
		const long = 'T'.repeat(100_000);
		gateway.sendRaw(
			JSON.stringify({
				specVersion: '1.0',
				type: 'CALLBACK',
				headers: { topic: `/v1.0/${long}`, messageId: 'long-topic' },
				data: '{}',
			}),
		);
		expect((await gateway.waitForAck('long-topic')).code).toBe(404);
		await gateway.waitForAck(gateway.pushEvent({ eventType: `user_${long}` }));
		expect(trigger.emitted).toHaveLength(0);
		expect(trigger.logs.length).toBeGreaterThanOrEqual(2);
		for (const line of trigger.logs) expect(line.message.length).toBeLessThan(300);
	});

	it('emits a card callback when asked for, and answers topics it does not serve with 404', async () => {
		const trigger = await activate({ receive: ['cardCallbacks'] });
		const messageId = gateway.pushCardCallback({ outTrackId: 'card-1', value: '{"ok":true}' });
		expect((await gateway.waitForAck(messageId)).code).toBe(200);
		expect(trigger.emitted).toEqual([
			[
				{
					outTrackId: 'card-1',
					value: '{"ok":true}',
					userId: '',
					spaceType: '',
					spaceId: '',
					corpId: '',
					actionIds: [],
					actionId: '',
					params: {},
				},
			],
		]);
		gateway.sendRaw(
			JSON.stringify({
				specVersion: '1.0',
				type: 'CALLBACK',
				headers: {
					topic: '/v1.0/card/dynamicData/get',
					messageId: 'dyn-1',
					contentType: 'application/json',
				},
				data: '{}',
			}),
		);
		expect((await gateway.waitForAck('dyn-1')).code).toBe(404);
		expect(trigger.emitted).toHaveLength(1);
	});

	it('emits who clicked which button and answers with the card update of the options', async () => {
		const trigger = await activate({
			receive: ['cardCallbacks'],
			options: {
				cardAnswerPublic: '{"status": "Done by {userId}", "step": 3}',
				cardAnswerPrivate: { note: 'You chose {params.action}' },
			},
		});
		const messageId = gateway.pushCardCallback({
			type: 'actionCallback',
			userId: 'manager42',
			outTrackId: 'deploy-7',
			spaceType: 'IM_GROUP',
			spaceId: 'cidOps==',
			content: JSON.stringify({
				cardPrivateData: { actionIds: ['approve'], params: { action: 'agree' } },
			}),
		});
		const ack = await gateway.waitForAck(messageId);
		expect(ack.code).toBe(200);
		expect(JSON.parse(ack.data as string)).toEqual({
			response: {
				cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
				cardData: { cardParamMap: { status: 'Done by manager42', step: '3' } },
				userPrivateData: { cardParamMap: { note: 'You chose agree' } },
			},
		});
		expect(trigger.emitted[0][0]).toMatchObject({
			userId: 'manager42',
			outTrackId: 'deploy-7',
			actionId: 'approve',
			params: { action: 'agree' },
		});
	});

	it('offers Card Update in Answer only while Receive has Card Callbacks', () => {
		const description = new DingTalkStreamTrigger().description;
		const options = description.properties.find((property) => property.name === 'options')!;
		for (const name of ['cardAnswerPublic', 'cardAnswerPrivate']) {
			const option = (options.options as INodeProperties[]).find((entry) => entry.name === name)!;
			const shown = (receive: string[]) =>
				NodeHelpers.displayParameter({}, option, null, description, { receive, options: {} });
			expect([shown(['robotMessages', 'cardCallbacks']), shown(['robotMessages'])]).toEqual([
				true,
				false,
			]);
		}
	});

	it('answers a card callback with no update when the options have none', async () => {
		await activate({ receive: ['cardCallbacks'] });
		const ack = await gateway.waitForAck(gateway.pushCardCallback({ outTrackId: 'c' }));
		expect(JSON.parse(ack.data as string)).toEqual({ response: null });
	});

	it('fails activation naming the option when the card update is not a JSON object', async () => {
		const error = await activate({
			receive: ['cardCallbacks'],
			options: { cardAnswerPublic: '{"status": ' },
		}).catch((caught: Error) => caught);
		expect((error as Error).message).toContain(
			'"Card Update in Answer: For Everyone" is not valid JSON',
		);
		expect(gateway.opens).toHaveLength(0);
	});

	it('fails activation with what to fix when DingTalk refuses the credentials', async () => {
		const error = await activate(
			{},
			{
				credentials: {
					dingTalkAppApi: {
						appKey: app.clientId,
						appSecret: 'not-the-secret-4711',
						apiBaseUrl: gateway.baseUrl,
					},
				},
			},
		).catch((caught: Error) => caught);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/refused the Client ID and Client Secret.*HTTP 401/);
		expect((error as Error).message).not.toContain('not-the-secret-4711');
		expect(gateway.opens).toHaveLength(1);
		expect(gateway.connections.length).toBe(0);
		expect(openStreamClients(app.clientId)).toBe(0);
	});

	it('calls emitError, without retrying, when the credentials are refused after activation', async () => {
		const trigger = await activate();
		gateway.refuseOpens(403, 5);
		gateway.drop();
		await until(() => trigger.errors.length === 1);
		expect(trigger.errors[0].message).toMatch(/HTTP 403/);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(gateway.opens).toHaveLength(2);
		expect(trigger.errors).toHaveLength(1);
	});

	it('keeps retrying, not failing, when the gateway is unreachable', async () => {
		const trigger = await activate(
			{},
			{
				credentials: {
					dingTalkAppApi: {
						appKey: app.clientId,
						appSecret: app.clientSecret,
						apiBaseUrl: 'http://127.0.0.1:9',
					},
				},
			},
		);
		expect(trigger.errors).toHaveLength(0);
		expect(trigger.logs.some((line) => line.level === 'warn')).toBe(true);
	});

	it('fails activation naming Node.js 22 and the flag when there is no global WebSocket', async () => {
		removeWebSocket();
		try {
			await expect(activate()).rejects.toThrow(/Node\.js 22 or newer.*--experimental-websocket/);
			expect(gateway.opens).toHaveLength(0);
		} finally {
			provideWebSocket();
		}
	});

	it('fails activation when Receive is empty or the text pattern does not compile', async () => {
		await expect(activate({ receive: [] })).rejects.toThrow(/Receive has nothing chosen/);
		await expect(activate({ options: { textPattern: '(' } })).rejects.toThrow(
			/not a valid regular expression/,
		);
		expect(gateway.opens).toHaveLength(0);
	});

	it('warns in the log when a second trigger opens the same Client ID in this process', async () => {
		const first = await activate();
		expect(first.logs.filter((line) => line.level === 'warn')).toHaveLength(0);
		const second = await activate({}, { workflowId: 'other-workflow' });
		const warning = second.logs.find((line) => line.level === 'warn');
		expect(warning?.message).toMatch(/already has a Stream connection in this n8n process/);
		expect(openStreamClients(app.clientId)).toBe(2);
		await second.close();
		expect(openStreamClients(app.clientId)).toBe(1);
	});

	it('resolves a test run on the first message and hands later events back with LATER', async () => {
		const trigger = await activate({}, { mode: 'manual' });
		const manual = trigger.response.manualTriggerFunction!();
		const messageId = gateway.pushEvent({ eventType: 'user_add_org', eventId: 'evt-manual' });
		await manual;
		const data = await trigger.response.manualTriggerResponse!;
		expect(data[0][0].json).toMatchObject({ eventType: 'user_add_org', eventId: 'evt-manual' });
		expect(JSON.parse((await gateway.waitForAck(messageId)).data as string)).toMatchObject({
			status: 'SUCCESS',
		});
		const later = gateway.pushEvent({ eventType: 'user_add_org', eventId: 'evt-after' });
		expect(JSON.parse((await gateway.waitForAck(later)).data as string)).toMatchObject({
			status: 'LATER',
		});
	});

	it('closes its socket on deactivation and keeps no secret in logs or errors', async () => {
		const trigger = await activate();
		gateway.refuseOpens(401, 1);
		await trigger.close();
		await until(() => gateway.liveConnections().length === 0);
		const text = JSON.stringify([trigger.logs, trigger.errors.map((error) => error.message)]);
		expect(text).not.toContain(app.clientSecret);
	});
});
