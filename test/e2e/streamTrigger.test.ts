// The DingTalk Stream Trigger inside a real n8n, against the fake Stream gateway over a real
// WebSocket: a published workflow opens one Stream connection, a pushed robot message runs the
// workflow and its reply reaches the message's session webhook, an event runs it once however
// often it is delivered and is ACKed SUCCESS, unpublishing closes the connection, and a test run
// (the editor's "Execute workflow") has a connection of its own only until its first event. On
// Node 20 n8n runs with --experimental-websocket (scripts/n8n-runtime.ts, n8nNodeOptions).
import * as fs from 'node:fs';

import type { IDataObject } from 'n8n-workflow';

import { buildEventItem } from '../../nodes/shared/eventItem';
import { MAX_BODY_BYTES } from '../../nodes/shared/limits';
import { buildRobotMessageItem } from '../../nodes/shared/robotMessage';
import { queryDatabase } from '../../scripts/n8n-database';
import { nodeOutput } from '../../scripts/n8n-executions';
import { PACKAGE_NAME } from '../../scripts/n8n-runtime';
import { FakeDingTalk, FakeOpenApi } from '../fake-dingtalk';
import { FakeStreamGateway } from '../fake-dingtalk/streamGateway';
import { fakeAppCredentialData, randomAppKeys, robotMessageBody } from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import { ownerCookie } from './support/owner';
import { failureOf, withExecution, withoutExecution } from './support/runs';
import { credentialReference, streamWorkflow } from './support/workflows';

const GROUP = 'cidE2eStreamGroup1==';
const STAFF = 'e2e-staff-01';

// One app per workflow: DingTalk gives each message to only one connection of a Client ID.
const robotKeys = randomAppKeys();
const eventKeys = randomAppKeys();
const ROBOT_APP = { id: 'e2eStreamRobot01', name: 'E2E Stream robot app (fake DingTalk)' };
const EVENT_APP = { id: 'e2eStreamEvents1', name: 'E2E Stream events app (fake DingTalk)' };
const robotApp = { type: 'dingTalkAppApi', data: {}, ...ROBOT_APP };
const eventApp = { type: 'dingTalkAppApi', data: {}, ...EVENT_APP };

const WORKFLOWS = {
	reply: streamWorkflow({
		id: 'e2eStreamReply01',
		name: 'E2E Stream: robot message -> App Robot reply through the session webhook',
		credential: robotApp,
		trigger: { receive: ['robotMessages'], options: {} },
		then: [
			{
				name: 'DingTalk Robot',
				type: `${PACKAGE_NAME}.dingTalkRobot`,
				typeVersion: 1,
				parameters: {
					resource: 'appRobot',
					operation: 'reply',
					incomingMessage: '={{ $json }}',
					msgKey: 'sampleText',
					content: '={{ "pong: " + $json.text }}',
					options: {},
				},
				credentials: credentialReference(robotApp),
			},
		],
	}),
	events: streamWorkflow({
		id: 'e2eStreamEvents1',
		name: 'E2E Stream: events',
		credential: eventApp,
		trigger: { receive: ['events'], eventTypes: ['user_add_org'], options: {} },
		then: [{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }],
	}),
};

