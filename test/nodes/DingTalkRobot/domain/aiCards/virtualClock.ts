import type { Clock } from '../../../../../nodes/DingTalkRobot/domain/aiCards/clock';

/**
 * A clock for pacing tests: time stands still until every waiter sleeps, then jumps to the
 * earliest wake-up. `run` drives it until the given work is done.
 */
export function virtualClock() {
	let time = 0;
	const timers: Array<{ at: number; wake: () => void }> = [];
	const clock: Clock = {
		now: () => time,
		sleep: async (ms) =>
			await new Promise<void>((wake) => timers.push({ at: time + Math.max(0, ms), wake })),
	};
	const settle = async () => await new Promise((resolve) => setImmediate(resolve));
	async function run<T>(work: Promise<T>): Promise<T> {
		let done = false;
		const finished = work.finally(() => (done = true));
		for (;;) {
			await settle();
			if (done) return await finished;
			timers.sort((a, b) => a.at - b.at);
			const next = timers.shift();
			if (!next) throw new Error('the work waits for nothing the clock drives');
			time = Math.max(time, next.at);
			next.wake();
		}
	}
	return { clock, run, now: () => time };
}
