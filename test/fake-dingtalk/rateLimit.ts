import type { RateLimitOptions } from './types';

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { limit: 20, windowMs: 60_000, banMs: 600_000 };

/**
 * Per-robot sliding window over accepted messages ("每个机器人每分钟最多发送20条消息到群里，如果超过20条，会限流10分钟").
 * A message counts while it is less than `windowMs` old. The request that would be number `limit + 1`
 * in the window is refused and starts a ban of `banMs`; a fresh window starts when the ban ends.
 */
export class RateLimiter {
	private readonly acceptedAt = new Map<string, number[]>();
	private readonly bannedUntil = new Map<string, number>();

	constructor(private readonly options: RateLimitOptions) {}

	isBanned(key: string, now: number): boolean {
		const until = this.bannedUntil.get(key);
		if (until === undefined) return false;
		if (now < until) return true;
		this.bannedUntil.delete(key);
		return false;
	}

	/** Counts one message for `key`, or refuses it and starts a ban when the window is full. */
	tryAdmit(key: string, now: number): boolean {
		const windowStart = now - this.options.windowMs;
		const recent = (this.acceptedAt.get(key) ?? []).filter((at) => at > windowStart);
		if (recent.length >= this.options.limit) {
			this.bannedUntil.set(key, now + this.options.banMs);
			this.acceptedAt.delete(key);
			return false;
		}
		recent.push(now);
		this.acceptedAt.set(key, recent);
		return true;
	}

	reset(): void {
		this.acceptedAt.clear();
		this.bannedUntil.clear();
	}
}
