import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DingTalkStreamTrigger } from '../../nodes/DingTalkStreamTrigger/DingTalkStreamTrigger.node';
import { clearDedupeCaches } from '../../nodes/shared/dedupe';
import { SESSION_LIFETIME_MS, buildRobotRequest } from '../fake-dingtalk/sandboxFire';
import { FakeStreamGateway } from '../fake-dingtalk/streamGateway';
import { activateTrigger, type ActivatedTrigger } from '../helpers/runTrigger';
import { addApp, run, useFakeOpenApi, type TestApp } from '../nodes/DingTalkRobot/support/app';
import {
	provideWebSocket,
	restoreWebSocket,
	until,
} from '../nodes/DingTalkStreamTrigger/streamTestSetup';

/**
 * examples/stream-command-bot.json without n8n: its Stream trigger, with the example's own
 * parameters, connected to the fake Stream gateway, and its Reply node run on the emitted item
 * against the fake DingTalk. The e2e suite runs the same workflow in a real n8n.
 */

const server = useFakeOpenApi();
const GROUP = 'cidSandboxGroup0001==';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: INodeParameters;
}

const workflow = JSON.parse(
	readFileSync(join(__dirname, '../../examples/stream-command-bot.json'), 'utf8'),
) as {
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
};

const node = (name: string) => workflow.nodes.find((entry) => entry.name === name)!;

describe('example workflow: Stream command bot', () => {
	let gateway: FakeStreamGateway;
	let app: TestApp;
	let trigger: ActivatedTrigger | undefined;

	beforeAll(async () => {
		provideWebSocket();
		gateway = new FakeStreamGateway();
		await gateway.start();
		// connections/open on the fake DingTalk, as in the sandbox: one API Base URL for both.
		server().fake.use(gateway);
	});
	afterAll(async () => {
		await gateway.stop();
		restoreWebSocket();
	});
	beforeEach(async () => {
		clearDedupeCaches();
		app = addApp(server(), { groups: [GROUP] });
		gateway.addApp({ clientId: app.appKey, clientSecret: app.appSecret });
		trigger = await activateTrigger({
			nodeType: new DingTalkStreamTrigger(),
			typeName: node('DingTalk Stream Trigger').type,
			parameters: node('DingTalk Stream Trigger').parameters,
			credentials: app.credentials,
		});
	});
	afterEach(async () => {
		await trigger?.close();
		trigger = undefined;
	});

	/** Pushes a group @-message like DingTalk's Stream gateway and returns the trigger's item. */
	async function mention(text: string): Promise<{ item: IDataObject; messageId: string }> {
		const { body } = buildRobotRequest(
			{
				text,
				senderNick: 'Sandbox User',
				senderStaffId: 'sandbox-user-01',
				chatType: 'group',
				signature: 'valid',
			},
			{
				appSecret: app.appSecret,
				sessionWebhook: server().fake.addSession(Date.now() + SESSION_LIFETIME_MS),
				nowMs: Date.now(),
			},
		);
		const before = trigger!.emitted.length;
		const messageId = gateway.pushRobotMessage(body);
		await until(() => trigger!.emitted.length > before);
		return { item: trigger!.emitted[before][0], messageId };
	}

	it('wires DingTalk Stream Trigger (robot messages) → Reply (App Robot, Reply to Message)', () => {
		expect(node('DingTalk Stream Trigger').type).toBe(
			'n8n-nodes-dingtalk-robot.dingTalkStreamTrigger',
		);
		expect(node('DingTalk Stream Trigger').parameters.receive).toEqual(['robotMessages']);
		expect(node('Reply').parameters).toMatchObject({ resource: 'appRobot', operation: 'reply' });
		expect(workflow.connections['DingTalk Stream Trigger'].main[0][0].node).toBe('Reply');
	});

	it('connects with the app credential through connections/open on the API Base URL', () => {
		const opens = server().fake.requests.filter(
			(request) => request.path === '/v1.0/gateway/connections/open',
		);
		expect(opens).toHaveLength(1);
		expect(JSON.parse(opens[0].rawBody)).toMatchObject({
			clientId: app.appKey,
			subscriptions: [{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' }],
		});
		expect(gateway.liveConnections().map((connection) => connection.clientId)).toEqual([
			app.appKey,
		]);
	});

	it('answers /help through the session webhook of the pushed message, @-mentioning the sender', async () => {
		const { item, messageId } = await mention('/help');
		expect(await gateway.waitForAck(messageId)).toMatchObject({ code: 200 });
		expect(item).toMatchObject({ text: '/help', sender: { staffId: 'sandbox-user-01' } });

		const [result] = await run(app, node('Reply').parameters, { items: [item] });
		expect(result.json).toMatchObject({ sentTo: 'sessionWebhook', mentioned: ['sandbox-user-01'] });
		expect(server().fake.received).toHaveLength(1);
		const [reply] = server().fake.received;
		expect(reply.via).toBe('session');
		expect(reply.body.msgtype).toBe('markdown');
		expect(reply.body.markdown.title).toBe('Help');
		expect(reply.body.markdown.text).toContain('**/help**');
		expect(reply.body.at).toEqual({ atUserIds: ['sandbox-user-01'] });
	});

	it('echoes anything else', async () => {
		const { item } = await mention('deploy web please');
		await run(app, node('Reply').parameters, { items: [item] });
		const [reply] = server().fake.received;
		expect(reply.body.markdown.title).toBe('Echo');
		expect(reply.body.markdown.text).toContain('You said: deploy web please');
	});
});
