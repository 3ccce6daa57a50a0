import { RateLimiter } from '../../../fake-dingtalk/rateLimit';
import type { PacingLimits } from '../../../../nodes/DingTalkRobot/transport/pacing';
import {
	processShare,
	RobotBusyError,
	RobotPacer,
} from '../../../../nodes/DingTalkRobot/transport/pacing';

describe('RobotPacer', () => {
	let clock = 0;
	const limits = { limit: 3, windowMs: 1000 };
	const pacer = () => new RobotPacer(() => clock);

	beforeEach(() => {
		clock = 10_000;
	});

	it('gives out the limit at once, then says how long until the oldest send leaves the window', async () => {
		const p = pacer();
		for (let i = 0; i < 3; i++) (await p.acquire('a', limits, true)).done();
		expect(p.waitTime('a', limits)).toBe(1000);
		clock += 400;
		expect(p.waitTime('a', limits)).toBe(600);
		clock += 600;
		expect(p.waitTime('a', limits)).toBe(0);
	});

	it('keeps robots apart', async () => {
		const p = pacer();
		for (let i = 0; i < 3; i++) (await p.acquire('a', limits, true)).done();
		expect(p.waitTime('b', limits)).toBe(0);
	});

	it('fails fast with the wait time when asked to', async () => {
		const p = pacer();
		for (let i = 0; i < 3; i++) (await p.acquire('a', limits, true)).done();
		clock += 250;
		await expect(p.acquire('a', limits, true)).rejects.toEqual(expect.any(RobotBusyError));
		await expect(p.acquire('a', limits, true)).rejects.toMatchObject({ waitMs: 750 });
	});

	it('counts a send from when DingTalk answered, not from when it was reserved', async () => {
		const p = pacer();
		const one = { limit: 1, windowMs: 1000 };
		const slot = await p.acquire('a', one, true);
		clock += 300; // DingTalk answered 300 ms after the reservation
		slot.done();
		clock += 700; // 1000 ms after the reservation, only 700 ms after the answer
		expect(p.waitTime('a', one)).toBe(300);
	});

	it('fills the window after DingTalk throttled the robot anyway', async () => {
		const p = pacer();
		(await p.acquire('a', limits, true)).done();
		p.markThrottled('a', limits);
		expect(p.waitTime('a', limits)).toBe(1000);
	});

	it('forgets robots whose window has emptied, so memory stays bounded', async () => {
		const p = pacer();
		for (const key of ['a', 'b', 'c']) (await p.acquire(key, limits, true)).done();
		expect(p.size()).toBe(3);
		clock += 1000;
		for (const key of ['a', 'b', 'c']) p.waitTime(key, limits);
		expect(p.size()).toBe(0);
	});

	it('waits for a free slot with a real sleep when not failing fast', async () => {
		let now = Date.now();
		const p = new RobotPacer(() => now);
		const small = { limit: 1, windowMs: 50 };
		(await p.acquire('w', small, false)).done();
		now = Date.now();
		const started = Date.now();
		const waiting = p.acquire('w', small, false);
		// Let the pacer's clock follow real time while it sleeps.
		const ticker = setInterval(() => (now = Date.now()), 5);
		await waiting;
		clearInterval(ticker);
		expect(Date.now() - started).toBeGreaterThanOrEqual(40);
	});
});

describe('processShare', () => {
	/** Each pacer sends all it may at `now`; the fake DingTalk's window admits or refuses each. */
	async function sendGreedily(
		pacers: RobotPacer[],
		limits: PacingLimits,
		dingTalk: RateLimiter,
		now: number,
	) {
		let sent = 0;
		let refused = 0;
		for (const pacer of pacers) {
			while (pacer.waitTime('robot', limits) === 0) {
				(await pacer.acquire('robot', limits, true)).done();
				if (!dingTalk.isBanned('robot', now) && dingTalk.tryAdmit('robot', now)) sent++;
				else refused++;
			}
		}
		return { sent, refused };
	}

	it('splits the limit equally, rounding down', () => {
		expect(processShare({ limit: 20, windowMs: 60_000 }, 1)).toEqual({
			limit: 20,
			windowMs: 60_000,
		});
		expect(processShare({ limit: 20, windowMs: 60_000 }, 2)).toEqual({
			limit: 10,
			windowMs: 60_000,
		});
		expect(processShare({ limit: 20, windowMs: 60_000 }, 3)).toEqual({
			limit: 6,
			windowMs: 60_000,
		});
	});

	it('refuses more processes than the robot allows messages per window, naming the option', () => {
		expect(() => processShare({ limit: 20, windowMs: 60_000 }, 21)).toThrow(
			expect.objectContaining({
				name: 'MessageFieldError',
				field: 'Processes Sending to This Robot',
				message: '21 processes cannot share a Rate Limit of 20 messages per window',
			}),
		);
	});

	it('treats a missing or fractional process count as at least one whole process', () => {
		expect(processShare({ limit: 20, windowMs: 60_000 }, 0)).toEqual({
			limit: 20,
			windowMs: 60_000,
		});
		expect(processShare({ limit: 20, windowMs: 60_000 }, 2.7)).toEqual({
			limit: 10,
			windowMs: 60_000,
		});
	});

	// N processes, each with its own pacer sending as fast as its share allows, against the fake
	// DingTalk's per-robot window: the robot is never throttled, and the share is not wasteful.
	it.each([1, 2, 3, 7, 20])(
		'%i greedy processes together never exceed the robot limit',
		async (n) => {
			const robot = { limit: 20, windowMs: 60_000 };
			let now = 0;
			const dingTalk = new RateLimiter({ ...robot, banMs: 600_000 });
			const pacers = Array.from({ length: n }, () => new RobotPacer(() => now));
			const share = processShare(robot, n);
			let refused = 0;
			let sent = 0;
			for (now = 0; now < 10 * robot.windowMs; now += 250) {
				const counts = await sendGreedily(pacers, share, dingTalk, now);
				sent += counts.sent;
				refused += counts.refused;
			}
			expect(refused).toBe(0);
			// Over ten windows the processes together use at least half of what the robot allows.
			expect(sent).toBeGreaterThanOrEqual(10 * robot.limit * 0.5);
		},
	);

	it('without a share, two processes get the robot throttled', async () => {
		const robot = { limit: 20, windowMs: 60_000 };
		const dingTalk = new RateLimiter({ ...robot, banMs: 600_000 });
		const pacers = [new RobotPacer(() => 0), new RobotPacer(() => 0)];
		const { refused } = await sendGreedily(pacers, robot, dingTalk, 0);
		expect(refused).toBe(20);
	});
});
