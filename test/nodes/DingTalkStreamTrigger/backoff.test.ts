import {
	backoffDelay,
	DEFAULT_BACKOFF_INITIAL_MS,
	DEFAULT_BACKOFF_MAX_MS,
} from '../../../nodes/DingTalkStreamTrigger/backoff';

const low = () => 0;
const high = () => 0.999999;
const middle = () => 0.5;

describe('backoffDelay', () => {
	it('defaults to 1 s and 60 s', () => {
		expect(DEFAULT_BACKOFF_INITIAL_MS).toBe(1000);
		expect(DEFAULT_BACKOFF_MAX_MS).toBe(60000);
		expect(backoffDelay(0, { random: low })).toBe(1000);
		expect(backoffDelay(50, { random: high })).toBe(60000);
	});

	it('doubles the window each attempt: [1, 2] s, [2, 4] s, [4, 8] s …', () => {
		const floors = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, { random: low }));
		const ceilings = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, { random: high }));
		expect(floors).toEqual([1000, 2000, 4000, 8000, 16000, 30000]);
		expect(ceilings).toEqual([2000, 4000, 8000, 16000, 32000, 60000]);
	});

	it('is half fixed, half random (equal jitter)', () => {
		expect(backoffDelay(2, { random: middle })).toBe(6000);
		expect(backoffDelay(10, { random: middle })).toBe(45000);
	});

	it('never leaves [initialMs, maxMs], even for huge attempts or odd random values', () => {
		for (const attempt of [0, 1, 7, 30, 1100, Number.MAX_SAFE_INTEGER, Infinity]) {
			for (const random of [low, middle, high, () => -3, () => 7, () => NaN]) {
				const delay = backoffDelay(attempt, { random });
				expect(delay).toBeGreaterThanOrEqual(1000);
				expect(delay).toBeLessThanOrEqual(60000);
			}
		}
		expect(backoffDelay(1100, { random: high })).toBe(60000);
	});

	it('treats negative, fractional and NaN attempts as attempt 0 or its floor', () => {
		expect(backoffDelay(-5, { random: high })).toBe(2000);
		expect(backoffDelay(NaN, { random: high })).toBe(2000);
		expect(backoffDelay(2.9, { random: low })).toBe(4000);
	});

	it('honours custom bounds and ignores invalid ones', () => {
		expect(backoffDelay(0, { initialMs: 200, maxMs: 1000, random: low })).toBe(200);
		expect(backoffDelay(10, { initialMs: 200, maxMs: 1000, random: high })).toBe(1000);
		expect(backoffDelay(0, { initialMs: -1, maxMs: 0, random: low })).toBe(1000);
		// A max below the initial delay is raised to it.
		expect(backoffDelay(3, { initialMs: 5000, maxMs: 10, random: high })).toBe(5000);
	});

	it('uses Math.random without an injected one', () => {
		const spy = jest.spyOn(Math, 'random').mockReturnValue(0.25);
		try {
			expect(backoffDelay(0)).toBe(1250);
			expect(spy).toHaveBeenCalledTimes(1);
		} finally {
			spy.mockRestore();
		}
	});
});
