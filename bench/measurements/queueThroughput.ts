// Row 8: signed robot @-messages into the DingTalk Trigger (robot mode), each answered by the
// DingTalk Robot node through a custom robot of a loopback fake DingTalk, end to end: in the
// bench's one regular n8n, and in n8n's queue mode on the same machine (scripts/n8n-queue.ts:
// Postgres and Redis, a main, one webhook process, two workers at concurrency 5), same workflow,
// same credentials, same load. A message counts when the fake accepted the robot's message.
import * as http from 'node:http';
import * as path from 'node:path';

import type { CredentialFixture } from '../../scripts/n8n-instance';
import { startQueueCluster, type QueueCluster } from '../../scripts/n8n-queue';
import { repoRoot } from '../../scripts/n8n-runtime';
import type { FakeDingTalk } from '../../test/fake-dingtalk';
import type { BenchWorkflow } from '../benchWorkflows';
import { robotMessage } from '../lib/dingTalkRequests';
import { countExecutions, waitForExecutions } from '../lib/executionCounts';
import { sendRequest, summarizeLatencies, type LatencySummary } from '../lib/httpLoad';
import {
	round2,
	saveProfile,
	sleep,
	type BenchContext,
	type Measurement,
} from '../lib/measurement';

const CONCURRENCY = 10;
const DELIVERY_TIMEOUT_MS = 60_000;

type SideName = 'regular' | 'queue';

interface Round {
	delivered: number;
	durationMs: number;
}

interface Side {
	name: SideName;
	baseUrl: () => string;
	rounds: Round[];
	latencies: number[];
	answerLatencies: number[];
	sent: number;
	failed: number;
	failures: string[];
}

/** Resolves each message's waiter when the fake accepted a robot message with its msgUuid. */
class Deliveries {
	private seen = 0;
	private readonly waiters = new Map<string, (at: number) => void>();
	private readonly timer: NodeJS.Timeout;
	readonly counts = new Map<string, number>();

	constructor(private readonly fake: FakeDingTalk) {
		this.timer = setInterval(() => this.poll(), 2);
	}

	wait(msgUuid: string): Promise<number> {
		return new Promise((resolve, reject) => {
			const timeout = setTimeout(() => {
				this.waiters.delete(msgUuid);
				reject(new Error(`not delivered within ${DELIVERY_TIMEOUT_MS / 1000} s`));
			}, DELIVERY_TIMEOUT_MS);
			this.waiters.set(msgUuid, (at) => {
				clearTimeout(timeout);
				resolve(at);
			});
		});
	}

	stop(): void {
		clearInterval(this.timer);
	}

	private poll(): void {
		const received = this.fake.received;
		for (; this.seen < received.length; this.seen++) {
			const message = received[this.seen];
			const id = message.msgUuid ?? '';
			this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
			const waiter = this.waiters.get(id);
			if (waiter) {
				this.waiters.delete(id);
				waiter(message.receivedAt);
			}
		}
	}
}

