import { FakeDingTalk } from './index';
import {
	expectedSign,
	manualClock,
	OK,
	postJson,
	sendUrl,
	signedSendUrl,
	textMessage,
} from './testClient';

const SECRET = 'this is a secret';
const VECTOR_TIMESTAMP = 1577262236757;
const VECTOR_SIGN = 'DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=';
const HOUR = 3_600_000;

describe('FakeDingTalk /robot/send signature (rule 3)', () => {
	const clock = manualClock(VECTOR_TIMESTAMP + 5_000);
	const fake = new FakeDingTalk({
		now: clock.now,
		robots: [{ token: 'signed', secret: SECRET }, { token: 'unsigned' }],
	});
	let base: string;

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => {
		fake.reset();
		clock.set(VECTOR_TIMESTAMP + 5_000);
	});

	const send = (url: string) => postJson(url, textMessage('hello'));

	it('test helper reproduces the published vector', () => {
		expect(expectedSign(SECRET, VECTOR_TIMESTAMP)).toBe(VECTOR_SIGN);
	});

	it('accepts the published vector with the sign URL-encoded once', async () => {
		const url = sendUrl(base, 'signed', {
			timestamp: VECTOR_TIMESTAMP,
			rawSign: 'DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA%3D',
		});
		const answer = await send(url);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual(OK);
		expect(fake.received).toHaveLength(1);
		expect(fake.requests[0].query.sign).toBe(VECTOR_SIGN);
	});

	it('accepts a sign serialised by URLSearchParams (encoded once)', async () => {
		const query = new URLSearchParams({
			access_token: 'signed',
			timestamp: String(VECTOR_TIMESTAMP),
			sign: VECTOR_SIGN,
		});
		expect((await send(`${base}/robot/send?${query}`)).json).toEqual(OK);
	});

	it('rejects a double-encoded sign (%253D)', async () => {
		const url = sendUrl(base, 'signed', {
			timestamp: VECTOR_TIMESTAMP,
			rawSign: encodeURIComponent(encodeURIComponent(VECTOR_SIGN)),
		});
		expect(url).toContain('%253D');
		expect((await send(url)).json).toEqual({ errcode: 310000, errmsg: 'sign not match' });
		expect(fake.received).toHaveLength(0);
	});

	it("rejects an unencoded sign containing '+' (decoded to a space)", async () => {
		let timestamp = VECTOR_TIMESTAMP;
		while (!expectedSign(SECRET, timestamp).includes('+')) timestamp++;
		const rawSign = expectedSign(SECRET, timestamp);
		const answer = await send(sendUrl(base, 'signed', { timestamp, rawSign }));
		expect(answer.json).toEqual({ errcode: 310000, errmsg: 'sign not match' });
		// The same sign encoded once passes, so only the encoding was wrong.
		expect((await send(signedSendUrl(base, 'signed', SECRET, timestamp))).json).toEqual(OK);
	});

	it('rejects a sign made with another secret', async () => {
		const url = signedSendUrl(base, 'signed', 'SECwrong', VECTOR_TIMESTAMP);
		expect((await send(url)).json).toEqual({ errcode: 310000, errmsg: 'sign not match' });
	});

	it('rejects a sign computed for a different timestamp', async () => {
		const url = sendUrl(base, 'signed', {
			timestamp: VECTOR_TIMESTAMP + 1,
			rawSign: encodeURIComponent(VECTOR_SIGN),
		});
		expect((await send(url)).json).toEqual({ errcode: 310000, errmsg: 'sign not match' });
	});

	it('rejects a missing sign', async () => {
		const url = sendUrl(base, 'signed', { timestamp: VECTOR_TIMESTAMP });
		expect((await send(url)).json).toEqual({ errcode: 310000, errmsg: 'sign not match' });
	});

	it.each([
		['missing', undefined],
		['empty', ''],
		['non-numeric', 'abc'],
		['fractional', `${VECTOR_TIMESTAMP}.5`],
		['in seconds instead of milliseconds', Math.floor(VECTOR_TIMESTAMP / 1000)],
	])('rejects a timestamp that is %s', async (_label, timestamp) => {
		const rawSign = encodeURIComponent(expectedSign(SECRET, timestamp ?? ''));
		const answer = await send(sendUrl(base, 'signed', { timestamp, rawSign }));
		expect(answer.json).toEqual({ errcode: 310000, errmsg: 'invalid timestamp' });
		expect(fake.received).toHaveLength(0);
	});

	it.each([
		['exactly one hour old', -HOUR, OK],
		['one hour and 1 ms old', -HOUR - 1, { errcode: 310000, errmsg: 'invalid timestamp' }],
		['exactly one hour ahead', HOUR, OK],
		['one hour and 1 ms ahead', HOUR + 1, { errcode: 310000, errmsg: 'invalid timestamp' }],
	])('timestamp %s', async (_label, offset, expected) => {
		const timestamp = VECTOR_TIMESTAMP + 42;
		clock.set(timestamp - offset);
		expect((await send(signedSendUrl(base, 'signed', SECRET, timestamp))).json).toEqual(expected);
	});

	it('checks the timestamp against the injected clock, not the wall clock', async () => {
		const timestamp = Date.now();
		expect((await send(signedSendUrl(base, 'signed', SECRET, timestamp))).json).toEqual({
			errcode: 310000,
			errmsg: 'invalid timestamp',
		});
	});

	it('ignores timestamp and sign for a robot without a secret', async () => {
		const url = sendUrl(base, 'unsigned', { timestamp: 'garbage', rawSign: 'garbage' });
		expect((await send(url)).json).toEqual(OK);
	});
});
