// Signed robot @-messages and encrypted event pushes posted to n8n's webhook processes in queue
// mode: the trigger runs in the webhook process, the executions on the two workers, and each
// carries the same items as in one process (trigger.test.ts checks those against the same
// normalisation). The DingTalk Stream Trigger runs on the main process only: one Stream
// connection for the whole cluster, its executions on a worker; a click on a Send and Wait card
// reaches it there and resumes the execution waiting on a worker, through the webhook process.
import type { IDataObject } from 'n8n-workflow';

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';

import { buildEventItem } from '../../nodes/shared/eventItem';
import { buildRobotMessageItem } from '../../nodes/shared/robotMessage';
import { nodeOutput, type ExecutionData } from '../../scripts/n8n-executions';
import { startQueueCluster, type QueueCluster } from '../../scripts/n8n-queue';
import { freePort, PACKAGE_NAME, requireFromN8n } from '../../scripts/n8n-runtime';
import { readingsOf } from '../e2e/support/cardWait';
import {
	eventPush,
	openEventReply,
	randomAppKeys,
	robotMessageBody,
	signedRobotHeaders,
	type EventPush,
} from '../e2e/support/dingtalk';
import { FakeCards, FakeDingTalk, FakeOpenApi } from '../fake-dingtalk';
import { FakeStreamGateway, type FakeStreamConnection } from '../fake-dingtalk/streamGateway';
import { credential } from '../e2e/support/fixtures';
import { post } from '../e2e/support/runs';
import {
	credentialReference,
	robotNode,
	sendAndWaitWorkflow,
	triggerPath,
	triggerWorkflow,
	uuidFor,
	webhookWorkflow,
} from '../e2e/support/workflows';

const keys = randomAppKeys();
const app = credential('dingTalkAppApi', 'queueAppCredent1', 'Queue app (fake DingTalk)', {
	...keys,
	ownerKey: '',
	apiBaseUrl: 'http://127.0.0.1:9',
});
const robot = triggerWorkflow({
	id: 'queueTrigRobot01',
	name: 'Queue: robot messages, acknowledged',
	credential: app,
	trigger: { mode: 'robot', robotVerification: 'signature', replyMode: 'acknowledge' },
});
const events = triggerWorkflow({
	id: 'queueTrigEvents1',
	name: 'Queue: event subscription',
	credential: app,
	trigger: { mode: 'event', eventTypes: ['user_add_org'] },
});
const MESSAGES = 6;

// Two robots of one fake DingTalk that allows 4 messages per 3 s window per robot; the node sends
// to one with "Processes Sending to This Robot" = 2 (one share per worker), to the other without.
const ROBOT_LIMIT = { limit: 4, windowMs: 3_000, banMs: 3_000 };
const SHARED_TOKEN = randomBytes(32).toString('hex');
const UNSHARED_TOKEN = randomBytes(32).toString('hex');
const GROUP = 'cidQueueGroup0001==';
const fake = new FakeDingTalk({
	robots: [{ token: SHARED_TOKEN }, { token: UNSHARED_TOKEN }],
	rateLimit: ROBOT_LIMIT,
});
const openApi = new FakeOpenApi({ apps: [{ ...keys, groups: [GROUP] }] });
fake.use(openApi);
const robotCredentials = [
	credential('dingTalkRobotApi', 'queueRobotShare1', 'Queue robot, shared limit', {
		accessToken: SHARED_TOKEN,
		secret: '',
		keywords: '',
	}),
	credential('dingTalkRobotApi', 'queueRobotAlone1', 'Queue robot, unshared limit', {
		accessToken: UNSHARED_TOKEN,
		secret: '',
		keywords: '',
	}),
];
const sender = (
	id: string,
	path: string,
	robotCredential: (typeof robotCredentials)[number],
	processes?: number,
) =>
	webhookWorkflow({
		id,
		path,
		response: 'immediately',
		then: [
			robotNode(
				'DingTalk Robot',
				{
					operation: 'sendText',
					content: '={{ $json.body.text }}',
					options: {
						rateLimit: ROBOT_LIMIT.limit,
						rateWindow: ROBOT_LIMIT.windowMs / 1000,
						maxRetries: 0,
						...(processes ? { rateLimitProcesses: processes } : {}),
					},
				},
				robotCredential,
			),
		],
	});
