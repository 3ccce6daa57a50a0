// Row 7: one event, three ways into the same n8n, each workflow -> No Op: over DingTalk's Stream
// mode (the DingTalk Stream Trigger connected to the loopback fake gateway), as an encrypted HTTP
// push (the DingTalk Trigger in event mode) and as the same HTTP push into the built-in Webhook
// node (no decryption). All three answer before the execution runs (the ACK, the encrypted
// success, 200), so the figures run to the execution start as n8n records it: the startedAt of
// the execution row (set when n8n marks it running), read from the database afterwards and
// matched to its push by the event's ID.
import * as http from 'node:http';

import { requireFromN8n } from '../../scripts/n8n-runtime';
import { nodeOutput, queryDatabase, type ExecutionData } from '../../scripts/n8n-executions';
import type { FakeStreamGateway } from '../../test/fake-dingtalk/streamGateway';
import type { BenchWorkflow } from '../benchWorkflows';
import { encryptedSuccessProblem, eventPush } from '../lib/dingTalkRequests';
import { waitForExecutions } from '../lib/executionCounts';
import { sendRequest, summarizeLatencies, type LatencySummary } from '../lib/httpLoad';
import {
	round2,
	saveProfile,
	sleep,
	type BenchContext,
	type Measurement,
} from '../lib/measurement';

/** Events pushed whose execution has not started yet, at most (as row 1's 10 in flight). */
const WINDOW = 10;
const POLL_MS = 20;

type SideName = 'stream' | 'trigger' | 'webhook';

interface Push {
	at: number;
	/** Measured round (0-based); undefined for the warm-up. */
	round?: number;
}

interface Side {
	name: SideName;
	label: string;
	workflow: BenchWorkflow;
	/** The node whose output item carries the key. */
	node: string;
	/** Sends one event with this key; resolves when it was answered (ACK, HTTP reply). */
	send(key: string): Promise<void>;
	/** The key in the trigger node's output item. */
	keyOf(item: Record<string, unknown>): string;
	pushes: Map<string, Push>;
	answerLatencies: number[];
	failed: number;
	failures: string[];
	rounds: Array<{ pushed: number; firstPushAt: number }>;
}

interface ExecutionRow {
	id: number;
	status: string;
	createdAt: string;
	startedAt: string | null;
	data: string;
}

/** n8n's SQLite dates are UTC without a zone: "2026-12-03 15:30:01.123". */
function parseDbDate(value: string): number {
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}

async function startedCount(userFolder: string, workflowId: string): Promise<number> {
	const [row] = await queryDatabase<{ count: number }>(
		userFolder,
		`SELECT COUNT(*) AS count FROM execution_entity
		 WHERE workflowId = ? AND deletedAt IS NULL AND startedAt IS NOT NULL`,
		[workflowId],
	);
	return row?.count ?? 0;
}

