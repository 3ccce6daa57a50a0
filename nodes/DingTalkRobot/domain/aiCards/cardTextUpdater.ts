import type { AppBudget } from './appBudget';
import type { Clock } from './clock';
import { realClock } from './clock';

/** What one streaming call came to: delivered, or refused for DingTalk's call limit. */
export type SendOutcome = 'sent' | 'throttled';

/** Sends the card's whole text so far; `final` marks the last call (isFinalize). */
export type SendText = (text: string, final: boolean) => Promise<SendOutcome>;

/** Longest step of the wait between two calls: the end of an answer waits at most this long. */
const PACE_STEP_MS = 50;

export interface UpdaterOptions {
	/** Least time between two calls for one card. */
	intervalMs: number;
	/** Pause of the app's calls after a refusal for the limit. */
	backoffMs: number;
	/** Refusals for the limit in a row after which the card is given up. */
	maxThrottled: number;
	budget: AppBudget;
	clock?: Clock;
}

export interface UpdaterStats {
	/** Streaming calls DingTalk took, the final one included. */
	updates: number;
	/** Calls refused for the limit (and sent again later). */
	throttled: number;
	firstUpdateAt?: number;
	finishedAt?: number;
}

export class ThrottledTooOften extends Error {
	constructor(readonly refusals: number) {
		super(`DingTalk refused ${refusals} card updates in a row for its call limit`);
		this.name = 'ThrottledTooOften';
	}
}

/**
 * Fills one card from text that grows: coalesces (only the latest whole text is sent, with
 * `isFull`, so a refused call is healed by the next), keeps one call in flight, waits the
 * interval between calls and the app's budget before each, backs off when DingTalk refuses a
 * call for its limit, and always ends with the final text.
 */
export class CardTextUpdater {
	readonly stats: UpdaterStats = { updates: 0, throttled: 0 };
	private latest = '';
	private delivered = '';
	private ending: 'finish' | 'stop' | undefined;
	private wake?: () => void;
	private readonly loop: Promise<void>;
	private readonly clock: Clock;
	/** Why the card cannot be filled any more (DingTalk refused a call for good). */
	failure?: { error: unknown };

	constructor(
		private readonly send: SendText,
		private readonly options: UpdaterOptions,
	) {
		this.clock = options.clock ?? realClock;
		this.loop = this.run();
		// The failure is reported by finish() and `failure`; until then it must not go unhandled.
		this.loop.catch((error: unknown) => (this.failure = { error }));
	}

	/** The whole text so far. */
	update(text: string): void {
		this.latest = text;
		this.poke();
	}

	/** Sends the final text as soon as the card's pacing allows, and resolves when it is in. */
	async finish(text: string): Promise<UpdaterStats> {
		this.latest = text;
		this.end('finish');
		await this.loop;
		return this.stats;
	}

	/** Ends without a final call, after the call in flight (if any). */
	async stop(): Promise<UpdaterStats> {
		this.end('stop');
		try {
			await this.loop;
		} catch {
			// The caller is already failing the card for its own reason.
		}
		return this.stats;
	}

	/** The text DingTalk took last. */
	get deliveredText(): string {
		return this.delivered;
	}

	private end(how: 'finish' | 'stop'): void {
		this.ending ??= how;
		this.poke();
	}

	/** A method, not a field read: TypeScript would narrow the field across the awaits. */
	private stopped(): boolean {
		return this.ending === 'stop';
	}

	private poke(): void {
		const wake = this.wake;
		this.wake = undefined;
		wake?.();
	}

	private async changed(): Promise<void> {
		await new Promise<void>((resolve) => (this.wake = resolve));
	}

	private async run(): Promise<void> {
		let refusals = 0;
		for (;;) {
			while (this.ending === undefined && this.latest === this.delivered) await this.changed();
			if (this.ending === 'stop') return;
			const final = this.ending === 'finish';
			const text = this.latest;
			const release = await this.options.budget.take();
			let outcome: SendOutcome;
			try {
				if (this.stopped()) return;
				outcome = await this.send(text, final);
			} finally {
				release();
			}
			if (outcome === 'throttled') {
				this.stats.throttled += 1;
				refusals += 1;
				if (refusals > this.options.maxThrottled) throw new ThrottledTooOften(refusals);
				this.options.budget.pause(this.options.backoffMs);
				continue;
			}
			refusals = 0;
			this.delivered = text;
			this.stats.updates += 1;
			this.stats.firstUpdateAt ??= this.clock.now();
			if (final) {
				this.stats.finishedAt = this.clock.now();
				return;
			}
			await this.pace();
		}
	}

	/**
	 * Waits the interval in short steps, so the end of the answer is sent within a step and no
	 * timer outlives the card by more than one.
	 */
	private async pace(): Promise<void> {
		const until = this.clock.now() + this.options.intervalMs;
		for (let left = until - this.clock.now(); left > 0; left = until - this.clock.now()) {
			if (this.ending !== undefined) return;
			await this.clock.sleep(Math.min(left, PACE_STEP_MS));
		}
	}
}
