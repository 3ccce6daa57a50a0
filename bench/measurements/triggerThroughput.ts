// Row 1: signed robot @-messages through the DingTalk Trigger versus the same payload through the
// built-in Webhook node, same workflow shape (trigger -> No Op, answer at once), same n8n.
import type { BenchWorkflow } from '../benchWorkflows';
import { robotMessage, unsignedRobotMessage } from '../lib/dingTalkRequests';
import { waitForExecutions } from '../lib/executionCounts';
import { runLoad, summarizeLatencies, type LoadResult } from '../lib/httpLoad';
import { round2, saveProfile, type BenchContext, type Measurement } from '../lib/measurement';

const TARGET_RATIO = 0.9;

interface Side {
	name: 'webhook' | 'trigger';
	workflow: BenchWorkflow;
	runs: LoadResult[];
	/** Requests answered, warm-up included (each must start one execution). */
	answered: number;
}

export async function measureTriggerThroughput(
	context: BenchContext,
	workflows: { webhook: BenchWorkflow; trigger: BenchWorkflow },
): Promise<Measurement> {
	const concurrency = 10;
	const rounds = context.quick ? 1 : 3;
	const roundMs = context.quick ? 2000 : 6000;
	const { n8n, credentials } = context;
	let sequence = 0;
	const sides: Side[] = [
		{ name: 'webhook', workflow: workflows.webhook, runs: [], answered: 0 },
		{ name: 'trigger', workflow: workflows.trigger, runs: [], answered: 0 },
	];
	const load = async (side: Side, durationMs: number) => {
		const path = `/webhook/${side.workflow.path}`;
		const expected = side.name === 'trigger' ? '{"msgtype":"empty"}' : undefined;
		const result = await runLoad({
			baseUrl: n8n.baseUrl,
			concurrency,
			maxRequests: 100_000,
			maxDurationMs: durationMs,
			request: () => {
				const msgId = `bench-${side.name}-${sequence++}`;
				return side.name === 'trigger'
					? robotMessage(path, credentials, msgId)
					: unsignedRobotMessage(path, msgId);
			},
			check: (_index, response) => {
				if (response.status !== 200) throw new Error(`answered ${response.status}`);
				if (expected && response.body.toString('utf8') !== expected) {
					throw new Error(`answered ${response.body.toString('utf8').slice(0, 80)}`);
				}
			},
		});
		side.answered += result.answered;
		return result;
	};
	const drain = async () => {
		for (const side of sides) {
			await waitForExecutions(n8n.userFolder, side.workflow.workflow.id, { timeoutMs: 60_000 });
		}
	};

	for (const side of sides) await load(side, 1500);
	await drain();
	// ABBA order so that a drift of the machine's load hits both sides alike.
	for (let round = 0; round < rounds; round++) {
		const order = round % 2 === 0 ? sides : [...sides].reverse();
		for (const side of order) {
			context.log(`  ${side.name}: round ${round + 1}/${rounds}, ${concurrency} concurrent`);
			side.runs.push(await load(side, roundMs));
			await drain();
		}
	}
	await saveProfile(context, '1-trigger-vs-webhook');

	const summary = Object.fromEntries(
		await Promise.all(
			sides.map(async (side) => {
				const answered = side.runs.reduce((total, run) => total + run.answered, 0);
				const durationMs = side.runs.reduce((total, run) => total + run.durationMs, 0);
				const executions = await waitForExecutions(n8n.userFolder, side.workflow.workflow.id, {
					expected: side.answered,
					timeoutMs: 30_000,
				});
				return [
					side.name,
					{
						requestsPerSecond: round2((answered / durationMs) * 1000),
						latencyMs: summarizeLatencies(side.runs.flatMap((run) => run.latencies)),
						requests: answered,
						failed: side.runs.reduce((total, run) => total + run.failed, 0),
						failures: side.runs.flatMap((run) => run.failures).slice(0, 5),
						perRound: side.runs.map((run) => run.requestsPerSecond),
						executionsStarted: executions.total,
						executionsExpected: side.answered,
					},
				];
			}),
		),
	);
	const webhook = summary.webhook;
	const trigger = summary.trigger;
	const ratio = round2(trigger.requestsPerSecond / webhook.requestsPerSecond);
	const correct =
		webhook.failed === 0 &&
		trigger.failed === 0 &&
		webhook.executionsStarted === webhook.executionsExpected &&
		trigger.executionsStarted === trigger.executionsExpected;
	const notes: string[] = [];
	if (!correct) {
		notes.push(
			`Correctness: failed requests ${webhook.failed} (Webhook) / ${trigger.failed} (trigger); executions ${webhook.executionsStarted} of ${webhook.executionsExpected} (Webhook) / ${trigger.executionsStarted} of ${trigger.executionsExpected} (trigger).`,
		);
	}
	return {
		id: 'trigger-throughput',
		title: `Trigger, robot messages vs Webhook node (${concurrency} concurrent)`,
		target: `throughput ≥ ${TARGET_RATIO}× the Webhook node`,
		met: correct && ratio >= TARGET_RATIO,
		measured:
			`${ratio}× (trigger ${trigger.requestsPerSecond} req/s, p50 ${trigger.latencyMs.p50} ms, p99 ${trigger.latencyMs.p99} ms; ` +
			`Webhook ${webhook.requestsPerSecond} req/s, p50 ${webhook.latencyMs.p50} ms, p99 ${webhook.latencyMs.p99} ms)`,
		values: { concurrency, rounds, roundMs, ratio, webhook, trigger },
		notes,
	};
}
