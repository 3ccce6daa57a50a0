// Row 2: encrypted event pushes at concurrency 20 into a workflow whose next step takes 5 s. The
// trigger must answer with the encrypted `success` without waiting for the workflow.
import type { BenchWorkflow } from '../benchWorkflows';
import { encryptedSuccessProblem, eventPush } from '../lib/dingTalkRequests';
import { countExecutions, executionDurations, waitForExecutions } from '../lib/executionCounts';
import { runLoad } from '../lib/httpLoad';
import { round1, saveProfile, type BenchContext, type Measurement } from '../lib/measurement';

const DEADLINE_MS = 1500;

export async function measureEventReply(
	context: BenchContext,
	workflow: BenchWorkflow,
): Promise<Measurement> {
	const concurrency = 20;
	const requests = context.quick ? 60 : 400;
	const { n8n, credentials, aesKey } = context;
	context.log(`  ${requests} encrypted pushes, ${concurrency} concurrent, workflow waits 5 s`);
	const result = await runLoad({
		baseUrl: n8n.baseUrl,
		concurrency,
		maxRequests: requests,
		maxDurationMs: 120_000,
		request: (index) =>
			eventPush(`/webhook/${workflow.path}`, credentials, aesKey, {
				EventType: 'user_add_org',
				eventId: `bench-event-${index}`,
				UserId: [`user${index}`],
				CorpId: 'dingbenchcorp',
				TimeStamp: String(Date.now()),
			}),
		check: (_index, response) => {
			if (response.status !== 200) throw new Error(`answered ${response.status}`);
			const problem = encryptedSuccessProblem(response.body, credentials, aesKey);
			if (problem) throw new Error(problem);
		},
	});
	// Executions still running when the last reply arrived show the replies did not wait for them.
	const atLastReply = await countExecutions(n8n.userFolder, workflow.workflow.id);
	const stillRunning = atLastReply.total - atLastReply.finished;
	const executions = await waitForExecutions(n8n.userFolder, workflow.workflow.id, {
		expected: result.answered,
		timeoutMs: 60_000,
	});
	const durations = await executionDurations(n8n.userFolder, workflow.workflow.id);
	await saveProfile(context, '2-event-reply');

	const correct =
		result.failed === 0 &&
		executions.total === result.answered &&
		(executions.byStatus.success ?? 0) === result.answered;
	const notes: string[] = [];
	if (!correct) {
		notes.push(
			`Correctness: ${result.failed} requests failed (${result.failures.slice(0, 3).join('; ')}), executions ${JSON.stringify(executions.byStatus)} for ${result.answered} answered pushes.`,
		);
	}
	return {
		id: 'event-reply',
		title: `Trigger, event callbacks (${concurrency} concurrent, workflow waits 5 s)`,
		target: `p99 time to the encrypted success < ${DEADLINE_MS} ms`,
		met: correct && result.latencyMs.p99 < DEADLINE_MS,
		measured: `p99 ${result.latencyMs.p99} ms (p50 ${result.latencyMs.p50} ms, max ${result.latencyMs.max} ms; ${result.answered} pushes, ${result.requestsPerSecond} req/s; ${stillRunning} executions still running at the last reply)`,
		values: {
			concurrency,
			requests: result.answered,
			failed: result.failed,
			failures: result.failures.slice(0, 5),
			requestsPerSecond: result.requestsPerSecond,
			latencyMs: result.latencyMs,
			executionsRunningAtLastReply: stillRunning,
			executions: executions.byStatus,
			shortestExecutionMs: durations.minMs === null ? null : round1(durations.minMs),
		},
		notes,
	};
}
