import { sleep } from 'n8n-workflow';

/** Longest single timer; after an abort at most this much of one is left running. */
const STEP_MS = 1_000;

/**
 * Waits `ms`: resolves true when the time is up, false at once when `signal` aborts (or already
 * has). Built on n8n-workflow's `sleep`, which every supported n8n has: the package runs against
 * the n8n-workflow of the n8n it is installed in, and n8n 2.41's no longer has `sleepWithAbort`
 * (a call to it threw, so the connection loop ended after its first back-off or watchdog wait).
 * The rules for community nodes forbid setTimeout and clearTimeout, so a long wait is made of
 * short `sleep` steps: after an abort, no timer outlives it by more than one step.
 */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
	if (signal.aborted) return false;
	let onAbort: () => void = () => {};
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		const until = Date.now() + Math.max(0, ms);
		for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
			await Promise.race([sleep(Math.min(left, STEP_MS)), aborted]);
			if (signal.aborted) return false;
		}
		return !signal.aborted;
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
