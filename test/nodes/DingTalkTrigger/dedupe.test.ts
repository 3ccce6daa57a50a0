import {
	clearDedupeCaches,
	getDedupeCache,
	MAX_DEDUPE_SCOPES,
	TtlSet,
} from '../../../nodes/DingTalkTrigger/dedupe';

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
