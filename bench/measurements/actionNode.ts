// Row 4: N messages in one execution through the DingTalk Robot node versus the HTTP Request node
// posting the same JSON, signed by hand (Set timestamp -> Crypto HMAC -> HTTP Request), to the same
// loopback fake DingTalk, in the same n8n, alternating sides round by round. Both workflows start
// with Webhook -> Split Out. Per round it records the wall time of the sending nodes and of the
// whole execution (as n8n recorded them) and the CPU n8n used for the execution (from /proc).
// Every round must make exactly N requests to the fake, all accepted, with the same body shape on
// both sides; otherwise the row fails instead of comparing unlike work.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';

import type { FakeDingTalk } from '../../test/fake-dingtalk';
import type { BenchWorkflow } from '../benchWorkflows';
import { sendRequest } from '../lib/httpLoad';
import {
	median,
	round1,
	round2,
	saveProfile,
	sleep,
	type BenchContext,
	type Measurement,
} from '../lib/measurement';
import { cpuSince, processGroupCpu } from '../lib/processCpu';

const TARGET_RATIO = 1.1;
/** Work n8n does after the execution's row is final (hooks, insights) still counts. */
const TRAILING_MS = 200;

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
	/** Webhook request sent -> answered (responseMode lastNode), as the bench saw it. */
	roundTripMs: number;
	/** User + system CPU of n8n's process group from the request until the execution was saved. */
	cpuMs: number;
	cpuUserMs: number;
	cpuSystemMs: number;
	/** Requests the fake received during the run. */
	requests: number;
	/** Request bodies with the per-message values blanked out. */
	bodyShapes: string[];
}

/** What the fake saw, without the values that differ per message and per side. */
function bodyShape(rawBody: string): string {
	const body = JSON.parse(rawBody) as { text?: { content?: string }; msgUuid?: string };
	if (body.text?.content !== undefined) body.text.content = '<text>';
	if (body.msgUuid !== undefined) body.msgUuid = '<uuid>';
	return JSON.stringify(body);
}

async function waitForFinishedExecution(
	context: BenchContext,
	workflowId: string,
	before: number,
): Promise<string> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const executions = await context.n8n.executions.list(workflowId);
		const latest = executions[executions.length - 1];
		if (executions.length > before + 1) {
			throw new Error(`${executions.length - before} executions started for one request`);
		}
		if (executions.length === before + 1 && latest?.stoppedAt) return latest.id;
		if (Date.now() > deadline) throw new Error('the execution did not finish within 60 s');
		await sleep(10);
	}
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
	const pid = n8n.pid!;
	const messages = Array.from({ length: count }, (_, index) => ({
		text: `bench ${side} message ${index}`,
		uuid: randomUUID(),
	}));
	const requestsBefore = fake.requests.length;
	const receivedBefore = fake.received.length;
	const before = (await n8n.executions.list(workflow.workflow.id)).length;

	const cpuStart = processGroupCpu(pid);
	const began = performance.now();
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
	const roundTripMs = performance.now() - began;
	const executionId = await waitForFinishedExecution(context, workflow.workflow.id, before);
	await sleep(TRAILING_MS);
	const cpu = cpuSince(pid, cpuStart);

	const execution = await n8n.executions.get(executionId);
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
	const requests = fake.requests.slice(requestsBefore);
	const received = fake.received.slice(receivedBefore);
	const expected = new Set<string>(messages.map((message) => message.uuid));
	const delivered = new Set(received.map((message) => message.msgUuid)).size;
	const refused = requests.filter((request) => request.status !== 200 || request.response?.errcode);
	if (
		response.status !== 200 ||
		execution.status !== 'success' ||
		requests.length !== count ||
		refused.length > 0 ||
		delivered !== count ||
		!received.every((message) => expected.has(message.msgUuid ?? ''))
	) {
		throw new Error(
			`${side}, ${count} messages: webhook answered ${response.status}, execution ${execution.status}, ` +
				`${requests.length} requests to the fake (${refused.length} refused), ${delivered} delivered`,
		);
	}
	return {
		sendMs,
		executionMs,
		roundTripMs: round1(roundTripMs),
		cpuMs: round1(cpu.userMs + cpu.systemMs),
		cpuUserMs: round1(cpu.userMs),
		cpuSystemMs: round1(cpu.systemMs),
		requests: requests.length,
		bodyShapes: [...new Set(requests.map((request) => bodyShape(request.rawBody)))],
	};
}

type Figure = 'sendMs' | 'executionMs' | 'roundTripMs' | 'cpuMs';

function summarise(runs: Record<Side, Run[]>, figure: Figure) {
	const node = round2(median(runs.node.map((run) => run[figure])));
	const http = round2(median(runs.http.map((run) => run[figure])));
	return { node, http, ratio: round2(node / http) };
}