export async function measureStreamThroughput(
	context: BenchContext,
	gateway: FakeStreamGateway,
	workflows: { stream: BenchWorkflow; trigger: BenchWorkflow; webhook: BenchWorkflow },
): Promise<Measurement> {
	const rounds = context.quick ? 1 : 3;
	const roundMs = context.quick ? 1500 : 6000;
	const warmUpMs = context.quick ? 500 : 1500;
	const { n8n, credentials, aesKey } = context;
	// The trigger connects when n8n activates the workflow, which n8n does in the background;
	// the newest live connection is the trigger's (it reconnects when its watchdog fires).
	await gateway.waitForConnection(1, 60_000);
	const connection = gateway.liveConnections().at(-1);
	if (!connection) throw new Error('the Stream trigger has no live connection to the gateway');
	const agent = new http.Agent({ keepAlive: true, maxSockets: WINDOW });
	const event = (key: string) => ({
		EventType: 'user_add_org',
		eventId: key,
		UserId: [`user-${key}`],
		CorpId: 'dingbenchcorp',
		TimeStamp: String(Date.now()),
	});
	const httpSide = (
		name: 'trigger' | 'webhook',
		label: string,
		workflow: BenchWorkflow,
		node: string,
	): Side => {
		// The Webhook node sees the encrypted body only: its push is keyed by the query's nonce.
		const nonces = new Map<string, string>();
		return {
			name,
			label,
			workflow,
			node,
			pushes: new Map(),
			answerLatencies: [],
			failed: 0,
			failures: [],
			rounds: [],
			async send(key) {
				const request = eventPush(`/webhook/${workflow.path}`, credentials, aesKey, event(key));
				if (name === 'webhook') {
					nonces.set(new URL(request.path, n8n.baseUrl).searchParams.get('nonce') ?? '', key);
				}
				const response = await sendRequest(agent, n8n.baseUrl, request, 30_000);
				this.answerLatencies.push(response.latencyMs);
				if (response.status !== 200) throw new Error(`answered ${response.status}`);
				if (name === 'trigger') {
					const problem = encryptedSuccessProblem(response.body, credentials, aesKey);
					if (problem) throw new Error(problem);
				}
			},
			keyOf: (item) =>
				name === 'trigger'
					? String(item.eventId)
					: (nonces.get(String((item.query as Record<string, unknown> | undefined)?.nonce)) ?? ''),
		};
	};
	const sides: Side[] = [
		{
			name: 'stream',
			label: 'DingTalk Stream Trigger',
			workflow: workflows.stream,
			node: 'DingTalk Stream Trigger',
			pushes: new Map(),
			answerLatencies: [],
			failed: 0,
			failures: [],
			rounds: [],
			async send(key) {
				const began = performance.now();
				const messageId = gateway.pushEvent(
					{
						eventType: 'user_add_org',
						eventId: key,
						eventCorpId: 'dingbenchcorp',
						data: { UserId: [`user-${key}`], TimeStamp: String(Date.now()) },
					},
					{ connectionId: connection.id },
				);
				const ack = await gateway.waitForAck(messageId, 30_000);
				this.answerLatencies.push(performance.now() - began);
				const status =
					typeof ack.data === 'string' ? (JSON.parse(ack.data) as { status?: string }).status : '';
				if (ack.code !== 200 || status !== 'SUCCESS') {
					throw new Error(`ACK ${String(ack.code)} ${String(ack.data)}`);
				}
			},
			keyOf: (item) => String(item.eventId),
		},
		httpSide(
			'trigger',
			'DingTalk Trigger (HTTP, encrypted)',
			workflows.trigger,
			'DingTalk Trigger',
		),
		httpSide('webhook', 'Webhook node', workflows.webhook, 'Webhook'),
	];
	let sequence = 0;

	/**
	 * Pushes for `durationMs`, keeping at most WINDOW events pushed and not yet started (counted
	 * in n8n's database every POLL_MS), then waits until every one of them started.
	 */
	const load = async (side: Side, durationMs: number, round?: number) => {
		const userFolder = n8n.userFolder;
		const workflowId = side.workflow.workflow.id;
		const base = await startedCount(userFolder, workflowId);
		const began = Date.now();
		const deadline = began + durationMs;
		const open = new Set<Promise<void>>();
		const failedBefore = side.failed;
		let pushed = 0;
		let started = 0;
		while (Date.now() < deadline) {
			while (pushed - started < WINDOW && Date.now() < deadline) {
				const key = `bench-${side.name}-${sequence++}`;
				side.pushes.set(key, { at: Date.now(), round });
				pushed++;
				const sent: Promise<void> = side
					.send(key)
					.catch((error: Error) => {
						side.failed++;
						if (side.failures.length < 20) side.failures.push(`${key}: ${error.message}`);
					})
					.finally(() => open.delete(sent));
				open.add(sent);
			}
			await sleep(POLL_MS);
			started = (await startedCount(userFolder, workflowId)) - base;
		}
		await Promise.all(open);
		if (round !== undefined) side.rounds[round] = { pushed, firstPushAt: began };
		await waitForExecutions(userFolder, workflowId, {
			expected: base + pushed - (side.failed - failedBefore),
			timeoutMs: 60_000,
		});
	};

	for (const side of sides) await load(side, warmUpMs);
	// Each side in each position once over three rounds (a Latin square), against drift.
	for (let round = 0; round < rounds; round++) {
		const order = sides.map((_, index) => sides[(index + round) % sides.length]);
		for (const side of order) {
			context.log(
				`  ${side.name}: round ${round + 1}/${rounds}, ${WINDOW} not yet started at most`,
			);
			await load(side, roundMs, round);
		}
	}
	agent.destroy();
	await saveProfile(context, '7-stream-trigger');

	const { parse } = requireFromN8n<{ parse: (text: string) => ExecutionData }>('flatted');
	const summary: Record<string, unknown> = {};
	const lines: string[] = [];
	const problems: string[] = [];
	for (const side of sides) {
		const rows = await queryDatabase<ExecutionRow>(
			n8n.userFolder,
			`SELECT e.id, e.status, e.createdAt, e.startedAt, d.data FROM execution_entity e
			 JOIN execution_data d ON d.executionId = e.id
			 WHERE e.workflowId = ? AND e.deletedAt IS NULL`,
			[side.workflow.workflow.id],
		);
		const startedAt = new Map<string, number[]>();
		const statuses: Record<string, number> = {};
		for (const row of rows) {
			statuses[row.status] = (statuses[row.status] ?? 0) + 1;
			const [item] = nodeOutput(parse(row.data), side.node);
			const key = item ? side.keyOf(item) : '';
			if (!row.startedAt || !side.pushes.has(key)) continue;
			startedAt.set(key, [...(startedAt.get(key) ?? []), parseDbDate(row.startedAt)]);
		}
		const latencies: number[] = [];
		const roundEnds: number[] = side.rounds.map(() => 0);
		let measured = 0;
		let missing = 0;
		let duplicated = 0;
		for (const [key, push] of side.pushes) {
			const starts = startedAt.get(key) ?? [];
			if (starts.length === 0) missing++;
			if (starts.length > 1) duplicated++;
			if (push.round === undefined || starts.length === 0) continue;
			measured++;
			latencies.push(starts[0] - push.at);
			roundEnds[push.round] = Math.max(roundEnds[push.round], starts[0]);
		}
		const pushed = side.rounds.reduce((total, round) => total + round.pushed, 0);
		const spanMs = side.rounds.reduce(
			(total, round, index) => total + Math.max(1, roundEnds[index] - round.firstPushAt),
			0,
		);
		const eventsPerSecond = round2((measured / spanMs) * 1000);
		const latencyMs = summarizeLatencies(latencies);
		const answerMs: LatencySummary = summarizeLatencies(side.answerLatencies);
		if (side.failed || missing || duplicated || rows.length !== side.pushes.size) {
			problems.push(
				`${side.label}: ${side.failed} pushes failed (${side.failures.slice(0, 3).join('; ')}), ${missing} without an execution, ${duplicated} started twice, ${rows.length} executions for ${side.pushes.size} pushes (${JSON.stringify(statuses)})`,
			);
		}
		summary[side.name] = {
			eventsPerSecond,
			toExecutionStartMs: latencyMs,
			answerMs,
			pushed,
			measured,
			pushedWithWarmUp: side.pushes.size,
			executions: statuses,
			perRound: side.rounds.map((round, index) =>
				round2((round.pushed / Math.max(1, roundEnds[index] - round.firstPushAt)) * 1000),
			),
			failed: side.failed,
			failures: side.failures.slice(0, 5),
		};
		lines.push(
			`${side.name === 'trigger' ? 'HTTP trigger' : side.name === 'webhook' ? 'Webhook' : 'Stream'} ${eventsPerSecond} events/s, p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms`,
		);
	}
	const stream = summary.stream as { eventsPerSecond: number; answerMs: LatencySummary };
	const trigger = summary.trigger as { eventsPerSecond: number; answerMs: LatencySummary };
	const webhook = summary.webhook as { eventsPerSecond: number; answerMs: LatencySummary };
	const ratio = round2(stream.eventsPerSecond / trigger.eventsPerSecond);
	const notes = [
		`Time from the push (the gateway sending the frame; the bench starting the HTTP request) to the execution's startedAt in n8n's database, which n8n sets when it marks the execution running; at most ${WINDOW} events pushed and not yet started (the database polled every ${POLL_MS} ms); events per second = events / (last execution start − first push) per round.`,
		`Answer times (not in the figures above): Stream ACK p50 ${stream.answerMs.p50} ms / p99 ${stream.answerMs.p99} ms; HTTP trigger's encrypted success p50 ${trigger.answerMs.p50} / p99 ${trigger.answerMs.p99} ms; Webhook 200 p50 ${webhook.answerMs.p50} / p99 ${webhook.answerMs.p99} ms.`,
		...problems.map((problem) => `Correctness: ${problem}.`),
	];
	return {
		id: 'stream-throughput',
		title: `Stream trigger: events to execution start, vs HTTP trigger and Webhook node (${WINDOW} in flight)`,
		target: '',
		met: problems.length ? false : null,
		measured: `Stream ${ratio}× the HTTP trigger (${lines.join('; ')})`,
		values: {
			window: WINDOW,
			rounds,
			roundMs,
			pollMs: POLL_MS,
			ratio,
			...summary,
			// More than one: the trigger reconnected during the run.
			streamConnectionsOpened: gateway.connections.length,
		},
		notes,
	};
}
