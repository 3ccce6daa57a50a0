import { clearDedupeCaches } from '../../nodes/shared/dedupe';
import { FakeOpenApi } from '../fake-dingtalk';
import { startSandbox, type RunningSandbox } from '../fake-dingtalk/startSandbox';
import { postJson, readAnswer } from '../fake-dingtalk/testClient';
import { provideWebSocket, restoreWebSocket } from '../nodes/DingTalkStreamTrigger/streamTestSetup';
import { startStandInStreamWorkflow, type StandInStreamWorkflow } from './standInStreamWorkflow';

/**
 * The sandbox of `npm run dev` as startSandbox builds it, driven through the page's HTTP API: the
 * app credential's data, unchanged, connects a Stream trigger (connections/open is on the API Base
 * URL), and the Stream endpoints push to it.
 */
const getJson = async (url: string) => await readAnswer(await fetch(url));

describe('sandbox Stream API (startSandbox)', () => {
	let sandbox: RunningSandbox;
	let bot: StandInStreamWorkflow | undefined;
	let base: string;

	beforeAll(async () => {
		provideWebSocket();
		clearDedupeCaches();
		sandbox = await startSandbox();
		base = sandbox.fake.baseUrl;
		const { appKey, appSecret } = sandbox.secrets;
		sandbox.fake.use(new FakeOpenApi({ apps: [{ appKey, appSecret, robotCode: appKey }] }));
	});
	afterAll(async () => {
		await bot?.close();
		await sandbox?.stop();
		restoreWebSocket();
	});

	it('offers the Stream form with the event types DingTalk pushes over Stream (no check_url)', async () => {
		const { json } = await getJson(`${base}/sandbox/config`);
		expect(json.stream).toEqual({
			ready: true,
			eventTypes: ['user_add_org', 'user_leave_org', 'bpms_instance_change', 'chat_add_member'],
		});
		expect((await getJson(`${base}/sandbox/stream`)).json).toEqual({
			ready: true,
			connections: [],
			pushes: [],
		});
	});

	it('answers 409 with what to do while no Stream trigger is connected', async () => {
		const answer = await postJson(`${base}/sandbox/stream/robot`, { text: '/help' });
		expect(answer.status).toBe(409);
		expect(String(answer.json.error)).toContain(
			'Publish a workflow with a DingTalk Stream Trigger',
		);
	});

	it('connects the example with the sandbox credential data as npm run dev imports it', async () => {
		bot = await startStandInStreamWorkflow({
			dingTalkAppApi: { ...sandbox.appCredentialData, oapiBaseUrl: base },
		});
		const { json } = await getJson(`${base}/sandbox/stream`);
		expect(json.connections).toEqual([
			{
				id: expect.any(String),
				clientId: sandbox.secrets.appKey,
				subscriptions: ['CALLBACK /v1.0/im/bot/messages/get'],
				openedAt: expect.any(Number),
			},
		]);
		expect(sandbox.stream.opens).toEqual([expect.objectContaining({ status: 200 })]);
	});

	it('pushes a robot @-message whose reply arrives through the session webhook', async () => {
		const answer = await postJson(`${base}/sandbox/stream/robot`, {
			text: 'deploy web',
			senderNick: 'Li Lei',
			chatType: 'single',
		});
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({
			messageId: expect.any(String),
			connectionId: sandbox.stream.liveConnections()[0].id,
			ack: { code: 200, message: 'OK', data: { response: null } },
			connections: 1,
			sent: {
				topic: '/v1.0/im/bot/messages/get',
				data: { conversationType: '1', senderNick: 'Li Lei', text: { content: 'deploy web' } },
			},
		});
		expect(bot!.trigger.emitted[0][0]).toMatchObject({
			text: 'deploy web',
			conversation: { type: 'single' },
		});
		await bot!.settled();
		expect(bot!.failures).toEqual([]);
		expect(sandbox.fake.received).toHaveLength(1);
		expect(sandbox.fake.received[0]).toMatchObject({
			via: 'session',
			body: { msgtype: 'markdown', markdown: { title: 'Echo' } },
		});
		expect(sandbox.fake.received[0].body.markdown.text).toContain('You said: deploy web');
		expect((await getJson(`${base}/sandbox/stream`)).json.pushes).toEqual([
			expect.objectContaining({
				kind: 'robotMessage',
				summary: 'deploy web',
				acks: [{ code: 200, message: 'OK', data: { response: null } }],
			}),
		]);
	});

	it('refuses an empty message, an unknown event type and an event nobody subscribed to', async () => {
		expect((await postJson(`${base}/sandbox/stream/robot`, { text: ' ' })).status).toBe(400);
		const unknown = await postJson(`${base}/sandbox/stream/event`, { eventType: 'check_url' });
		expect(unknown.status).toBe(400);
		// The example receives robot messages only.
		const event = await postJson(`${base}/sandbox/stream/event`, { eventType: 'user_add_org' });
		expect(event.status).toBe(409);
		expect(String(event.json.error)).toContain('No live Stream connection subscribed to EVENT *');
	});

	it('stops the gateway with the sandbox', async () => {
		const endpoint = sandbox.stream.endpoint;
		await bot!.close();
		bot = undefined;
		await sandbox.stop();
		await expect(fetch(endpoint.replace(/^ws/, 'http'))).rejects.toThrow();
	});
});
