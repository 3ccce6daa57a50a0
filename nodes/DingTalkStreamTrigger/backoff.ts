/**
 * Delay before the next attempt to reach the Stream gateway: exponential back-off with equal
 * jitter. Attempt n (0 for the first retry) waits between min(initial·2ⁿ, max/2) and
 * min(initial·2ⁿ⁺¹, max): half of the window fixed so the delay keeps growing, half random so
 * many clients refused at once do not all come back at the same instant.
 */

export const DEFAULT_BACKOFF_INITIAL_MS = 1_000;
export const DEFAULT_BACKOFF_MAX_MS = 60_000;

export interface BackoffOptions {
	/** Shortest delay, that of the first retry without jitter. Default 1 s. */
	initialMs?: number;
	/** Longest delay. Default 60 s. */
	maxMs?: number;
	/** A number in [0, 1); inject a fixed one to make the delay deterministic. Default Math.random. */
	random?: () => number;
}

function positiveOr(value: number | undefined, fallback: number): number {
	return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Milliseconds to wait before retry number `attempt` (0-based; negative or fractional counts as its floor, at least 0). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
	const initialMs = positiveOr(options.initialMs, DEFAULT_BACKOFF_INITIAL_MS);
	const maxMs = Math.max(initialMs, positiveOr(options.maxMs, DEFAULT_BACKOFF_MAX_MS));
	const step = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt)) : 0;
	// 2 ** 1100 is Infinity, which Math.min turns back into the cap.
	const ceiling = Math.min(maxMs, initialMs * 2 ** (step + 1));
	const floor = Math.max(initialMs, ceiling / 2);
	const drawn = (options.random ?? Math.random)();
	const fraction = Number.isFinite(drawn) ? Math.min(Math.max(drawn, 0), 1) : 0;
	return Math.round(floor + (ceiling - floor) * fraction);
}
