import { AppBudget } from '../../../../../nodes/DingTalkRobot/domain/aiCards/appBudget';
import {
	CardTextUpdater,
	ThrottledTooOften,
} from '../../../../../nodes/DingTalkRobot/domain/aiCards/cardTextUpdater';
import type { SendOutcome } from '../../../../../nodes/DingTalkRobot/domain/aiCards/cardTextUpdater';

const pause = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

interface Call {
	text: string;
	final: boolean;
}

/** A card that takes calls after `latencyMs`, refusing those `refuse` says, and checks one in flight. */
function fakeCard(options: { latencyMs?: number; refuse?: (call: number) => boolean } = {}) {
	const calls: Call[] = [];
	let inFlight = 0;
	let mostInFlight = 0;
	let attempts = 0;
	const send = async (text: string, final: boolean): Promise<SendOutcome> => {
		inFlight += 1;
		mostInFlight = Math.max(mostInFlight, inFlight);
		attempts += 1;
		await pause(options.latencyMs ?? 2);
		inFlight -= 1;
		if (options.refuse?.(attempts)) return 'throttled';
		calls.push({ text, final });
		return 'sent';
	};
	return { send, calls, mostInFlight: () => mostInFlight };
}

const options = (overrides: Partial<ConstructorParameters<typeof CardTextUpdater>[1]> = {}) => ({
	intervalMs: 40,
	backoffMs: 30,
	maxThrottled: 10,
	budget: new AppBudget(1000),
	...overrides,
});

describe('CardTextUpdater', () => {
	it('coalesces: fewer calls than chunks, one in flight, latest text wins, final text last', async () => {
		const card = fakeCard();
		const updater = new CardTextUpdater(card.send, options());
		let text = '';
		for (let chunk = 0; chunk < 60; chunk++) {
			text += `w${chunk} `;
			updater.update(text);
			await pause(3);
		}
		const stats = await updater.finish(text);
		expect(card.calls.length).toBeLessThan(20);
		expect(card.calls.length).toBeGreaterThan(2);
		expect(card.mostInFlight()).toBe(1);
		expect(card.calls.at(-1)).toEqual({ text, final: true });
		expect(card.calls.slice(0, -1).every((call) => !call.final)).toBe(true);
		for (const [index, call] of card.calls.entries()) {
			if (index > 0) expect(call.text.startsWith(card.calls[index - 1].text)).toBe(true);
		}
		expect(stats.updates).toBe(card.calls.length);
		expect(updater.deliveredText).toBe(text);
	});

	it('sends nothing before the first text, and finishes at once instead of waiting the interval', async () => {
		const card = fakeCard();
		const updater = new CardTextUpdater(card.send, options({ intervalMs: 5000 }));
		await pause(20);
		expect(card.calls).toEqual([]);
		updater.update('Hello');
		await pause(20);
		const started = Date.now();
		await updater.finish('Hello, world');
		expect(Date.now() - started).toBeLessThan(1000);
		expect(card.calls).toEqual([
			{ text: 'Hello', final: false },
			{ text: 'Hello, world', final: true },
		]);
	});

	it('backs off on refusals for the limit and still delivers the final text', async () => {
		const card = fakeCard({ refuse: (attempt) => attempt % 2 === 0 });
		const updater = new CardTextUpdater(card.send, options());
		let text = '';
		for (let chunk = 0; chunk < 20; chunk++) {
			text += `${chunk},`;
			updater.update(text);
			await pause(5);
		}
		const stats = await updater.finish(text);
		expect(stats.throttled).toBeGreaterThan(0);
		expect(card.calls.at(-1)).toEqual({ text, final: true });
	});

	it('gives up after too many refusals in a row', async () => {
		const card = fakeCard({ refuse: () => true });
		const updater = new CardTextUpdater(card.send, options({ maxThrottled: 3, backoffMs: 1 }));
		updater.update('x');
		await expect(updater.finish('xy')).rejects.toBeInstanceOf(ThrottledTooOften);
		expect(updater.stats.throttled).toBe(4);
	});

	it('stop ends without a final call', async () => {
		const card = fakeCard();
		const updater = new CardTextUpdater(card.send, options());
		updater.update('partial');
		await pause(20);
		await updater.stop();
		expect(card.calls).toEqual([{ text: 'partial', final: false }]);
	});

	it('a refused call for another reason fails finish', async () => {
		const updater = new CardTextUpdater(async () => {
			throw new Error('DingTalk said no');
		}, options());
		updater.update('x');
		await expect(updater.finish('x')).rejects.toThrow('DingTalk said no');
	});
});
