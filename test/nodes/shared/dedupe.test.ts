import {
	clearDedupeCaches,
	duplicateTtlMs,
	getDedupeCache,
	MAX_DEDUPE_SCOPES,
	TtlSet,
} from '../../../nodes/shared/dedupe';

describe('TtlSet', () => {
	it('reports a key again only within its TTL', () => {
		const set = new TtlSet();
		expect(set.checkAndAdd('a', 1000, 0)).toBe(false);
		expect(set.checkAndAdd('a', 1000, 999)).toBe(true);
		expect(set.checkAndAdd('a', 1000, 1000)).toBe(false);
		expect(set.checkAndAdd('a', 1000, 1500)).toBe(true);
	});

	it('does not extend the window when a duplicate arrives', () => {
		const set = new TtlSet();
		set.checkAndAdd('a', 1000, 0);
		expect(set.checkAndAdd('a', 1000, 900)).toBe(true);
		expect(set.checkAndAdd('a', 1000, 1001)).toBe(false);
	});

	it('claim: a key is free while unexpired only for the owner that claimed it', () => {
		const set = new TtlSet();
		expect(set.claim('sign', 'msg-1', 1000, 0)).toEqual({ isNew: true });
		expect(set.claim('sign', 'msg-1', 1000, 500)).toEqual({ isNew: false, sameOwner: true });
		expect(set.claim('sign', 'msg-2', 1000, 999)).toEqual({ isNew: false, sameOwner: false });
		expect(set.claim('sign', 'msg-2', 1000, 1000)).toEqual({ isNew: true });
	});

	it('stays bounded: the oldest keys go first', () => {
		const set = new TtlSet(3);
		for (const key of ['a', 'b', 'c', 'd']) set.checkAndAdd(key, 60_000, 0);
		expect(set.size).toBe(3);
		expect(set.checkAndAdd('b', 60_000, 1)).toBe(true);
		expect(set.checkAndAdd('a', 60_000, 1)).toBe(false);
	});

	it('drops expired keys as time passes', () => {
		const set = new TtlSet();
		for (let i = 0; i < 100; i++) set.checkAndAdd(`k${i}`, 10, i);
		set.checkAndAdd('late', 10, 1000);
		expect(set.size).toBe(1);
	});

	it('holds at most the configured number of entries under a flood', () => {
		const set = new TtlSet();
		for (let i = 0; i < 20_000; i++) set.checkAndAdd(`flood${i}`, 600_000, i);
		expect(set.size).toBe(5000);
	});
});

describe('dedupe scopes', () => {
	beforeEach(() => clearDedupeCaches());

	it('returns the same cache for a scope and bounds the number of scopes', () => {
		const first = getDedupeCache('wf:node:robot');
		expect(getDedupeCache('wf:node:robot')).toBe(first);
		for (let i = 0; i < MAX_DEDUPE_SCOPES + 10; i++) getDedupeCache(`scope${i}`);
		expect(getDedupeCache('wf:node:robot')).not.toBe(first);
	});
});

describe('TtlSet memory', () => {
	it('keeps a fixed-size digest of each key: 300 keys of 100 KB hold a few KB', () => {
		const set = new TtlSet();
		const long = 'k'.repeat(100_000);
		for (let i = 0; i < 300; i++) expect(set.checkAndAdd(`${long}${i}`, 60_000, 0)).toBe(false);
		expect(set.size).toBe(300);
		expect(set.retainedKeyChars()).toBeLessThanOrEqual(300 * 64);
		// Keys that differ only in their last character are still told apart, and recognised again.
		expect(set.checkAndAdd(`${long}299`, 60_000, 1)).toBe(true);
		expect(set.checkAndAdd(`${long}300`, 60_000, 1)).toBe(false);
	});

	it('lets each key carry its own lifetime', () => {
		const set = new TtlSet();
		set.checkAndAdd('long', 10_000, 0);
		set.checkAndAdd('short', 10, 0);
		expect(set.checkAndAdd('short', 10, 20)).toBe(false);
		expect(set.checkAndAdd('long', 10, 20)).toBe(true);
		expect(set.checkAndAdd('long', 10, 10_000)).toBe(false);
	});
});

describe('duplicateTtlMs', () => {
	const minute = 60_000;

	it('lasts until the signed timestamp leaves the tolerance when that is longer', () => {
		const nowMs = 1_000_000_000;
		const base = { minutes: 10, windowMs: 60 * minute, nowMs };
		expect(duplicateTtlMs({ ...base, signedAtMs: nowMs - minute })).toBe(59 * minute);
		expect(duplicateTtlMs({ ...base, signedAtMs: nowMs + 50 * minute })).toBe(110 * minute);
		expect(duplicateTtlMs({ ...base, signedAtMs: nowMs - 55 * minute })).toBe(10 * minute);
	});

	it('is the duplicate window alone without a signed timestamp or with the window off', () => {
		expect(duplicateTtlMs({ minutes: 10, windowMs: 3_600_000, nowMs: 0 })).toBe(10 * minute);
		expect(duplicateTtlMs({ minutes: 10, signedAtMs: 0, windowMs: 0, nowMs: 0 })).toBe(10 * minute);
		expect(duplicateTtlMs({ minutes: 10, signedAtMs: NaN, windowMs: 3_600_000, nowMs: 0 })).toBe(
			10 * minute,
		);
	});
});
