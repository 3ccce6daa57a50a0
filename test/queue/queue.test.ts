// Signed robot @-messages and encrypted event pushes posted to n8n's webhook processes in queue
// mode: the trigger runs in the webhook process, the executions on the two workers, and each
// carries the same items as in one process (trigger.test.ts checks those against the same
// normalisation).
import type { IDataObject } from 'n8n-workflow';

import { buildEventItem } from '../../nodes/shared/eventItem';
import { buildRobotMessageItem } from '../../nodes/shared/robotMessage';
import { nodeOutput, type ExecutionData } from '../../scripts/n8n-executions';
import { startQueueCluster, type QueueCluster } from '../../scripts/n8n-queue';
import { requireFromN8n } from '../../scripts/n8n-runtime';
import {
	eventPush,
	openEventReply,
	randomAppKeys,
	robotMessageBody,
	signedRobotHeaders,
	type EventPush,
} from '../e2e/support/dingtalk';
import { credential } from '../e2e/support/fixtures';
import { post } from '../e2e/support/runs';
import { triggerPath, triggerWorkflow } from '../e2e/support/workflows';

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

/** The workflow's executions once at least `count` have finished, then after a settle pause. */
async function finishedExecutions(queue: QueueCluster, workflowId: string, count: number) {
	const read = async () =>
		await queue.query<Row>(
			`SELECT e.id, e.status, e.mode, d.data FROM execution_entity e
			 JOIN execution_data d ON d."executionId" = e.id
			 WHERE e."workflowId" = $1 ORDER BY e.id`,
			[workflowId],
		);
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
		cluster = await startQueueCluster({
			name: 'queue',
			credentials: [app],
			workflows: [robot, events],
			publish: [robot.id, events.id],
			secondWebhook: true,
		});
	}, 300_000);
	afterAll(async () => await cluster?.stop(), 60_000);

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
});