export async function measureActionNode(
	context: BenchContext,
	fake: FakeDingTalk,
	workflows: Record<Side, BenchWorkflow>,
): Promise<Measurement> {
	const count = context.quick ? 10 : 100;
	const rounds = context.quick ? 2 : 15;
	const warmups = context.quick ? 1 : 3;
	const singles = context.quick ? 2 : 20;
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	const runs: Record<Side, Run[]> = { node: [], http: [] };
	const singleRuns: Record<Side, Run[]> = { node: [], http: [] };
	// Alternating which side goes first spreads drifts in machine load over both.
	const inTurn = (index: number): Side[] => (index % 2 === 0 ? ['node', 'http'] : ['http', 'node']);
	try {
		// Warm-up: first runs load code, compile it and open the database pages.
		for (let index = 0; index < warmups; index++) {
			for (const side of inTurn(index)) {
				await runOnce(context, fake, side, workflows[side], count, agent);
			}
		}
		for (let round = 0; round < rounds; round++) {
			context.log(`  ${count} messages in one execution, round ${round + 1}/${rounds}`);
			for (const side of inTurn(round)) {
				runs[side].push(await runOnce(context, fake, side, workflows[side], count, agent));
			}
		}
		context.log(`  one message per execution, ${singles} executions each`);
		for (let index = 0; index < singles; index++) {
			for (const side of inTurn(index)) {
				singleRuns[side].push(await runOnce(context, fake, side, workflows[side], 1, agent));
			}
		}
	} finally {
		agent.destroy();
	}
	await saveProfile(context, '4-action-node');

	const shapes = (side: Side) => [
		...new Set([...runs[side], ...singleRuns[side]].flatMap((run) => run.bodyShapes)),
	];
	if (JSON.stringify(shapes('node')) !== JSON.stringify(shapes('http'))) {
		throw new Error(
			`the two sides sent different bodies: node ${shapes('node').join(' | ')}; HTTP Request ${shapes('http').join(' | ')}`,
		);
	}
	const send = summarise(runs, 'sendMs');
	const execution = summarise(runs, 'executionMs');
	const roundTrip = summarise(runs, 'roundTripMs');
	const cpu = summarise(runs, 'cpuMs');
	const single = summarise(singleRuns, 'sendMs');
	const singleCpu = summarise(singleRuns, 'cpuMs');
	const perMessage = (ms: number) => round2(ms / count);
	return {
		id: 'action-node',
		title: `Action node, ${count} messages in one execution: DingTalk Robot vs HTTP Request signed by hand (median of ${rounds} rounds)`,
		target: `time ratio ≤ ${TARGET_RATIO}`,
		met: send.ratio <= TARGET_RATIO,
		measured:
			`time ${send.ratio}× (sending nodes ${send.node} vs ${send.http} ms; whole execution ${execution.ratio}×, ${execution.node} vs ${execution.http} ms); ` +
			`n8n CPU ${cpu.ratio}× (${cpu.node} vs ${cpu.http} ms, ${perMessage(cpu.node)} vs ${perMessage(cpu.http)} ms per message); ` +
			`one message per execution: time ${single.ratio}×, ${single.node} vs ${single.http} ms`,
		values: {
			messagesPerRun: count,
			rounds,
			warmups,
			judged: 'median sendMs ratio',
			medians: { sendMs: send, executionMs: execution, roundTripMs: roundTrip, cpuMs: cpu },
			cpuMsPerMessage: { node: perMessage(cpu.node), http: perMessage(cpu.http) },
			requestsPerRun: count,
			bodyShapes: shapes('node'),
			runs,
			oneMessagePerExecution: {
				executions: singles,
				medians: { sendMs: single, cpuMs: singleCpu },
				runs: singleRuns,
			},
		},
		notes: [
			`Time is the median over rounds of the sending nodes' execution time as n8n records it (DingTalk Robot; Timestamp + Sign + HTTP Request); the whole execution (startedAt → stoppedAt) and the webhook round trip (${roundTrip.node} vs ${roundTrip.http} ms) are reported beside it. CPU is user + system time of n8n's process group (/proc, 10 ms ticks) from the webhook request until the execution was saved plus ${TRAILING_MS} ms, median over rounds.`,
			`Both sides made ${count} requests per round to the same fake, every one accepted, with the same body: ${shapes('node').join(' | ')}. The HTTP Request node starts all ${count} requests at once (n8n-nodes-base HttpRequestV3 awaits them together); the DingTalk Robot node sends one after the other, as its pacing needs, so the time ratio includes that difference and the CPU ratio does not.`,
		],
	};
}
