// Counting executions in the instance's database without loading their data: a benchmark or load
// run starts thousands. Wraps queryDatabase from scripts/n8n-executions.ts.
import { isFinal, queryDatabase, type ExecutionStatus } from '../../scripts/n8n-executions';

export interface ExecutionCounts {
	total: number;
	finished: number;
	byStatus: Partial<Record<ExecutionStatus, number>>;
}

export async function countExecutions(
	userFolder: string,
	workflowId: string,
): Promise<ExecutionCounts> {
	const rows = await queryDatabase<{ status: ExecutionStatus; count: number }>(
		userFolder,
		`SELECT status, COUNT(*) AS count FROM execution_entity
		 WHERE workflowId = ? AND deletedAt IS NULL GROUP BY status`,
		[workflowId],
	);
	const counts: ExecutionCounts = { total: 0, finished: 0, byStatus: {} };
	for (const row of rows) {
		counts.byStatus[row.status] = row.count;
		counts.total += row.count;
		if (isFinal(row.status)) counts.finished += row.count;
	}
	return counts;
}

/**
 * Waits until every execution of the workflow has finished and, when `expected` is given, there
 * are that many; bounded by `timeoutMs`. Returns the last counts either way.
 */
export async function waitForExecutions(
	userFolder: string,
	workflowId: string,
	options: { expected?: number; timeoutMs: number; settleMs?: number },
): Promise<ExecutionCounts & { settled: boolean }> {
	const deadline = Date.now() + options.timeoutMs;
	const settleMs = options.settleMs ?? 500;
	let stableSince: number | undefined;
	let last = '';
	for (;;) {
		const counts = await countExecutions(userFolder, workflowId);
		const done =
			counts.finished === counts.total &&
			(options.expected === undefined || counts.total >= options.expected);
		const key = JSON.stringify(counts);
		if (done && key === last) {
			stableSince ??= Date.now();
			if (Date.now() - stableSince >= settleMs) return { ...counts, settled: true };
		} else {
			stableSince = undefined;
		}
		last = key;
		if (Date.now() > deadline) return { ...counts, settled: false };
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** Shortest and longest run time (ms) of the workflow's finished executions. */
export async function executionDurations(
	userFolder: string,
	workflowId: string,
): Promise<{ count: number; minMs: number | null; maxMs: number | null }> {
	const [row] = await queryDatabase<{ count: number; minMs: number | null; maxMs: number | null }>(
		userFolder,
		`SELECT COUNT(*) AS count,
		        MIN((julianday(stoppedAt) - julianday(startedAt)) * 86400000) AS minMs,
		        MAX((julianday(stoppedAt) - julianday(startedAt)) * 86400000) AS maxMs
		 FROM execution_entity
		 WHERE workflowId = ? AND deletedAt IS NULL AND stoppedAt IS NOT NULL AND startedAt IS NOT NULL`,
		[workflowId],
	);
	return row ?? { count: 0, minMs: null, maxMs: null };
}
