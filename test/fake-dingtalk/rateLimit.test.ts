import { FakeDingTalk, type FakeDingTalkOptions } from './index';
import { manualClock, OK, postJson, sendUrl, signedSendUrl, textMessage } from './testClient';

const T0 = 1_700_000_000_000;
const THROTTLED = { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' };

describe('FakeDingTalk rate limit (rule 9)', () => {
	const clock = manualClock(T0);
	const fakes: FakeDingTalk[] = [];

	async function startFake(options: FakeDingTalkOptions = {}) {
		const fake = new FakeDingTalk({
			now: clock.now,
			robots: [{ token: 'a' }, { token: 'b' }, { token: 'signed', secret: 'SECx' }],
			...options,
		});
		fakes.push(fake);
		const base = await fake.start();
		const send = (token = 'a', message: unknown = textMessage('hi')) =>
			postJson(sendUrl(base, token), message).then((answer) => answer.json);
		return { fake, base, send };
	}

	async function sendMany(send: () => Promise<unknown>, count: number) {
		const answers: unknown[] = [];
		for (let index = 0; index < count; index++) answers.push(await send());
		return answers;
	}

	beforeEach(() => clock.set(T0));
	afterEach(async () => {
		await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
	});

	it('accepts 20 messages a minute and throttles the 21st with 130101 by default', async () => {
		const { fake, send } = await startFake();
		const answers = await sendMany(() => send(), 20);
		expect(answers).toEqual(Array(20).fill(OK));
		clock.advance(59_999);
		expect(await send()).toEqual(THROTTLED);
		expect(fake.received).toHaveLength(20);
	});

	it('bans the robot for 10 minutes: every request in the ban is throttled, then it recovers', async () => {
		const { fake, send } = await startFake();
		await sendMany(() => send(), 20);
		expect(await send()).toEqual(THROTTLED); // ban starts at T0
		clock.set(T0 + 60_000); // the window has passed, the ban has not
		expect(await send()).toEqual(THROTTLED);
		clock.set(T0 + 599_999);
		expect(await send()).toEqual(THROTTLED);
		clock.set(T0 + 600_000);
		const afterBan = await sendMany(() => send(), 20);
		expect(afterBan).toEqual(Array(20).fill(OK));
		expect(await send()).toEqual(THROTTLED);
		expect(fake.received).toHaveLength(40);
	});

	describe('sliding window edges (limit 3 per 1000 ms)', () => {
		const rateLimit = { limit: 3, windowMs: 1000, banMs: 5000 };

		async function fillWindow() {
			const started = await startFake({ rateLimit });
			for (const at of [0, 400, 800]) {
				clock.set(T0 + at);
				expect(await started.send()).toEqual(OK);
			}
			return started;
		}

		it('still counts a message 999 ms old', async () => {
			const { send } = await fillWindow();
			clock.set(T0 + 999);
			expect(await send()).toEqual(THROTTLED);
		});

		it('no longer counts a message exactly windowMs old', async () => {
			const { send } = await fillWindow();
			clock.set(T0 + 1000);
			expect(await send()).toEqual(OK);
			clock.set(T0 + 1001); // window (1, 1001] holds 400, 800, 1000
			expect(await send()).toEqual(THROTTLED);
		});

		it('uses the configured ban length', async () => {
			const { send } = await fillWindow();
			clock.set(T0 + 900);
			expect(await send()).toEqual(THROTTLED);
			clock.set(T0 + 5899);
			expect(await send()).toEqual(THROTTLED);
			clock.set(T0 + 5900);
			expect(await send()).toEqual(OK);
		});
	});

	it('counts per robot', async () => {
		const { send } = await startFake({ rateLimit: { limit: 2, windowMs: 60_000, banMs: 600_000 } });
		await sendMany(() => send('a'), 2);
		expect(await send('a')).toEqual(THROTTLED);
		expect(await send('b')).toEqual(OK);
		expect(await send('b')).toEqual(OK);
		expect(await send('b')).toEqual(THROTTLED);
	});

	it('does not count rejected messages', async () => {
		const { send } = await startFake({ rateLimit: { limit: 2, windowMs: 60_000, banMs: 600_000 } });
		await sendMany(() => send('a', { msgtype: 'text', text: {} }), 5);
		expect(await sendMany(() => send(), 2)).toEqual([OK, OK]);
	});

	it('does not count a repeated msgUuid, but a banned robot throttles it too', async () => {
		const { fake, send } = await startFake({
			rateLimit: { limit: 3, windowMs: 60_000, banMs: 600_000 },
		});
		const withUuid = (uuid: string) => textMessage('hi', { msgUuid: uuid });
		expect(await send('a', withUuid('u1'))).toEqual(OK);
		expect(await send('a', withUuid('u2'))).toEqual(OK);
		expect(await sendMany(() => send('a', withUuid('u1')), 5)).toEqual(Array(5).fill(OK));
		expect(await send('a', withUuid('u3'))).toEqual(OK);
		expect(await send('a', withUuid('u4'))).toEqual(THROTTLED);
		expect(await send('a', withUuid('u1'))).toEqual(THROTTLED);
		expect(fake.received.map((message) => message.msgUuid)).toEqual(['u1', 'u2', 'u3']);
	});

	it('answers a request that fails an earlier check with that check, even during a ban', async () => {
		const { base, send } = await startFake({
			rateLimit: { limit: 1, windowMs: 60_000, banMs: 600_000 },
		});
		const signed = () => postJson(signedSendUrl(base, 'signed', 'SECx', T0), textMessage('hi'));
		expect((await signed()).json).toEqual(OK);
		expect((await signed()).json).toEqual(THROTTLED);
		expect(await send('signed')).toEqual({ errcode: 310000, errmsg: 'invalid timestamp' });
		expect((await signed()).json).toEqual(THROTTLED);
	});

	it.each([
		[410100, '发送速度太快而限流'],
		[660026, 'sending too many messages per minute'],
	])('can answer with throttle errcode %d', async (throttleErrcode, errmsg) => {
		const { send } = await startFake({
			throttleErrcode,
			rateLimit: { limit: 1, windowMs: 60_000, banMs: 600_000 },
		});
		expect(await send()).toEqual(OK);
		expect(await send()).toEqual({ errcode: throttleErrcode, errmsg });
	});

	it('refuses an unknown throttle errcode', () => {
		expect(() => new FakeDingTalk({ throttleErrcode: 429 })).toThrow(/throttleErrcode/);
	});

	it('reset() lifts a ban and empties the window', async () => {
		const { fake, send } = await startFake({
			rateLimit: { limit: 1, windowMs: 60_000, banMs: 600_000 },
		});
		expect(await send()).toEqual(OK);
		expect(await send()).toEqual(THROTTLED);
		fake.reset();
		expect(await send()).toEqual(OK);
		expect(await send()).toEqual(THROTTLED);
	});
});
