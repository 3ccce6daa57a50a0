// Starting workflows through real HTTP and reading what n8n recorded for them.
import type { ExecutionDetail } from '../../../scripts/n8n-executions';
import type { N8nInstance } from '../../../scripts/n8n-instance';

export interface HttpAnswer {
	status: number;
	/** Parsed JSON, or the text when the answer is not JSON. */
	body: unknown;
	text: string;
}

/** POSTs a body (an object is sent as JSON, a string as it is) and reads the whole answer. */
export async function post(
	url: string,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<HttpAnswer> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// Not JSON: keep the text.
	}
	return { status: response.status, body: parsed, text };
}

/** Runs `act`, then waits for exactly one new finished execution of the workflow and returns it. */
export async function withExecution<T>(
	n8n: N8nInstance,
	workflowId: string,
	act: () => Promise<T>,
): Promise<{ result: T; execution: ExecutionDetail }> {
	const before = (await n8n.executions.list(workflowId)).length;
	const result = await act();
	const executions = await n8n.executions.waitFor(workflowId, before + 1);
	return { result, execution: executions[executions.length - 1] };
}

/** Runs `act` and checks that no execution of the workflow started (waits 1.5 s for a late one). */
export async function withoutExecution<T>(
	n8n: N8nInstance,
	workflowId: string,
	act: () => Promise<T>,
): Promise<T> {
	const before = (await n8n.executions.list(workflowId)).length;
	const result = await act();
	await n8n.executions.waitFor(workflowId, before, { settleMs: 1500, timeoutMs: 10_000 });
	return result;
}

/** The error n8n recorded for a failed execution, with DingTalk's code when the node kept it. */
export function failureOf(execution: ExecutionDetail): {
	status: string;
	node?: string;
	message?: string;
	description?: string;
	errcode?: unknown;
	code?: unknown;
} {
	const error = execution.data.resultData.error;
	// DingTalk's code: a custom robot's errcode (a number) or the OpenAPI's code (a string).
	const context = (error?.context ?? {}) as { code?: unknown };
	return {
		status: execution.status,
		node: execution.data.resultData.lastNodeExecuted,
		message: error?.message,
		description: error?.description,
		errcode: typeof context.code === 'number' ? context.code : undefined,
		code: context.code,
	};
}

/** The execution once it no longer waits or runs (polled every 200 ms, for 30 s at most). */
export async function whenEnded(n8n: N8nInstance, executionId: string): Promise<ExecutionDetail> {
	for (let attempt = 0; attempt < 150; attempt++) {
		const current = await n8n.executions.get(executionId);
		if (!['waiting', 'running', 'new'].includes(current.status)) return current;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`execution ${executionId} still waits or runs`);
}

/**
 * The execution once a short "Limit Wait Time" has resumed it: n8n's wait tracker looks for due
 * executions about once a minute, so this waits up to 100 s for it to stop waiting.
 */
export async function afterTimeLimit(
	n8n: N8nInstance,
	executionId: string,
): Promise<ExecutionDetail> {
	let current = await n8n.executions.get(executionId);
	for (let waited = 0; current.status === 'waiting' && waited < 100_000; waited += 1000) {
		await new Promise((resolve) => setTimeout(resolve, 1000));
		current = await n8n.executions.get(executionId);
	}
	return await whenEnded(n8n, executionId);
}
