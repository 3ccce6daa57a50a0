import { sleep } from 'n8n-workflow';

import { MessageFieldError } from '../../shared/fieldError';

export interface PacingLimits {
	limit: number;
	windowMs: number;
}

/**
 * The limits one n8n process may use when `processes` processes (queue-mode workers) send to the
 * same robot: an equal share of the robot's limit per window, so that together they never exceed
 * it. More processes than messages per window cannot be paced apart (their first sends coincide).
 */
export function processShare({ limit, windowMs }: PacingLimits, processes: number): PacingLimits {
	const count = Math.max(1, Math.floor(processes));
	if (count > limit) {
		throw new MessageFieldError(
			'Processes Sending to This Robot',
			`${count} processes cannot share a Rate Limit of ${limit} messages per window`,
			'Set at most as many processes as the Rate Limit allows messages, or send through more robots',
		);
	}
	return { limit: Math.floor(limit / count), windowMs };
}

/** A reserved send; `done()` moves its time to when DingTalk answered, never earlier. */
export interface SendSlot {
	done(): void;
}

export class RobotBusyError extends Error {
	constructor(readonly waitMs: number) {
		super(`The robot already sent its maximum number of messages in the current window`);
		this.name = 'RobotBusyError';
	}
}

/**
 * Sliding-window pacing per robot, shared by every item and execution in this n8n process, so a
 * workflow never triggers DingTalk's 10-minute block (20 messages a minute per robot).
 */
export class RobotPacer {
	private readonly sent = new Map<string, number[]>();

	constructor(private readonly now: () => number = Date.now) {}

	/** Time in ms until a slot is free for this robot (0 if one is free now). */
	waitTime(key: string, { limit, windowMs }: PacingLimits): number {
		const times = this.prune(key, windowMs);
		if (times.length < limit) return 0;
		return Math.max(1, times[times.length - limit] + windowMs - this.now());
	}

	async acquire(key: string, limits: PacingLimits, failFast: boolean): Promise<SendSlot> {
		for (;;) {
			const wait = this.waitTime(key, limits);
			if (wait === 0) return this.reserve(key);
			if (failFast) throw new RobotBusyError(wait);
			await sleep(wait);
		}
	}

	/** Counts a send DingTalk throttled anyway (for example from another n8n instance). */
	markThrottled(key: string, limits: PacingLimits) {
		const times = this.prune(key, limits.windowMs);
		const now = this.now();
		while (times.length < limits.limit) times.push(now);
		this.sent.set(key, times);
	}

	size() {
		return this.sent.size;
	}

	private reserve(key: string): SendSlot {
		const times = this.sent.get(key) ?? [];
		this.sent.set(key, times);
		const entry = this.now();
		times.push(entry);
		return {
			done: () => {
				// The server counts the message when it receives it, which is after we reserved;
				// recording the answer time keeps our window at least as late as DingTalk's.
				const index = times.lastIndexOf(entry);
				if (index >= 0) times[index] = Math.max(entry, this.now());
				times.sort((a, b) => a - b);
			},
		};
	}

	private prune(key: string, windowMs: number): number[] {
		const times = this.sent.get(key);
		if (!times) return [];
		const cutoff = this.now() - windowMs;
		while (times.length > 0 && times[0] <= cutoff) times.shift();
		if (times.length === 0) this.sent.delete(key);
		return times;
	}
}

/** One pacer for the whole process: robots are shared across workflows. */
export const robotPacer = new RobotPacer();
