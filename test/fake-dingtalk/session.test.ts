import { FakeDingTalk } from './index';
import { manualClock, OK, postJson, textMessage } from './testClient';

const T0 = 1_700_000_000_000;
const NO_SESSION = { errcode: 300001, errmsg: 'session 不存在' };

describe('FakeDingTalk /robot/sendBySession', () => {
	const clock = manualClock(T0);
	const fake = new FakeDingTalk({
		now: clock.now,
		bannedWords: ['赌博'],
		robots: [{ token: 'strict', keywords: ['告警'], secret: 'SECx' }],
	});
	let base: string;
	let sessionUrl: string;

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => {
		fake.reset();
		clock.set(T0);
		sessionUrl = fake.addSession(T0 + 5_400_000);
	});

	it('returns the full sessionWebhook URL', () => {
		expect(sessionUrl).toMatch(new RegExp(`^${base}/robot/sendBySession\\?session=[0-9a-f]{32}$`));
		expect(fake.addSession(T0 + 1, 'my-session')).toBe(
			`${base}/robot/sendBySession?session=my-session`,
		);
	});

	it('accepts a message without token or signature and records it as via session', async () => {
		const message = textMessage('reply @user123', { at: { atUserIds: ['user123'] } });
		const answer = await postJson(sessionUrl, message);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual(OK);
		const sessionId = new URL(sessionUrl).searchParams.get('session');
		expect(fake.received).toEqual([
			{
				via: 'session',
				session: sessionId,
				body: message,
				msgtype: 'text',
				msgUuid: undefined,
				notified: { mobiles: [], userIds: ['user123'], all: false },
				receivedAt: T0,
			},
		]);
	});

	it.each([
		['an unknown session', () => `${base}/robot/sendBySession?session=nope`],
		['a missing session parameter', () => `${base}/robot/sendBySession`],
		['an empty session parameter', () => `${base}/robot/sendBySession?session=`],
	])('answers %s with 300001', async (_label, target) => {
		expect((await postJson(target(), textMessage('hi'))).json).toEqual(NO_SESSION);
		expect(fake.received).toHaveLength(0);
	});

	it('accepts until expiresAt and answers 300001 after it', async () => {
		const shortLived = fake.addSession(T0 + 1000);
		clock.set(T0 + 1000);
		expect((await postJson(shortLived, textMessage('hi'))).json).toEqual(OK);
		clock.set(T0 + 1001);
		expect((await postJson(shortLived, textMessage('hi'))).json).toEqual(NO_SESSION);
	});

	it('applies the transport checks', async () => {
		expect((await postJson(sessionUrl, textMessage('hi'), { method: 'GET' })).json.errcode).toBe(
			43002,
		);
		expect(
			(await postJson(sessionUrl, textMessage('hi'), { contentType: 'text/plain' })).json.errcode,
		).toBe(43004);
	});

	it('applies the size, JSON, schema and content-safety checks', async () => {
		const tooLong = JSON.stringify(textMessage('x'.repeat(20000)));
		expect((await postJson(sessionUrl, tooLong)).json.errcode).toBe(460101);
		expect((await postJson(sessionUrl, 'oops')).json).toEqual({
			errcode: 40035,
			errmsg: '缺少参数 json',
		});
		const misspelled = {
			msgtype: 'link',
			link: { title: 't', text: 'x', messageURL: 'https://e.com/' },
		};
		expect((await postJson(sessionUrl, misspelled)).json).toEqual({
			errcode: 40035,
			errmsg: '未知参数 link.messageURL',
		});
		expect((await postJson(sessionUrl, { msgtype: 'image' })).json.errcode).toBe(400105);
		expect((await postJson(sessionUrl, textMessage('赌博'))).json.errcode).toBe(430102);
		expect(fake.received).toHaveLength(0);
	});

	it('checks the session before the body', async () => {
		const expired = fake.addSession(T0 - 1);
		expect((await postJson(expired, 'oops')).json).toEqual(NO_SESSION);
	});

	it('treats a repeated msgUuid as an idempotent retry per session', async () => {
		const other = fake.addSession(T0 + 1000);
		const message = textMessage('hi', { msgUuid: 'retry-1' });
		expect((await postJson(sessionUrl, message)).json).toEqual(OK);
		expect((await postJson(sessionUrl, message)).json).toEqual(OK);
		expect((await postJson(other, message)).json).toEqual(OK);
		expect(fake.received).toHaveLength(2);
	});

	it('keeps sessions across reset()', async () => {
		fake.reset();
		expect((await postJson(sessionUrl, textMessage('hi'))).json).toEqual(OK);
	});
});
