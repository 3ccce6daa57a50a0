import type { Clock } from './clock';
import { realClock } from './clock';

const WINDOW_MS = 1000;

/**
 * The streaming calls one app may make per second, shared by every card the process fills at
 * the same time: a call waits until it fits in the last second, and a refusal for the limit
 * (403 QpsLimit, 429) pauses all of the app's cards for the back-off.
 */
export class AppBudget {
	private granted: number[] = [];
	private pausedUntil = 0;

	constructor(
		public callsPerSecond: number,
		private readonly clock: Clock = realClock,
	) {}

	/** Waits for a slot of the app's budget and takes it. */
	async take(): Promise<void> {
		for (;;) {
			const now = this.clock.now();
			if (now < this.pausedUntil) {
				await this.clock.sleep(this.pausedUntil - now);
				continue;
			}
			this.granted = this.granted.filter((at) => now - at < WINDOW_MS);
			if (this.granted.length < this.callsPerSecond) {
				this.granted.push(now);
				return;
			}
			await this.clock.sleep(this.granted[0] + WINDOW_MS - now);
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
