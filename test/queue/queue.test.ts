// Signed robot @-messages posted to n8n's webhook process in queue mode: the trigger runs in the
// webhook process, the executions on the two workers, and each carries the same items as in one
// process (trigger.test.ts checks those against the same normalisation).
import type { IDataObject } from 'n8n-workflow';

import { buildRobotMessageItem } from '../../nodes/shared/robotMessage';
import { nodeOutput, type ExecutionData } from '../../scripts/n8n-executions';
import { startQueueCluster, type QueueCluster } from '../../scripts/n8n-queue';
import { requireFromN8n } from '../../scripts/n8n-runtime';
import { randomAppKeys, robotMessageBody, signedRobotHeaders } from '../e2e/support/dingtalk';
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
const MESSAGES = 6;

interface Row {
	id: number;
	status: string;
	mode: string;
	data: string;
}

describe('DingTalk Trigger in n8n queue mode', () => {
	let cluster: QueueCluster | undefined;
	beforeAll(async () => {
		cluster = await startQueueCluster({
			name: 'queue',
			credentials: [app],
			workflows: [robot],
			publish: [robot.id],
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

		let rows: Row[] = [];
		const deadline = Date.now() + 60_000;
		for (;;) {
			rows = await queue.query<Row>(
				`SELECT e.id, e.status, e.mode, d.data FROM execution_entity e
				 JOIN execution_data d ON d."executionId" = e.id
				 WHERE e."workflowId" = $1 ORDER BY e.id`,
				[robot.id],
			);
			if (rows.length >= MESSAGES && rows.every((row) => row.status === 'success')) break;
			if (Date.now() > deadline) break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		expect(rows.map((row) => [row.mode, row.status])).toEqual(
			bodies.map(() => ['webhook', 'success']),
		);

		const { parse } = requireFromN8n<{ parse: (text: string) => ExecutionData }>('flatted');
		const received = rows.map((row) => nodeOutput(parse(row.data), 'DingTalk Trigger'));
		const expected = bodies.map((body) => [buildRobotMessageItem(body as IDataObject)]);
		const byText = (items: Array<Array<Record<string, unknown>>>) =>
			[...items].sort((a, b) => String(a[0]?.text).localeCompare(String(b[0]?.text)));
		expect(byText(received)).toEqual(byText(expected));

		// Every execution was run by exactly one of the workers, none by the webhook process.
		const ranOn = rows.map((row) =>
			(['worker-1', 'worker-2'] as const).filter((role) =>
				queue.log(role).includes(`Worker finished execution ${row.id} `),
			),
		);
		expect(ranOn.map((roles) => roles.length)).toEqual(bodies.map(() => 1));
		expect(queue.log('webhook')).not.toMatch(/Worker (started|finished) execution/);
	});
});
