import {
	AppBudget,
	appBudgetFor,
} from '../../../../../nodes/DingTalkRobot/domain/aiCards/appBudget';
import { virtualClock } from './virtualClock';

describe('AppBudget', () => {
	it('grants at most callsPerSecond calls in any second', async () => {
		const { clock, run, now } = virtualClock();
		const budget = new AppBudget(3, clock);
		const granted: number[] = [];
		await run(
			(async () => {
				for (let call = 0; call < 7; call++) {
					(await budget.take())();
					granted.push(now());
				}
			})(),
		);
		expect(granted).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
	});

	it('is shared: calls of several cards at once stay within the budget', async () => {
		const { clock, run, now } = virtualClock();
		const budget = new AppBudget(5, clock);
		const granted: number[] = [];
		await run(
			Promise.all(
				Array.from({ length: 4 }, async () => {
					for (let call = 0; call < 5; call++) {
						// Answered at once.
						(await budget.take())();
						granted.push(now());
					}
				}),
			),
		);
		expect(granted).toHaveLength(20);
		for (const at of granted) {
			expect(
				granted.filter((other) => other >= at && other < at + 1000).length,
			).toBeLessThanOrEqual(5);
		}
		expect(Math.max(...granted)).toBe(3000);
	});

	it('counts a call until a second after its answer: DingTalk counts it when it arrives, which may be late', async () => {
		const { clock, run, now } = virtualClock();
		const budget = new AppBudget(2, clock);
		// Each call reaches DingTalk (and is answered) after a latency of its own.
		const latencies = [300, 0, 0, 0, 0, 0];
		const arrivals: number[] = [];
		await run(
			Promise.all(
				latencies.map(async (latency) => {
					const release = await budget.take();
					await clock.sleep(latency);
					arrivals.push(now());
					release();
				}),
			),
		);
		expect(arrivals).toHaveLength(latencies.length);
		// DingTalk's window: at most 2 arrivals in any second.
		for (const at of arrivals) {
			expect(
				arrivals.filter((other) => other > at - 1000 && other <= at).length,
			).toBeLessThanOrEqual(2);
		}
	});

	it('pauses all calls after a refusal for the limit', async () => {
		const { clock, run, now } = virtualClock();
		const budget = new AppBudget(100, clock);
		await run(budget.take());
		budget.pause(2000);
		await run(budget.take());
		expect(now()).toBe(2000);
	});

	it('is one per app in the process, with the latest limit', () => {
		const first = appBudgetFor('app-key-a', 10);
		expect(appBudgetFor('app-key-a', 4)).toBe(first);
		expect(first.callsPerSecond).toBe(4);
		expect(appBudgetFor('app-key-b', 10)).not.toBe(first);
	});
});
