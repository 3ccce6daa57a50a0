// Row 4: N messages through the DingTalk Robot node versus the HTTP Request node posting the same
// JSON, signed by hand (Set timestamp -> Crypto HMAC -> HTTP Request), to the loopback fake
// DingTalk, with the node's pacing raised out of the way. Both workflows start with Webhook ->
// Split Out; the rows compare the nodes that send.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';

import type { FakeDingTalk } from '../../test/fake-dingtalk';
import type { BenchWorkflow } from '../benchWorkflows';
import { sendRequest } from '../lib/httpLoad';
import {
	median,
	round2,
	saveProfile,
	type BenchContext,
	type Measurement,
} from '../lib/measurement';

const TARGET_RATIO = 1.1;

/** The nodes that do the sending in each workflow. */
const SENDING_NODES = {
	node: ['DingTalk Robot'],
	http: ['Timestamp', 'Sign', 'HTTP Request'],
} as const;

type Side = keyof typeof SENDING_NODES;

interface Run {
	/** Sum of the executionTime n8n recorded for the sending nodes. */
	sendMs: number;
	/** startedAt -> stoppedAt of the execution. */
	executionMs: number;
	delivered: number;
	ok: boolean;
	problem?: string;
}

async function runOnce(
	context: BenchContext,
	fake: FakeDingTalk,
	side: Side,
	workflow: BenchWorkflow,
	count: number,
	agent: http.Agent,
): Promise<Run> {
	const { n8n } = context;
	const messages = Array.from({ length: count }, (_, index) => ({
		text: `bench ${side} message ${index}`,
		uuid: randomUUID(),
	}));
	const receivedBefore = fake.received.length;
	const before = (await n8n.executions.list(workflow.workflow.id)).length;
	const response = await sendRequest(
		agent,
		n8n.baseUrl,
		{
			path: `/webhook/${workflow.path}`,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ messages }),
		},
		120_000,
	);
	const executions = await n8n.executions.list(workflow.workflow.id);
	const latest = executions[executions.length - 1];
	if (executions.length !== before + 1 || !latest) {
		return { sendMs: NaN, executionMs: NaN, delivered: 0, ok: false, problem: 'no execution' };
	}
	const execution = await n8n.executions.get(latest.id);
	const runData = execution.data.resultData.runData as Record<
		string,
		Array<{ executionTime?: number }>
	>;
	const sendMs = SENDING_NODES[side].reduce(
		(total, name) => total + (runData[name]?.[0]?.executionTime ?? NaN),
		0,
	);
	const executionMs =
		new Date(execution.stoppedAt ?? NaN).getTime() - new Date(execution.startedAt ?? NaN).getTime();
	const received = fake.received.slice(receivedBefore);
	const expected = new Set<string>(messages.map((message) => message.uuid));
	const delivered = new Set(received.map((message) => message.msgUuid)).size;
	const ok =
		response.status === 200 &&
		execution.status === 'success' &&
		received.length === count &&
		delivered === count &&
		received.every((message) => expected.has(message.msgUuid ?? ''));
	return {
		sendMs,
		executionMs,
		delivered,
		ok,
		problem: ok
			? undefined
			: `HTTP ${response.status}, execution ${execution.status}, ${received.length} received for ${count}`,
	};
}

export async function measureActionNode(
	context: BenchContext,
	fake: FakeDingTalk,
	workflows: Record<Side, BenchWorkflow>,
): Promise<Measurement> {
	const count = context.quick ? 20 : 100;
	const rounds = context.quick ? 1 : 6;
	const singles = context.quick ? 5 : 20;
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	const runs: Record<Side, Run[]> = { node: [], http: [] };
	const singleRuns: Record<Side, Run[]> = { node: [], http: [] };
	try {
		// Warm-up: first runs load code and open the database pages.
		for (const side of ['node', 'http'] as const) {
			await runOnce(context, fake, side, workflows[side], 10, agent);
		}
		for (let round = 0; round < rounds; round++) {
			const order: Side[] = round % 2 === 0 ? ['node', 'http'] : ['http', 'node'];
			for (const side of order) {
				context.log(`  ${side}: ${count} messages in one execution, round ${round + 1}/${rounds}`);
				runs[side].push(await runOnce(context, fake, side, workflows[side], count, agent));
			}
		}
		context.log(`  one message per execution, ${singles} executions each`);
		for (let index = 0; index < singles; index++) {
			const order: Side[] = index % 2 === 0 ? ['node', 'http'] : ['http', 'node'];
			for (const side of order) {
				singleRuns[side].push(await runOnce(context, fake, side, workflows[side], 1, agent));
			}
		}
	} finally {
		agent.destroy();
	}
	await saveProfile(context, '4-action-node');

	const total = (side: Side, key: 'sendMs' | 'executionMs') =>
		runs[side].reduce((sum, run) => sum + run[key], 0);
	const perMessage = (side: Side) => round2(total(side, 'sendMs') / (rounds * count));
	const ratio = round2(total('node', 'sendMs') / total('http', 'sendMs'));
	const executionRatio = round2(total('node', 'executionMs') / total('http', 'executionMs'));
	const singleMedian = (side: Side, key: 'sendMs' | 'executionMs') =>
		round2(median(singleRuns[side].map((run) => run[key])));
	const singleRatio = round2(singleMedian('node', 'sendMs') / singleMedian('http', 'sendMs'));
	const problems = [...runs.node, ...runs.http, ...singleRuns.node, ...singleRuns.http]
		.filter((run) => !run.ok)
		.map((run) => run.problem);
	const notes: string[] = [];
	if (problems.length) notes.push(`Failed runs: ${problems.slice(0, 3).join('; ')}`);
	return {
		id: 'action-node',
		title: `Action node, ${count} messages: DingTalk Robot vs HTTP Request signed by hand`,
		target: `time ratio ≤ ${TARGET_RATIO}`,
		met: problems.length === 0 && ratio <= TARGET_RATIO,
		measured: `${ratio}× (${perMessage('node')} vs ${perMessage('http')} ms per message; whole execution ${executionRatio}×; one message per execution: ${singleRatio}×, ${singleMedian('node', 'sendMs')} vs ${singleMedian('http', 'sendMs')} ms)`,
		values: {
			messagesPerRun: count,
			rounds,
			ratio,
			executionRatio,
			sendMsPerMessage: { node: perMessage('node'), http: perMessage('http') },
			runs,
			oneMessagePerExecution: {
				executions: singles,
				ratio: singleRatio,
				medianSendMs: {
					node: singleMedian('node', 'sendMs'),
					http: singleMedian('http', 'sendMs'),
				},
				medianExecutionMs: {
					node: singleMedian('node', 'executionMs'),
					http: singleMedian('http', 'executionMs'),
				},
			},
		},
		notes,
	};
}
