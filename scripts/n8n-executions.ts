// Reads executions straight from the instance's SQLite database, read-only, with the sqlite3 and
// flatted modules of the n8n install itself.
//
// Why not the public API: it needs an owner and an API key first, lists only finished executions
// (a running one is invisible, which hides "started twice"), and works only while `n8n start` runs.
// The database also sees `n8n execute` runs and stays readable after n8n stops. n8n is pinned, so
// the schema is fixed; n8n writes an execution's row and its data in one transaction, and the
// database is in WAL mode, so a reader never sees half an update.
import { queryDatabase } from './n8n-database';
import { requireFromN8n } from './n8n-runtime';

export { queryDatabase };

export type ExecutionStatus =
	| 'new'
	| 'running'
	| 'waiting'
	| 'success'
	| 'error'
	| 'crashed'
	| 'canceled'
	| 'unknown';

const FINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set([
	'success',
	'error',
	'crashed',
	'canceled',
]);

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: ExecutionStatus;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
}

export interface NodeRun {
	executionStatus?: string;
	error?: { message?: string; description?: string; [key: string]: unknown };
	data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
}

/** The parts of n8n's IRunExecutionData the tests read. */
export interface ExecutionData {
	resultData: {
		runData: Record<string, NodeRun[]>;
		lastNodeExecuted?: string;
		error?: { message?: string; description?: string; [key: string]: unknown };
	};
}

export interface ExecutionDetail extends ExecutionSummary {
	data: ExecutionData;
}

export function isFinal(status: ExecutionStatus): boolean {
	return FINAL_STATUSES.has(status);
}

/** JSON of every item a node put on an output (first run of the node unless told otherwise). */
export function nodeOutput(
	data: ExecutionData,
	nodeName: string,
	options: { output?: number; run?: number } = {},
): Array<Record<string, unknown>> {
	const runs = data.resultData.runData[nodeName];
	if (!runs) {
		const ran = Object.keys(data.resultData.runData).join(', ') || 'none';
		throw new Error(`Node "${nodeName}" did not run (nodes that ran: ${ran})`);
	}
	const items = runs[options.run ?? 0]?.data?.main?.[options.output ?? 0] ?? [];
	return items.map((item) => item.json);
}

interface ExecutionRow {
	id: number;
	workflowId: string;
	mode: string;
	status: ExecutionStatus;
	finished: number;
	startedAt: string | null;
	stoppedAt: string | null;
	storedAt: string | null;
	data?: string | null;
}

export class ExecutionStore {
	constructor(private readonly userFolder: string) {}

	/** Executions of a workflow (all workflows when omitted), oldest first. */
	async list(workflowId?: string): Promise<ExecutionSummary[]> {
		const rows = await this.query<ExecutionRow>(
			`SELECT id, workflowId, mode, status, finished, startedAt, stoppedAt, storedAt
			 FROM execution_entity
			 WHERE deletedAt IS NULL ${workflowId ? 'AND workflowId = ?' : ''}
			 ORDER BY id`,
			workflowId ? [workflowId] : [],
		);
		return rows.map(toSummary);
	}

	async get(executionId: string): Promise<ExecutionDetail> {
		const [row] = await this.query<ExecutionRow>(
			`SELECT e.id, e.workflowId, e.mode, e.status, e.finished, e.startedAt, e.stoppedAt, e.storedAt, d.data
			 FROM execution_entity e JOIN execution_data d ON d.executionId = e.id
			 WHERE e.id = ?`,
			[Number(executionId)],
		);
		if (!row) throw new Error(`Execution ${executionId} not found`);
		if (row.storedAt !== null && row.storedAt !== 'db') {
			throw new Error(
				`Execution ${executionId} keeps its data in "${row.storedAt}", not in the database`,
			);
		}
		const { parse } = requireFromN8n<{ parse: (text: string) => unknown }>('flatted');
		return { ...toSummary(row), data: parse(row.data ?? '') as ExecutionData };
	}

	/**
	 * Waits until the workflow has `count` executions, all finished, and no further one starts for
	 * `settleMs` (so "exactly one" also means "not a second one a moment later"). `statuses` widens
	 * what counts as settled, e.g. ['success', 'waiting'] for a run that parks in a Wait node.
	 */
	async waitFor(
		workflowId: string,
		count: number,
		options: {
			timeoutMs?: number;
			settleMs?: number;
			pollMs?: number;
			statuses?: ExecutionStatus[];
		} = {},
	): Promise<ExecutionDetail[]> {
		const { timeoutMs = 30_000, settleMs = 750, pollMs = 100 } = options;
		const settled = (status: ExecutionStatus) =>
			options.statuses ? options.statuses.includes(status) : isFinal(status);
		const deadline = Date.now() + timeoutMs;
		let settledSince: number | undefined;
		let executions: ExecutionSummary[] = [];
		for (;;) {
			executions = await this.list(workflowId);
			const done =
				executions.length >= count && executions.every((execution) => settled(execution.status));
			if (executions.length > count) break;
			if (done) {
				settledSince ??= Date.now();
				if (Date.now() - settledSince >= settleMs) break;
			} else {
				settledSince = undefined;
			}
			if (Date.now() > deadline) break;
			await new Promise((resolve) => setTimeout(resolve, pollMs));
		}
		if (
			executions.length !== count ||
			!executions.every((execution) => settled(execution.status))
		) {
			const seen =
				executions.map((execution) => `#${execution.id} ${execution.status}`).join(', ') || 'none';
			throw new Error(
				`Expected ${count} ${options.statuses?.join('/') ?? 'finished'} execution(s) of workflow ${workflowId}, saw: ${seen}`,
			);
		}
		return await Promise.all(executions.map(async (execution) => await this.get(execution.id)));
	}

	private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
		return await queryDatabase<T>(this.userFolder, sql, params);
	}
}

function toSummary(row: ExecutionRow): ExecutionSummary {
	return {
		id: String(row.id),
		workflowId: row.workflowId,
		mode: row.mode,
		status: row.status,
		finished: row.finished === 1,
		startedAt: row.startedAt,
		stoppedAt: row.stoppedAt,
	};
}
