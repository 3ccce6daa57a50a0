/**
 * Remembers recently seen message and event IDs so DingTalk's retries (an event is pushed again
 * after 10 s and 30 s when the first answer was late) start no second execution.
 *
 * Kept in module memory, keyed by workflow and node, rather than in workflow static data:
 * static data is only written back when an execution finishes, so a retry that arrives while
 * the first execution still runs (or a request that starts no execution at all) would not see
 * it, and two concurrent requests would read the same stale copy. Memory is checked and updated
 * synchronously, so two simultaneous deliveries cannot both pass. The price: the cache is per
 * process (lost on restart, not shared between several webhook processes in queue mode).
 *
 * Keys are kept as a fixed-size digest, so a signed request with a huge ID (or a legacy event
 * keyed by its whole content) costs no more memory than a normal one.
 */

import { createHash } from 'node:crypto';

export const DEFAULT_DEDUPE_MAX_ENTRIES = 5000;
export const MAX_DEDUPE_SCOPES = 500;

/**
 * Longest msgId or eventId accepted. Real ones are under 64 characters (msgId such as
 * `msgrK2xxxxU+riw==`, eventId 32 hex digits); 512 leaves room for a format change and still
 * refuses the absurd.
 */
export const MAX_MESSAGE_ID_LENGTH = 512;

/** 128 bits of SHA-256: collisions are out of reach, 22 characters a key. */
function digestOf(key: string): string {
	return createHash('sha256').update(key, 'utf8').digest().subarray(0, 16).toString('base64url');
}

export class TtlSet {
	/** Digest of a key → when it expires and, for a claimed key, a digest of who claimed it. */
	private readonly entries = new Map<string, { expiry: number; owner: string }>();

	constructor(private readonly maxEntries: number = DEFAULT_DEDUPE_MAX_ENTRIES) {}

	get size(): number {
		return this.entries.size;
	}

	/** Characters held in keys: what a flood of long IDs would cost in memory. */
	retainedKeyChars(): number {
		let total = 0;
		for (const key of this.entries.keys()) total += key.length;
		return total;
	}

	/**
	 * Records `key` for `ttlMs` and tells whether it was already recorded and unexpired.
	 * A duplicate does not extend the original window.
	 */
	checkAndAdd(key: string, ttlMs: number, nowMs: number): boolean {
		return !this.claim(key, '', ttlMs, nowMs).isNew;
	}

	/**
	 * Records that `key` belongs to `owner` for `ttlMs`, unless it is already recorded and
	 * unexpired: then tells whether the same owner holds it. Claiming again does not extend the
	 * original window.
	 */
	claim(
		key: string,
		owner: string,
		ttlMs: number,
		nowMs: number,
	): { isNew: true } | { isNew: false; sameOwner: boolean } {
		this.evictExpired(nowMs);
		const digest = digestOf(key);
		const ownerDigest = owner === '' ? '' : digestOf(owner);
		const entry = this.entries.get(digest);
		if (entry !== undefined && entry.expiry > nowMs) {
			return { isNew: false, sameOwner: entry.owner === ownerDigest };
		}
		this.entries.delete(digest);
		this.entries.set(digest, { expiry: nowMs + ttlMs, owner: ownerDigest });
		// Maps iterate in insertion order, so the first keys are the oldest.
		while (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next().value as string;
			this.entries.delete(oldest);
		}
		return { isNew: true };
	}

	/** Forgets `key`, e.g. when the execution it was recorded for could not be started. */
	delete(key: string): void {
		this.entries.delete(digestOf(key));
	}

	private evictExpired(nowMs: number): void {
		for (const [key, entry] of this.entries) {
			// Expiries mostly grow with insertion order, so stop at the first live entry. One that
			// outlives a later one only delays that one's eviction; lookups still see it expired.
			if (entry.expiry > nowMs) break;
			this.entries.delete(key);
		}
	}
}

/**
 * How long to remember an ID: the duplicate window, and at least until the signed timestamp
 * leaves the tolerance window, because until then the exact same request passes the signature
 * check again. Without a signed timestamp (Outgoing token) or a window (0 turns it off), only
 * the duplicate window counts.
 */
export function duplicateTtlMs(options: {
	minutes: number;
	signedAtMs?: number;
	windowMs: number;
	nowMs: number;
}): number {
	const { signedAtMs, windowMs, nowMs } = options;
	const signatureValidForMs =
		signedAtMs !== undefined && Number.isFinite(signedAtMs) && windowMs > 0
			? signedAtMs + windowMs - nowMs
			: 0;
	return Math.max(options.minutes * 60_000, signatureValidForMs);
}

const scopes = new Map<string, TtlSet>();

/** The cache of one trigger node; least recently used scopes are dropped beyond a bound. */
export function getDedupeCache(scope: string): TtlSet {
	let cache = scopes.get(scope);
	if (cache) {
		scopes.delete(scope);
	} else {
		cache = new TtlSet();
	}
	scopes.set(scope, cache);
	while (scopes.size > MAX_DEDUPE_SCOPES) {
		scopes.delete(scopes.keys().next().value as string);
	}
	return cache;
}

/** For tests: forget everything. */
export function clearDedupeCaches(): void {
	scopes.clear();
}