const shared = sender('queueSendShared1', 'queue-send-shared', robotCredentials[0], 2);
const unshared = sender('queueSendAlone01', 'queue-send-alone', robotCredentials[1]);
const appSender = webhookWorkflow({
	id: 'queueAppGroup001',
	path: 'queue-app-group',
	response: 'immediately',
	then: [
		robotNode(
			'DingTalk Robot',
			{
				resource: 'appRobot',
				operation: 'sendToGroup',
				openConversationId: GROUP,
				msgKey: 'sampleText',
				content: '={{ $json.body.text }}',
				options: {},
			},
			app,
		),
	],
});
const approval = webhookWorkflow({
	id: 'queueSendWait001',
	path: 'queue-send-wait',
	response: 'immediately',
	then: [
		robotNode(
			'Ask',
			{ operation: 'sendAndWait', cardTitle: 'Restart?', message: 'In queue mode' },
			robotCredentials[0],
		),
		{ name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	],
});

// The Stream trigger with the app credential; the gateway hands out tickets on the fake
// DingTalk's base URL (the credential's API Base URL) and serves the WebSocket on its own port.
const gateway = new FakeStreamGateway({
	apps: [{ clientId: keys.appKey, clientSecret: keys.appSecret }],
});
fake.use(gateway);

// Send and Wait by card buttons: the card goes out from a worker; its click arrives over the
// main process's Stream connection, whose trigger forwards it to the webhook process (the main
// serves no webhooks here, N8N_DISABLE_PRODUCTION_MAIN_PROCESS), which resumes the execution.
const CARD_TEMPLATE = 'queue000-0000-4000-8000-00000000c4a1.schema';
const APPROVER = 'queue-approver';
const cards = new FakeCards(openApi, { templates: [CARD_TEMPLATE], gateway });
fake.use(cards);
const cardApproval = sendAndWaitWorkflow({
	id: 'queueCardWait001',
	path: 'queue-card-wait',
	ask: {
		resource: 'appRobot',
		sendAndWaitTo: 'group',
		openConversationId: GROUP,
		answerVia: 'cardButtons',
		cardTemplateId: CARD_TEMPLATE,
		approvers: APPROVER,
		cardTitle: 'Restart the payment service?',
		message: 'In queue mode, by card',
		options: {},
	},
	credential: app,
});
/** Set before the cluster starts: the webhook process's port, the trigger's card answer address. */
const cardAnswerOrigin = { port: 0 };
const streamTriggerOptions: Record<string, string> = {};
const stream = {
	id: 'queueStreamEvent',
	name: 'Queue: Stream trigger events',
	nodes: [
		{
			id: uuidFor('queueStreamEvent/DingTalk Stream Trigger'),
			name: 'DingTalk Stream Trigger',
			type: `${PACKAGE_NAME}.dingTalkStreamTrigger`,
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {
				receive: ['events', 'cardCallbacks'],
				eventTypes: ['user_add_org'],
				options: streamTriggerOptions,
			},
			credentials: credentialReference(app),
		},
		{
			id: uuidFor('queueStreamEvent/Done'),
			name: 'Done',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [240, 0] as [number, number],
			parameters: {},
		},
	],
	connections: {
		'DingTalk Stream Trigger': { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
	},
	settings: { executionOrder: 'v1' },
	pinData: {},
};

/**
 * The process that holds the client end of a gateway connection: the gateway sees the client's
 * port; /proc/net/tcp maps that port to a socket inode, /proc/<pid>/fd the inode to a process.
 */
function processOfConnection(connection: FakeStreamConnection): number | undefined {
	const remote = (connection.socket as unknown as { _socket: { remotePort: number } })._socket;
	const hexPort = remote.remotePort.toString(16).toUpperCase().padStart(4, '0');
	const gatewayPort = new URL(gateway.baseUrl).port;
	const hexGatewayPort = Number(gatewayPort).toString(16).toUpperCase().padStart(4, '0');
	const inodes = ['/proc/net/tcp', '/proc/net/tcp6']
		.filter((file) => fs.existsSync(file))
		.flatMap((file) => fs.readFileSync(file, 'utf8').split('\n').slice(1))
		.map((line) => line.trim().split(/\s+/))
		.filter(
			(fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[2]?.endsWith(`:${hexGatewayPort}`),
		)
		.map((fields) => fields[9]);
	for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		let fds: string[] = [];
		try {
			fds = fs.readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			let target = '';
			try {
				target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
			} catch {
				continue;
			}
			if (inodes.some((inode) => target === `socket:[${inode}]`)) return Number(pid);
		}
	}
	return undefined;
}

interface Row {
	id: number;
	status: string;
	mode: string;
	data: string;
}

function newEmployee(eventId: string) {
	return {
		EventType: 'user_add_org',
		EventTime: Date.now(),
		CorpId: 'dinge2ecorp0001',
		BizId: '1663143335567',
		eventId,
		timeStamp: String(Date.now()),
		userId: [`hire-${eventId.slice(-2)}`],
	};
}

/** Every execution of the workflow with its data, oldest first. */
async function executionRows(queue: QueueCluster, workflowId: string) {
	return await queue.query<Row>(
		`SELECT e.id, e.status, e.mode, d.data FROM execution_entity e
		 JOIN execution_data d ON d."executionId" = e.id
		 WHERE e."workflowId" = $1 ORDER BY e.id`,
		[workflowId],
	);
}

/** The workflow's executions once at least `count` have finished, then after a settle pause. */
async function finishedExecutions(queue: QueueCluster, workflowId: string, count: number) {
	const read = async () => await executionRows(queue, workflowId);
	const deadline = Date.now() + 60_000;
	let rows = await read();
	while (!(rows.length >= count && rows.every((row) => row.status === 'success'))) {
		if (Date.now() > deadline) return rows;
		await new Promise((resolve) => setTimeout(resolve, 250));
		rows = await read();
	}
	// Anything a request started is queued before its answer; a pause lets stragglers show up.
	await new Promise((resolve) => setTimeout(resolve, 2_000));
	return await read();
}

function triggerItems(rows: Row[]) {
	const { parse } = requireFromN8n<{ parse: (text: string) => ExecutionData }>('flatted');
	return rows.map((row) => nodeOutput(parse(row.data), 'DingTalk Trigger'));
}

function workersThatRan(queue: QueueCluster, rows: Row[]) {
	return rows.map((row) =>
		(['worker-1', 'worker-2'] as const).filter((role) =>
			queue.log(role).includes(`Worker finished execution ${row.id} `),
		),
	);
}

describe('DingTalk Trigger in n8n queue mode', () => {
	let cluster: QueueCluster | undefined;
	beforeAll(async () => {
		await gateway.start();
		const baseUrl = await fake.start();
		for (const robotCredential of robotCredentials) robotCredential.data.baseUrl = baseUrl;
		Object.assign(app.data, { apiBaseUrl: baseUrl, oapiBaseUrl: baseUrl });
		cardAnswerOrigin.port = await freePort();
		streamTriggerOptions.cardAnswerBaseUrl = `http://127.0.0.1:${cardAnswerOrigin.port}`;
		const senders = [shared, unshared, appSender, approval, cardApproval];
		cluster = await startQueueCluster({
			name: 'queue',
			credentials: [app, ...robotCredentials],
			workflows: [robot, events, stream, ...senders],
			publish: [robot.id, events.id, stream.id, ...senders.map((workflow) => workflow.id)],
			secondWebhook: true,
			webhookPort: cardAnswerOrigin.port,
		});
	}, 300_000);
	afterAll(async () => {
		await cluster?.stop();
		await fake.stop();
		await gateway.stop();
	}, 60_000);

	it('verifies each message in the webhook process and runs it on a worker', async () => {
		const queue = cluster!;
		const bodies = Array.from({ length: MESSAGES }, (_, index) =>
			robotMessageBody(`deploy web-${index}`),
		);
		const answers = await Promise.all(
			bodies.map(
				async (body) =>
					await post(
						queue.webhookUrl(triggerPath(robot)),
						body,
						signedRobotHeaders(keys.appSecret),
					),
			),
		);
		for (const answer of answers)
			expect(answer).toMatchObject({ status: 200, body: { msgtype: 'empty' } });
		const refused = await post(
			queue.webhookUrl(triggerPath(robot)),
			robotMessageBody('forged'),
			signedRobotHeaders(keys.appSecret, { secret: 'not-the-app-secret' }),
		);
		expect(refused).toMatchObject({ status: 401, body: { error: 'signMismatch' } });

		const rows = await finishedExecutions(queue, robot.id, MESSAGES);
		expect(rows.map((row) => [row.mode, row.status])).toEqual(
			bodies.map(() => ['webhook', 'success']),
		);

		const received = triggerItems(rows);
		const expected = bodies.map((body) => [buildRobotMessageItem(body as IDataObject)]);
		const byText = (items: Array<Array<Record<string, unknown>>>) =>
			[...items].sort((a, b) => String(a[0]?.text).localeCompare(String(b[0]?.text)));
		expect(byText(received)).toEqual(byText(expected));

		// Every execution was run by exactly one of the workers, none by the webhook process.
		expect(workersThatRan(queue, rows).map((roles) => roles.length)).toEqual(bodies.map(() => 1));
		expect(queue.log('webhook')).not.toMatch(/Worker (started|finished) execution/);
	});

	describe('event subscription pushes', () => {
		const pushUrl = (push: EventPush, role: 'webhook' | 'webhook-2' = 'webhook') =>
			`${cluster!.webhookUrl(triggerPath(events), role)}?${new URLSearchParams(push.query)}`;
		const send = async (plaintext: string, role?: 'webhook' | 'webhook-2') => {
			const push = eventPush(plaintext, keys);
			const answer = await post(pushUrl(push, role), push.body);
			expect(answer.status).toBe(200);
			expect(openEventReply(answer.body, keys)).toBe('success');
		};
		const ids = Array.from({ length: 4 }, (_, index) => `queueevent00000000000000000000${index}1`);
		const plaintexts = ids.map((eventId) => JSON.stringify(newEmployee(eventId)));

		it('decrypts each push in a webhook process and runs it on a worker', async () => {
			const queue = cluster!;
			await Promise.all(plaintexts.map(async (plaintext) => await send(plaintext)));
			const rows = await finishedExecutions(queue, events.id, plaintexts.length);

			expect(rows.map((row) => [row.mode, row.status])).toEqual(
				plaintexts.map(() => ['webhook', 'success']),
			);
			const expected = plaintexts.map((plaintext) => [
				buildEventItem(JSON.parse(plaintext) as IDataObject),
			]);
			const byEventId = (items: Array<Array<Record<string, unknown>>>) =>
				[...items].sort((a, b) => String(a[0]?.eventId).localeCompare(String(b[0]?.eventId)));
			expect(byEventId(triggerItems(rows))).toEqual(byEventId(expected));
			expect(workersThatRan(queue, rows).map((roles) => roles.length)).toEqual(
				plaintexts.map(() => 1),
			);
		});

		// The trigger remembers eventIds in the memory of the process that received the push. A
		// retry (same eventId, fresh encryption) that reaches the same webhook process starts
		// nothing; one that a load balancer sends to another webhook process is new to that
		// process and starts a second execution. Workflows that must run once per event dedupe on
		// `eventId` in the database (see README, "Running in queue mode").
		it('a retry reaching another webhook process starts a second execution (memory is per process)', async () => {
			const queue = cluster!;
			const before = (await finishedExecutions(queue, events.id, plaintexts.length)).length;
			await send(plaintexts[0], 'webhook');
			await send(plaintexts[1], 'webhook-2');
			const rows = await finishedExecutions(queue, events.id, before + 1);

			const added = triggerItems(rows.slice(before)).map((items) => items[0]?.eventId);
			expect(added).toEqual([ids[1]]);
			expect(rows.every((row) => row.status === 'success')).toBe(true);
		});
	});

	describe('DingTalk Stream Trigger', () => {
		const connectionsOfApp = () =>
			gateway.connections.filter((connection) => connection.clientId === keys.appKey);
		const live = () => connectionsOfApp().filter((connection) => !connection.closed);

		it('the main process opens the one Stream connection; the webhook process and workers open none', async () => {
			const queue = cluster!;
			const deadline = Date.now() + 60_000;
			while (live().length === 0 && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
			// Every process has been up for a while: any of them that activated triggers would have
			// connected by now; wait a little more for a late one.
			await new Promise((resolve) => setTimeout(resolve, 3_000));

			expect(connectionsOfApp()).toHaveLength(1);
			expect(live()).toHaveLength(1);
			expect(gateway.opens.filter((open) => open.status === 200)).toHaveLength(1);
			const owner = processOfConnection(live()[0]);
			expect(owner).toBeDefined();
			expect(owner).toBe(queue.main.pid);
			expect(queue.processes.map((entry) => entry.child.pid)).not.toContain(owner);
		});

		it('a pushed event runs once, on a worker, and is ACKed SUCCESS', async () => {
			const queue = cluster!;
			const event = {
				eventType: 'user_add_org',
				eventId: 'queueStreamEvent00000000000001',
				eventBornTime: 1_764_000_000_123,
				eventCorpId: 'dinge2ecorp0001',
				data: { userId: ['queue-new-hire'], timeStamp: '1764000000123' },
			};
			const messageId = gateway.pushEvent(event, { connectionId: live()[0].id });
			const ack = await gateway.waitForAck(messageId, 30_000);
			expect(ack.code).toBe(200);
			expect(JSON.parse(String(ack.data))).toMatchObject({ status: 'SUCCESS' });
			// The same event again (DingTalk's redelivery) starts nothing: one process remembers it.
			const again = gateway.pushEvent(event, { connectionId: live()[0].id });
			expect(JSON.parse(String((await gateway.waitForAck(again, 30_000)).data))).toMatchObject({
				status: 'SUCCESS',
			});

			const rows = await finishedExecutions(queue, stream.id, 1);
			expect(rows.map((row) => [row.mode, row.status])).toEqual([['trigger', 'success']]);
			const { parse } = requireFromN8n<{ parse: (text: string) => ExecutionData }>('flatted');
			expect(nodeOutput(parse(rows[0].data), 'DingTalk Stream Trigger')).toEqual([
				buildEventItem({
					eventType: event.eventType,
					eventId: event.eventId,
					eventTime: '1764000000123',
					corpId: event.eventCorpId,
					...event.data,
				}),
			]);
			expect(workersThatRan(queue, rows)).toEqual([[expect.stringMatching(/^worker-[12]$/)]]);
		});
	});

	/** The workflow's executions once `count` of them have ended, whatever their status. */
	async function endedExecutions(workflowId: string, count: number) {
		const read = async () => await executionRows(cluster!, workflowId);
		const ended = (row: Row) => ['success', 'error', 'crashed'].includes(row.status);
		const deadline = Date.now() + 90_000;
		let rows = await read();
		while (!(rows.length >= count && rows.every(ended)) && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 250));
			rows = await read();
		}
		return rows;
	}

	const sendsTo = (token: string) =>
		fake.requests.filter(
			(request) => request.path === '/robot/send' && request.query.access_token === token,
		);

	it('workers sharing one robot stay within its limit with "Processes Sending to This Robot" = 2, and do not without', async () => {
		const queue = cluster!;
		const count = 16;
		const texts = (label: string) =>
			Array.from({ length: count }, (_, index) => `${label} ${index}`);
		await Promise.all([
			...texts('shared').map(
				async (text) => await post(queue.webhookUrl('queue-send-shared'), { text }),
			),
			...texts('alone').map(
				async (text) => await post(queue.webhookUrl('queue-send-alone'), { text }),
			),
		]);
		const [sharedRows, aloneRows] = await Promise.all([
			endedExecutions(shared.id, count),
			endedExecutions(unshared.id, count),
		]);

		// Configured as the README says: every message accepted once, no throttle answer.
		expect(sharedRows.map((row) => row.status)).toEqual(texts('shared').map(() => 'success'));
		const sharedAnswers = sendsTo(SHARED_TOKEN).map((request) => request.response.errcode);
		expect(sharedAnswers.filter((errcode) => errcode !== 0)).toEqual([]);
		const delivered = fake.received
			.filter((message) => message.token === SHARED_TOKEN)
			.map((message) => message.body.text.content);
		expect([...delivered].sort()).toEqual([...texts('shared')].sort());
		expect(new Set(workersThatRan(queue, sharedRows).flat())).toEqual(
			new Set(['worker-1', 'worker-2']),
		);

		// Each worker using the whole limit: together they exceed it, DingTalk throttles and blocks.
		const aloneAnswers = sendsTo(UNSHARED_TOKEN).map((request) => request.response.errcode);
		const throttled = aloneAnswers.filter((errcode) => errcode !== 0).length;
		const failed = aloneRows.filter((row) => row.status !== 'success').length;
		console.info(
			`queue pacing, ${count} messages per robot from 2 workers, robot limit ${ROBOT_LIMIT.limit}/${ROBOT_LIMIT.windowMs} ms: ` +
				`shared (Processes = 2): 0 throttled, ${delivered.length} delivered; ` +
				`unshared: ${throttled} throttle answers, ${failed} executions failed`,
		);
		if (new Set(workersThatRan(queue, aloneRows).flat()).size === 2) {
			expect(throttled).toBeGreaterThan(0);
		}
	}, 120_000);

	it('App Robot sends run on both workers, each fetching the app token once', async () => {
		const queue = cluster!;
		const tokensBefore = fake.requests.filter(
			(request) => request.path === '/v1.0/oauth2/accessToken',
		).length;
		const texts = Array.from({ length: 10 }, (_, index) => `report ${index}`);
		await Promise.all(
			texts.map(async (text) => await post(queue.webhookUrl('queue-app-group'), { text })),
		);
		const rows = await endedExecutions(appSender.id, texts.length);
		expect(rows.map((row) => row.status)).toEqual(texts.map(() => 'success'));
		expect(openApi.messages.map((message) => message.msgParam.content).sort()).toEqual(
			[...texts].sort(),
		);
		const workers = new Set(workersThatRan(queue, rows).flat());
		const tokenRequests =
			fake.requests.filter((request) => request.path === '/v1.0/oauth2/accessToken').length -
			tokensBefore;
		console.info(
			`queue app robot: ${texts.length} sends on ${workers.size} workers, ${tokenRequests} token requests`,
		);
		expect(tokenRequests).toBe(workers.size);
	}, 120_000);

	it('Send and Wait resumes through the webhook process', async () => {
		const queue = cluster!;
		await post(queue.webhookUrl('queue-send-wait'), {});
		const deadline = Date.now() + 60_000;
		let card: { singleURL?: string } | undefined;
		while (!card && Date.now() < deadline) {
			card = fake.received.find((message) => message.body.msgtype === 'actionCard')?.body
				.actionCard;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		const url = String(card?.singleURL);
		expect(url.startsWith(queue.webhookUrl('').replace('/webhook/', '/webhook-waiting/'))).toBe(
			true,
		);
		const answer = await fetch(url, { method: 'POST' });
		expect(answer.status).toBe(200);
		const [row] = await endedExecutions(approval.id, 1);
		expect(row.status).toBe('success');
		const { parse } = requireFromN8n<{ parse: (text: string) => ExecutionData }>('flatted');
		expect(nodeOutput(parse(row.data), 'After')).toEqual([{ data: { approved: true } }]);
	}, 120_000);

	it('Send and Wait by card: the click arrives at the main process and resumes the execution waiting on a worker', async () => {
		const queue = cluster!;
		expect(queue.webhookUrl('')).toBe(`http://127.0.0.1:${cardAnswerOrigin.port}/webhook/`);
		const streamRunsBefore = (await executionRows(queue, stream.id)).length;
		await post(queue.webhookUrl('queue-card-wait'), {});
		const deadline = Date.now() + 60_000;
		let rows = await executionRows(queue, cardApproval.id);
		while (!(rows.length === 1 && rows[0].status === 'waiting') && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 250));
			rows = await executionRows(queue, cardApproval.id);
		}
		expect(rows.map((row) => row.status)).toEqual(['waiting']);
		const executionId = String(rows[0].id);
		// The card was sent by a worker.
		expect(
			(['worker-1', 'worker-2'] as const).filter((role) =>
				queue.log(role).includes(`Worker started execution ${executionId} `),
			),
		).toHaveLength(1);
		const card = [...cards.cards.values()].find((candidate) =>
			readingsOf(candidate.outTrackId).some((reading) => reading.executionId === executionId),
		);
		expect(card).toMatchObject({ callbackType: 'STREAM', publicData: { status: 'waiting' } });

		// The one Stream connection is the main process's.
		const connectedBy = Date.now() + 60_000;
		const appConnection = () =>
			gateway.liveConnections().find((candidate) => candidate.clientId === keys.appKey);
		while (!appConnection() && Date.now() < connectedBy) {
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		const connection = appConnection();
		expect(connection && processOfConnection(connection)).toBe(queue.main.pid);

		const refused = await cards.click(
			keys.appKey,
			{ outTrackId: card!.outTrackId, userId: 'queue-bystander', params: { action: 'approve' } },
			30_000,
		);
		expect(cards.seenBy(refused.card, 'queue-bystander').notice).toBe(
			'Only the approvers of this request can answer it.',
		);
		expect((await executionRows(queue, cardApproval.id))[0].status).toBe('waiting');

		const approved = await cards.click(
			keys.appKey,
			{ outTrackId: card!.outTrackId, userId: APPROVER, params: { action: 'approve' } },
			30_000,
		);
		expect(approved.ack.code).toBe(200);
		expect(approved.card.publicData.status).toBe('approved');
		const [row] = await endedExecutions(cardApproval.id, 1);
		expect(row.status).toBe('success');
		const { parse } = requireFromN8n<{ parse: (text: string) => ExecutionData }>('flatted');
		expect(nodeOutput(parse(row.data), 'After the Answer')).toEqual([
			{
				data: {
					approved: true,
					responder: { userId: APPROVER },
					respondedAt: expect.anything(),
				},
			},
		]);
		// Resumed on a worker (n8n logs the resumed run as the same execution id), never on main;
		// the click started no execution of the Stream trigger's workflow.
		expect(workersThatRan(queue, [row]).flat().length).toBeGreaterThanOrEqual(1);
		expect(fs.readFileSync(queue.main.logFile, 'utf8')).not.toMatch(
			new RegExp(`Worker (started|finished) execution ${executionId} `),
		);
		expect(await executionRows(queue, stream.id)).toHaveLength(streamRunsBefore);
	}, 120_000);
});