export async function measureQueueThroughput(
	context: BenchContext,
	fake: FakeDingTalk,
	workflow: BenchWorkflow,
	fixtures: { credentials: CredentialFixture[] },
): Promise<Measurement> {
	const rounds = context.quick ? 1 : 2;
	const roundMs = context.quick ? 2000 : 8000;
	const warmUpMs = context.quick ? 500 : 2000;
	const { n8n, credentials } = context;
	const deliveries = new Deliveries(fake);
	let cluster: QueueCluster | undefined;
	const timings: Record<string, number> = {};
	let sequence = 0;
	try {
		const began = Date.now();
		context.log('  starting the queue cluster (Postgres, Redis, main, webhook, 2 workers)');
		cluster = await startQueueCluster({
			name: 'bench-queue',
			artifactsDir: path.join(repoRoot(), 'test-results', 'bench'),
			credentials: fixtures.credentials,
			workflows: [workflow.workflow],
			publish: [workflow.workflow.id],
		});
		timings.clusterStartMs = Date.now() - began;
		const queue = cluster;
		const webhookBase = new URL(queue.webhookUrl('')).origin;
		const sides: Side[] = [
			{ name: 'regular', baseUrl: () => n8n.baseUrl },
			{ name: 'queue', baseUrl: () => webhookBase },
		].map((side) => ({
			...(side as Pick<Side, 'name' | 'baseUrl'>),
			rounds: [],
			latencies: [],
			answerLatencies: [],
			sent: 0,
			failed: 0,
			failures: [],
		}));
		const queueCounts = async () => {
			const rows = await queue.query<{ status: string; count: string }>(
				`SELECT status, COUNT(*) AS count FROM execution_entity WHERE "workflowId" = $1 GROUP BY status`,
				[workflow.workflow.id],
			);
			return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
		};
		const drain = async (side: Side) => {
			if (side.name === 'regular') {
				await waitForExecutions(n8n.userFolder, workflow.workflow.id, {
					expected: side.sent,
					timeoutMs: 60_000,
				});
				return;
			}
			const deadline = Date.now() + 60_000;
			for (;;) {
				const counts = await queueCounts();
				const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
				const open = (counts.new ?? 0) + (counts.running ?? 0);
				if ((total >= side.sent && open === 0) || Date.now() > deadline) return;
				await sleep(250);
			}
		};
		/** CONCURRENCY workers, each sending its next message when the fake got the previous reply. */
		const load = async (side: Side, durationMs: number, measured: boolean) => {
			const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
			const began = performance.now();
			const deadline = began + durationMs;
			let delivered = 0;
			const worker = async () => {
				while (performance.now() < deadline) {
					const msgId = `bench-reply-${side.name}-${sequence++}`;
					const request = robotMessage(`/webhook/${workflow.path}`, credentials, msgId);
					const sentAt = Date.now();
					side.sent++;
					const delivery = deliveries.wait(msgId);
					delivery.catch(() => {});
					try {
						const response = await sendRequest(agent, side.baseUrl(), request, 30_000);
						if (measured) side.answerLatencies.push(response.latencyMs);
						const body = response.body.toString('utf8');
						if (response.status !== 200 || body !== '{"msgtype":"empty"}') {
							throw new Error(`answered ${response.status} ${body.slice(0, 80)}`);
						}
						const receivedAt = await delivery;
						delivered++;
						if (measured) side.latencies.push(receivedAt - sentAt);
					} catch (error) {
						side.failed++;
						if (side.failures.length < 20)
							side.failures.push(`${msgId}: ${(error as Error).message}`);
					}
				}
			};
			await Promise.all(Array.from({ length: CONCURRENCY }, worker));
			agent.destroy();
			if (measured) {
				side.rounds.push({ delivered, durationMs: performance.now() - began });
			}
			await drain(side);
		};

		for (const side of sides) await load(side, warmUpMs, false);
		// ABBA: regular, queue, queue, regular (twice in a full run).
		for (let round = 0; round < rounds; round++) {
			const order = round % 2 === 0 ? sides : [...sides].reverse();
			for (const side of order) {
				context.log(`  ${side.name}: round ${round + 1}/${rounds}, ${CONCURRENCY} concurrent`);
				await load(side, roundMs, true);
			}
		}
		await saveProfile(context, '8-queue-mode');

		const regularCounts = await countExecutions(n8n.userFolder, workflow.workflow.id);
		const executions: Record<SideName, Record<string, number>> = {
			regular: regularCounts.byStatus as Record<string, number>,
			queue: await queueCounts(),
		};
		const workerRuns = (['worker-1', 'worker-2'] as const).map(
			(role) => (queue.log(role).match(/Worker finished execution /g) ?? []).length,
		);
		const duplicates = [...deliveries.counts.values()].filter((count) => count > 1).length;
		const summary: Record<string, unknown> = {};
		const problems: string[] = [];
		for (const side of sides) {
			const delivered = side.rounds.reduce((total, round) => total + round.delivered, 0);
			const durationMs = side.rounds.reduce((total, round) => total + round.durationMs, 0);
			const successes = executions[side.name].success ?? 0;
			if (side.failed || successes !== side.sent) {
				problems.push(
					`${side.name}: ${side.failed} of ${side.sent} messages failed (${side.failures.slice(0, 3).join('; ')}), executions ${JSON.stringify(executions[side.name])}`,
				);
			}
			summary[side.name] = {
				messagesPerSecond: round2((delivered / durationMs) * 1000),
				endToEndMs: summarizeLatencies(side.latencies),
				answerMs: summarizeLatencies(side.answerLatencies),
				delivered,
				perRound: side.rounds.map((round) => round2((round.delivered / round.durationMs) * 1000)),
				sentWithWarmUp: side.sent,
				failed: side.failed,
				failures: side.failures.slice(0, 5),
				executions: executions[side.name],
			};
		}
		if (duplicates) problems.push(`${duplicates} replies were posted more than once`);
		type Figures = {
			messagesPerSecond: number;
			endToEndMs: LatencySummary;
			answerMs: LatencySummary;
		};
		const regular = summary.regular as Figures;
		const queued = summary.queue as Figures;
		const ratio = round2(queued.messagesPerSecond / regular.messagesPerSecond);
		return {
			id: 'queue-mode',
			title: `Robot messages → DingTalk Robot reply: queue mode (1 webhook process + 2 workers) vs one n8n (${CONCURRENCY} concurrent)`,
			target: '',
			met: problems.length ? false : null,
			measured:
				`queue ${ratio}× one n8n (queue ${queued.messagesPerSecond} msg/s, p50 ${queued.endToEndMs.p50} ms, p99 ${queued.endToEndMs.p99} ms; ` +
				`one n8n ${regular.messagesPerSecond} msg/s, p50 ${regular.endToEndMs.p50} ms, p99 ${regular.endToEndMs.p99} ms)`,
			values: {
				concurrency: CONCURRENCY,
				rounds,
				roundMs,
				ratio,
				...summary,
				workerExecutions: { 'worker-1': workerRuns[0], 'worker-2': workerRuns[1] },
				timings,
			},
			notes: [
				`End to end: from sending the signed message to the fake DingTalk accepting the robot's reply (the trigger answers {"msgtype":"empty"} first; answer p50 ${queued.answerMs.p50} ms in queue mode, ${regular.answerMs.p50} ms in one n8n). Each of ${CONCURRENCY} senders sends its next message when its reply arrived. One n8n is the bench's own (SQLite); queue mode uses Postgres and Redis (fsync off) on the same 2 cores, its workers at concurrency 5; executions ran on worker-1 ${workerRuns[0]} times, worker-2 ${workerRuns[1]} times.`,
				`The queue cluster took ${Math.round(timings.clusterStartMs / 1000)} s to start (not in the figures).`,
				...problems.map((problem) => `Correctness: ${problem}.`),
			],
		};
	} finally {
		deliveries.stop();
		const stopping = Date.now();
		await cluster?.stop();
		if (cluster)
			context.log(`  queue cluster stopped (${Math.round((Date.now() - stopping) / 1000)} s)`);
	}
}
