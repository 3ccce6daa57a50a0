import * as n8nWorkflow from 'n8n-workflow';

/** Longest single timer of the fallback; after an abort at most this much of one is left. */
const STEP_MS = 1_000;

type SleepWithAbort = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The package runs against the n8n-workflow of the n8n it is installed in. n8n 2.8's has
 * sleepWithAbort, which cancels its timer; n8n 2.41's no longer has it, and a call to it threw,
 * which ended the connection loop after its first back-off or watchdog wait.
 */
function runtimeSleepWithAbort(): SleepWithAbort | undefined {
	const candidate = (n8nWorkflow as { sleepWithAbort?: unknown }).sleepWithAbort;
	return typeof candidate === 'function' ? (candidate as SleepWithAbort) : undefined;
}

/** sleepWithAbort leaves its listener on the signal after a normal wake-up: give it its own. */
async function sleepCancellingTimer(
	sleepWithAbort: SleepWithAbort,
	ms: number,
	signal: AbortSignal,
): Promise<boolean> {
	const child = new AbortController();
	const abort = () => child.abort();
	signal.addEventListener('abort', abort, { once: true });
	try {
		await sleepWithAbort(ms, child.signal);
		return !signal.aborted;
	} catch {
		return false;
	} finally {
		signal.removeEventListener('abort', abort);
	}
}

/**
 * Without sleepWithAbort, and with setTimeout and clearTimeout forbidden to community nodes, a
 * long wait is made of short `sleep` steps raced with the abort: after an abort, no timer
 * outlives it by more than one step.
 */
async function sleepInSteps(ms: number, signal: AbortSignal): Promise<boolean> {
	let onAbort: () => void = () => {};
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		const until = Date.now() + Math.max(0, ms);
		for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
			await Promise.race([n8nWorkflow.sleep(Math.min(left, STEP_MS)), aborted]);
			if (signal.aborted) return false;
		}
		return !signal.aborted;
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** Waits `ms`: true when the time is up, false at once when `signal` aborts (or already has). */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
	if (signal.aborted) return false;
	const sleepWithAbort = runtimeSleepWithAbort();
	return sleepWithAbort
		? await sleepCancellingTimer(sleepWithAbort, ms, signal)
		: await sleepInSteps(ms, signal);
}