describe('DingTalk Stream Trigger in a real n8n', () => {
	const gateway = new FakeStreamGateway({
		apps: [robotKeys, eventKeys].map((keys) => ({
			clientId: keys.appKey,
			clientSecret: keys.appSecret,
		})),
		disconnectCloseMs: 1000,
	});
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [{ appKey: robotKeys.appKey, appSecret: robotKeys.appSecret, groups: [GROUP] }],
	});
	fake.use(openApi);
	// connections/open on the fake DingTalk's base URL, as the credential's API Base URL says; the
	// WebSocket endpoint it hands out is the gateway's own port.
	fake.use(gateway);

	const n8n = useN8n(async () => {
		await gateway.start();
		const baseUrl = await fake.start();
		const data = (keys: typeof robotKeys) => fakeAppCredentialData(keys, baseUrl);
		return {
			name: 'stream-trigger',
			credentials: [
				credential('dingTalkAppApi', ROBOT_APP.id, ROBOT_APP.name, data(robotKeys)),
				credential('dingTalkAppApi', EVENT_APP.id, EVENT_APP.name, data(eventKeys)),
			],
			workflows: Object.values(WORKFLOWS),
			publish: Object.values(WORKFLOWS).map((workflow) => workflow.id),
		};
	});
	afterAll(async () => {
		await fake.stop();
		await gateway.stop();
	});

	const connectionsOf = (clientId: string) =>
		gateway.connections.filter((connection) => connection.clientId === clientId);
	const liveConnectionsOf = (clientId: string) =>
		gateway.liveConnections().filter((connection) => connection.clientId === clientId);

	const logLength = () => fs.readFileSync(n8n().logFile, 'utf8').length;
	/** Throws n8n's activation error when its log has one (after `from` characters). */
	function assertActivated(from = 0): void {
		const failure = fs
			.readFileSync(n8n().logFile, 'utf8')
			.slice(from)
			.split('\n')
			.find((line) => line.includes('There was a problem activating the workflow'));
		if (failure) throw new Error(`n8n could not activate a Stream workflow: ${failure}`);
	}

	/**
	 * n8n activates published workflows after it answers HTTP: wait for both connections, and fail
	 * at once with n8n's words when it could not activate one (e.g. no global WebSocket).
	 */
	async function bothConnected(): Promise<void> {
		await until('both published workflows have a live Stream connection', () => {
			assertActivated();
			return (
				liveConnectionsOf(robotKeys.appKey).length > 0 &&
				liveConnectionsOf(eventKeys.appKey).length > 0
			);
		});
	}

	it('opens exactly one Stream connection per published workflow, with its subscriptions', async () => {
		await bothConnected();
		// A moment later still one each: no second activation, no reconnect churn.
		await delay(1500);
		expect(connectionsOf(robotKeys.appKey)).toHaveLength(1);
		expect(liveConnectionsOf(robotKeys.appKey)).toHaveLength(1);
		expect(connectionsOf(eventKeys.appKey)).toHaveLength(1);
		expect(liveConnectionsOf(eventKeys.appKey)).toHaveLength(1);
		expect(liveConnectionsOf(robotKeys.appKey)[0].subscriptions).toEqual([
			{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
		]);
		expect(liveConnectionsOf(eventKeys.appKey)[0].subscriptions).toEqual([
			{ type: 'EVENT', topic: '*' },
		]);
	});

	it('runs the workflow for a pushed robot message and replies through its session webhook', async () => {
		await bothConnected();
		const expiresAt = Date.now() + 3_600_000;
		const body = robotMessageBody('deploy web-1', {
			robotCode: robotKeys.appKey,
			conversationId: GROUP,
			senderStaffId: STAFF,
			sessionWebhook: fake.addSession(expiresAt),
			sessionWebhookExpiredTime: expiresAt,
		});
		const connectionId = liveConnectionsOf(robotKeys.appKey)[0].id;
		const { result: messageId, execution } = await withExecution(
			n8n(),
			WORKFLOWS.reply.id,
			async () => gateway.pushRobotMessage(body, { connectionId }),
		);

		const ack = await gateway.waitForAck(messageId);
		expect(ack.code).toBe(200);
		expect(failureOf(execution).status).toBe('success');
		expect(execution.mode).toBe('trigger');
		expect(nodeOutput(execution.data, 'DingTalk Stream Trigger')).toEqual([
			buildRobotMessageItem(body as IDataObject),
		]);
		expect(nodeOutput(execution.data, 'DingTalk Robot')[0]).toMatchObject({
			sentTo: 'sessionWebhook',
		});
		expect(fake.received).toHaveLength(1);
		expect(fake.received[0]).toMatchObject({
			via: 'session',
			body: {
				msgtype: 'text',
				text: { content: `pong: deploy web-1 @${STAFF}` },
				at: { atUserIds: [STAFF] },
			},
		});
		expect(openApi.messages).toHaveLength(0);
	});

	it('reconnects after DingTalk says disconnect and after a dropped socket, and keeps delivering', async () => {
		await bothConnected();
		const workflow = WORKFLOWS.reply;
		const before = connectionsOf(robotKeys.appKey).length;
		const deliverOnce = async (text: string) => {
			const [live] = liveConnectionsOf(robotKeys.appKey);
			const expiresAt = Date.now() + 3_600_000;
			const body = robotMessageBody(text, {
				robotCode: robotKeys.appKey,
				conversationId: GROUP,
				sessionWebhook: fake.addSession(expiresAt),
				sessionWebhookExpiredTime: expiresAt,
			});
			const { execution } = await withExecution(n8n(), workflow.id, async () =>
				gateway.pushRobotMessage(body, { connectionId: live.id }),
			);
			expect(execution).toMatchObject({ mode: 'trigger', status: 'success' });
			expect(nodeOutput(execution.data, 'DingTalk Stream Trigger')[0]).toMatchObject({ text });
		};

		// DingTalk's rolling restart: a SYSTEM disconnect, the socket closed a moment later.
		const told = gateway.disconnect({ connectionId: liveConnectionsOf(robotKeys.appKey)[0].id });
		await until('a new connection replaces the one told to disconnect', () => {
			const live = liveConnectionsOf(robotKeys.appKey);
			return live.length === 1 && live[0].id !== told.id;
		});
		await until('the old connection is closed', () => told.closed, 30_000);
		expect(connectionsOf(robotKeys.appKey)).toHaveLength(before + 1);
		await deliverOnce('after the disconnect');

		// A socket that just dies: reconnect after the back-off (1 to 2 s).
		const dropped = gateway.drop({ connectionId: liveConnectionsOf(robotKeys.appKey)[0].id });
		await until('a new connection replaces the dropped one', () => {
			const live = liveConnectionsOf(robotKeys.appKey);
			return live.length === 1 && live[0].id !== dropped.id;
		});
		await deliverOnce('after the drop');
		await delay(1500);
		expect(connectionsOf(robotKeys.appKey)).toHaveLength(before + 2);
		expect(liveConnectionsOf(robotKeys.appKey)).toHaveLength(1);
		// The other workflow's connection was left alone.
		expect(connectionsOf(eventKeys.appKey)).toHaveLength(1);
	});

	it('runs once for an event however often it is delivered, ACKs SUCCESS, and closes the connection when unpublished', async () => {
		await bothConnected();
		const connectionId = liveConnectionsOf(eventKeys.appKey)[0].id;
		const event = {
			eventType: 'user_add_org',
			eventId: 'e2eStreamEvent0000000000000001',
			eventBornTime: 1_764_000_000_123,
			eventCorpId: 'dinge2ecorp0001',
			data: { userId: ['e2e-new-hire'], timeStamp: '1764000000123' },
		};
		const { result: messageId, execution } = await withExecution(
			n8n(),
			WORKFLOWS.events.id,
			async () => gateway.pushEvent(event, { connectionId }),
		);

		const ack = await gateway.waitForAck(messageId);
		expect(ack.code).toBe(200);
		expect(JSON.parse(String(ack.data))).toMatchObject({ status: 'SUCCESS' });
		expect(failureOf(execution).status).toBe('success');
		expect(execution.mode).toBe('trigger');
		expect(nodeOutput(execution.data, 'DingTalk Stream Trigger')).toEqual([
			buildEventItem({
				eventType: event.eventType,
				eventId: event.eventId,
				eventTime: '1764000000123',
				corpId: event.eventCorpId,
				...event.data,
			}),
		]);

		// DingTalk redelivers an event it did not see ACKed: same eventId, a new frame.
		const again = await withoutExecution(n8n(), WORKFLOWS.events.id, async () => {
			const redelivered = gateway.pushEvent(event, { connectionId });
			return await gateway.waitForAck(redelivered);
		});
		expect(again.headers.messageId).not.toBe(messageId);
		expect(JSON.parse(String(again.data))).toMatchObject({ status: 'SUCCESS' });

		expect(connectionsOf(eventKeys.appKey)).toHaveLength(1);
		expect(liveConnectionsOf(eventKeys.appKey)).toHaveLength(1);
		await deactivate(WORKFLOWS.events.id);
		await until('the unpublished workflow has closed its Stream connection', () =>
			connectionsOf(eventKeys.appKey).every((connection) => connection.closed),
		);
		// Closed for good: no reconnect after a pause, and the other workflow keeps its connection.
		await delay(1500);
		expect(liveConnectionsOf(eventKeys.appKey)).toHaveLength(0);
		expect(connectionsOf(eventKeys.appKey)).toHaveLength(1);
		expect(liveConnectionsOf(robotKeys.appKey)).toHaveLength(1);
	});

	// After the test above: the events workflow is unpublished, as when one builds it in the editor.
	it('a test run opens its own connection, runs with the first event, and closes it again', async () => {
		const workflow = WORKFLOWS.events;
		await until('the unpublished workflow has no live Stream connection', () =>
			connectionsOf(eventKeys.appKey).every((connection) => connection.closed),
		);
		const before = connectionsOf(eventKeys.appKey).length;
		const executionsBefore = (await n8n().executions.list(workflow.id)).length;
		const started = await rest('POST', `/rest/workflows/${workflow.id}/run`, {
			workflowData: workflow,
			triggerToStartFrom: { name: 'DingTalk Stream Trigger' },
		});
		expect(started).toEqual({ executionId: expect.any(String) });
		await until('the test run has a live Stream connection', () => {
			assertActivated();
			return liveConnectionsOf(eventKeys.appKey).length === 1;
		});
		expect(connectionsOf(eventKeys.appKey)).toHaveLength(before + 1);

		const event = {
			eventType: 'user_add_org',
			eventId: 'e2eStreamEvent0000000000000002',
			eventCorpId: 'dinge2ecorp0001',
			data: { userId: ['e2e-test-run'] },
		};
		const connectionId = liveConnectionsOf(eventKeys.appKey)[0].id;
		const ack = await gateway.waitForAck(gateway.pushEvent(event, { connectionId }), 30_000);
		expect(JSON.parse(String(ack.data))).toMatchObject({ status: 'SUCCESS' });
		const executions = await n8n().executions.waitFor(workflow.id, executionsBefore + 1);
		const execution = executions[executions.length - 1];
		expect(execution.id).toBe((started as { executionId: string }).executionId);
		expect(execution).toMatchObject({ mode: 'manual', status: 'success' });
		expect(nodeOutput(execution.data, 'DingTalk Stream Trigger')).toMatchObject([
			{ eventType: 'user_add_org', eventId: event.eventId, data: { userId: ['e2e-test-run'] } },
		]);
		// The run is over: n8n calls the trigger's closeFunction, and the connection goes.
		await until('the finished test run has closed its Stream connection', () =>
			connectionsOf(eventKeys.appKey).every((connection) => connection.closed),
		);
		await delay(1500);
		expect(connectionsOf(eventKeys.appKey)).toHaveLength(before + 1);
		expect(liveConnectionsOf(eventKeys.appKey)).toHaveLength(0);
	});

	// After the tests above: the events workflow is unpublished and has no connection.
	it('publishing with credentials DingTalk refuses fails with the fix; publishing again connects', async () => {
		const workflow = WORKFLOWS.events;
		const before = connectionsOf(eventKeys.appKey).length;
		const stored = async () =>
			(
				await queryDatabase<{ active: number; versionId: string }>(
					n8n().userFolder,
					'SELECT active, versionId FROM workflow_entity WHERE id = ?',
					[workflow.id],
				)
			)[0];
		const { versionId } = await stored();
		const opensBefore = gateway.opens.length;
		// More refusals than n8n 2.41 makes attempts (TRIGGER_ACTIVATION_MAX_ATTEMPTS, 5).
		gateway.refuseOpens(401, 8);
		const refused = await send('POST', `/rest/workflows/${workflow.id}/activate`, { versionId });
		const fix = 'DingTalk refused the Client ID and Client Secret';
		const refusals = () => gateway.opens.slice(opensBefore).map((open) => open.status);
		if (refused.status === 200) {
			// n8n 2.41 publishes through an outbox: the answer comes first, the activation after it
			// (retried with back-off: 1, 2, 4, 8 s), and its error lands in the publication status
			// the editor shows.
			const status = await publicationStatus(workflow.id);
			expect(status).toMatchObject({ status: 'failed', triggers: [{ status: 'failed' }] });
			expect(status.triggers[0].errorMessage).toContain(fix);
			expect(refusals().length).toBeGreaterThan(1);
		} else {
			// n8n 2.8 activates before it answers and refuses the publish with the node's words.
			expect(refused.status).toBe(400);
			expect(refused.text).toContain(fix);
			expect((await stored()).active).toBe(0);
			expect(refusals()).toHaveLength(1);
		}
		expect(refusals().every((status) => status === 401)).toBe(true);
		expect(connectionsOf(eventKeys.appKey)).toHaveLength(before);
		// DingTalk accepts the credentials again (the refusals not used up are dropped).
		gateway.reset();
		const logFrom = logLength();

		const published = await rest('POST', `/rest/workflows/${workflow.id}/activate`, {
			versionId,
		});
		expect(published).toMatchObject({ id: workflow.id, active: true });
		await until('the published workflow has a live Stream connection', () => {
			assertActivated(logFrom);
			return liveConnectionsOf(eventKeys.appKey).length > 0;
		});
		if (refused.status === 200) {
			expect(await publicationStatus(workflow.id)).toMatchObject({ status: 'published' });
		}
		await delay(1500);
		expect(liveConnectionsOf(eventKeys.appKey)).toHaveLength(1);
		expect(connectionsOf(eventKeys.appKey)).toHaveLength(before + 1);
		const event = { eventType: 'user_add_org', eventId: 'e2eStreamEvent0000000000000003' };
		const { execution } = await withExecution(n8n(), workflow.id, async () =>
			gateway.pushEvent(event, { connectionId: liveConnectionsOf(eventKeys.appKey)[0].id }),
		);
		expect(execution).toMatchObject({ mode: 'trigger', status: 'success' });
		expect(nodeOutput(execution.data, 'DingTalk Stream Trigger')).toMatchObject([
			{ eventType: 'user_add_org', eventId: event.eventId },
		]);
	});

	// Issue 22: what a broken or hostile gateway answers must not end the connection loop, leak
	// the ticket or the secret, or reach the workflow; n8n stays up and the trigger reconnects.
	it('survives hostile connections/open answers and frames: logs why, reconnects, refuses over 1 MB', async () => {
		// Not bothConnected(): the log already holds the refused publish of the test above.
		await until('the robot workflow has a live Stream connection', () => {
			return liveConnectionsOf(robotKeys.appKey).length === 1;
		});
		const logFrom = logLength();
		const before = connectionsOf(robotKeys.appKey).length;
		const opensBefore = gateway.opens.length;
		const refusedBefore = gateway.refusedTickets.length;
		// A 307 to another path; an endpoint WebSocket refuses; plain ws:// to a foreign host.
		gateway.redirectOpens(307);
		gateway.answerEndpoints('ws://127.0.0.1:{port}/connect#frag', 'ws://192.0.2.1:{port}/connect');
		// A SYSTEM disconnect makes the node ask for a new ticket at once, without back-off.
		const told = gateway.disconnect({ connectionId: liveConnectionsOf(robotKeys.appKey)[0].id });
		await until('a good connection replaces the one told to disconnect', () => {
			const live = liveConnectionsOf(robotKeys.appKey);
			return live.length === 1 && live[0].id !== told.id;
		});
		const robotOpens = gateway.opens
			.slice(opensBefore)
			.filter((open) => (open.body as { clientId?: string }).clientId === robotKeys.appKey);
		expect(robotOpens.map((open) => open.status)).toEqual([307, 200, 200, 200]);
		expect(gateway.redirected).toEqual([]);
		expect(connectionsOf(robotKeys.appKey)).toHaveLength(before + 1);
		expect(gateway.refusedTickets).toHaveLength(refusedBefore);
		const log = fs.readFileSync(n8n().logFile, 'utf8').slice(logFrom);
		expect(log).toContain('HTTP 307, a redirect, which is not followed');
		expect(log).toContain('with a fragment');
		expect(log).toContain('connects only to wss:// endpoints');
		expect(log).not.toContain(robotKeys.appSecret);

		const connectionId = liveConnectionsOf(robotKeys.appKey)[0].id;
		const frame = (messageId: string, type: string, data: Record<string, unknown>) =>
			JSON.stringify({
				specVersion: '1.0',
				type,
				headers: {
					messageId,
					topic: '/v1.0/im/bot/messages/get',
					contentType: 'application/json',
				},
				data: JSON.stringify(data),
			});
		const [oversize, longType] = await withoutExecution(n8n(), WORKFLOWS.reply.id, async () => {
			const body = robotMessageBody('x'.repeat(MAX_BODY_BYTES), { robotCode: robotKeys.appKey });
			gateway.sendRaw(frame('e2e-oversize', 'CALLBACK', body), { connectionId });
			gateway.sendRaw(frame('e2e-long-type', 'T'.repeat(100_000), {}), { connectionId });
			return await Promise.all([
				gateway.waitForAck('e2e-oversize'),
				gateway.waitForAck('e2e-long-type'),
			]);
		});
		expect(oversize).toMatchObject({ code: 400, message: 'frame larger than 1 MB' });
		expect(longType.code).toBe(400);
		expect(JSON.stringify(longType).length).toBeLessThan(600);

		// Still the same n8n, still delivering on the connection it found after all that.
		const expiresAt = Date.now() + 3_600_000;
		const { execution } = await withExecution(n8n(), WORKFLOWS.reply.id, async () =>
			gateway.pushRobotMessage(
				robotMessageBody('after the hostile answers', {
					robotCode: robotKeys.appKey,
					conversationId: GROUP,
					sessionWebhook: fake.addSession(expiresAt),
					sessionWebhookExpiredTime: expiresAt,
				}),
				{ connectionId },
			),
		);
		expect(execution).toMatchObject({ mode: 'trigger', status: 'success' });
		expect((await fetch(`${n8n().baseUrl}/healthz`)).status).toBe(200);
	});

	/** n8n 2.41's publication status once no publication is in flight. */
	async function publicationStatus(workflowId: string) {
		type Status = { status: string; triggers: Array<{ status: string; errorMessage: string }> };
		for (const deadline = Date.now() + 60_000; Date.now() < deadline; await delay(200)) {
			const { status: code, text } = await send(
				'GET',
				`/rest/workflows/${workflowId}/publication-status`,
			);
			if (code !== 200) throw new Error(`publication-status answered HTTP ${code}: ${text}`);
			const status = (JSON.parse(text) as { data: Status }).data;
			if (status.status !== 'in_progress') return status;
		}
		throw new Error(`The publication of ${workflowId} is still in progress`);
	}

	// One login for the file: n8n rate-limits POST /rest/login.
	let cookie: Promise<string> | undefined;
	async function send(method: string, path: string, body?: unknown) {
		cookie ??= ownerCookie(n8n());
		const answer = await fetch(`${n8n().baseUrl}${path}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: await cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: answer.status, text: await answer.text() };
	}

	async function rest(method: string, path: string, body: unknown): Promise<unknown> {
		const { status, text } = await send(method, path, body);
		if (status !== 200)
			throw new Error(`n8n answered ${method} ${path} with HTTP ${status}: ${text}`);
		return (JSON.parse(text) as { data: unknown }).data;
	}

	async function deactivate(workflowId: string): Promise<void> {
		const workflow = await rest('POST', `/rest/workflows/${workflowId}/deactivate`, {});
		expect(workflow).toMatchObject({ id: workflowId, active: false });
	}
});

async function delay(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
		await delay(100);
	}
}
