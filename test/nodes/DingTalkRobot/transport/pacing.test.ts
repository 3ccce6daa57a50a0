import { RobotBusyError, RobotPacer } from '../../../../nodes/DingTalkRobot/transport/pacing';

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
