import type { Clock } from './clock';
import { realClock } from './clock';

const WINDOW_MS = 1000;

/** Longest wait for a call in flight to end before the budget looks again. */
const IN_FLIGHT_STEP_MS = 50;

/**
 * The streaming calls one app may make per second, shared by every card the process fills at
 * the same time: a call waits until it fits, and a refusal for the limit (403 QpsLimit, 429)
 * pauses all of the app's cards for the back-off. DingTalk counts a call when it arrives, which
 * may be any time until it is answered, so a call holds its slot until a second after its answer
 * (counting from when it was granted let a late call and the next second's calls meet in one of
 * DingTalk's windows and be refused).
 */
export class AppBudget {
	/** Calls of the last second: answered at `endedAt`, in flight while it is Infinity. */
	private calls: Array<{ endedAt: number }> = [];
	private pausedUntil = 0;

	constructor(
		public callsPerSecond: number,
		private readonly clock: Clock = realClock,
	) {}

	/** Waits for a slot of the app's budget and takes it; call the result when the call ended. */
	async take(): Promise<() => void> {
		for (;;) {
			const now = this.clock.now();
			if (now < this.pausedUntil) {
				await this.clock.sleep(this.pausedUntil - now);
				continue;
			}
			this.calls = this.calls.filter((call) => now - call.endedAt < WINDOW_MS);
			if (this.calls.length < this.callsPerSecond) {
				const call = { endedAt: Infinity };
				this.calls.push(call);
				return () => (call.endedAt = Math.min(call.endedAt, this.clock.now()));
			}
			// A call answered later than the earliest one frees its slot later, too.
			const freeAt = Math.min(...this.calls.map((call) => call.endedAt + WINDOW_MS));
			await this.clock.sleep(Number.isFinite(freeAt) ? freeAt - now : IN_FLIGHT_STEP_MS);
		}
	}

	/** DingTalk refused a call for its limit: no call of the app for `ms`. */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}
}

const budgets = new Map<string, AppBudget>();

/**
 * The budget of an app in this process, by a key naming the app (no secret). The limit of the
 * latest caller applies, so a changed node setting takes effect without a restart.
 */
export function appBudgetFor(appKey: string, callsPerSecond: number): AppBudget {
	let budget = budgets.get(appKey);
	if (!budget) {
		budget = new AppBudget(callsPerSecond);
		budgets.set(appKey, budget);
	}
	budget.callsPerSecond = callsPerSecond;
	return budget;
}
