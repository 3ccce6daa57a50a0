import { FakeDingTalk } from './index';
import { manualClock, OK, postJson, sendUrl, signedSendUrl, textMessage } from './testClient';

const T0 = 1_700_000_000_000;

describe('FakeDingTalk /robot/send', () => {
	const clock = manualClock(T0);
	const fake = new FakeDingTalk({
		now: clock.now,
		bannedWords: ['赌博'],
		robots: [
			{ token: 'plain' },
			{ token: 'other' },
			{ token: 'signed', secret: 'SECtest' },
			{ token: 'off', disabled: true, secret: 'SECtest' },
			{ token: 'gone', groupDisbanded: true },
			{ token: 'keywords', keywords: ['告警', 'alert'] },
			{ token: 'remote-only', ipAllowList: ['10.1.2.3', '192.168.0.0/16'] },
			{ token: 'local-ip', ipAllowList: ['10.1.2.3', '127.0.0.1'] },
			{ token: 'local-cidr', ipAllowList: ['127.0.0.0/8'] },
			{ token: 'signed-remote', secret: 'SECtest', ipAllowList: ['10.1.2.3'] },
			{
				token: 'team',
				members: [{ mobile: '13800000001', userId: 'alice' }, { userId: 'bob' }],
			},
		],
	});
	let base: string;
	const url = (token?: string) => sendUrl(base, token);

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => {
		fake.reset();
		clock.set(T0);
	});

	describe('rule 1: method and Content-Type', () => {
		it.each(['GET', 'PUT', 'DELETE'])('answers %s with 43002 (HTTP 200)', async (method) => {
			const answer = await postJson(url('plain'), textMessage('hi'), { method });
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual({ errcode: 43002, errmsg: '需要POST请求' });
			expect(fake.received).toHaveLength(0);
		});

		it('checks the method before the token', async () => {
			const answer = await postJson(url(undefined), textMessage('hi'), { method: 'GET' });
			expect(answer.json.errcode).toBe(43002);
		});

		it.each([
			['no Content-Type', null],
			['text/plain', 'text/plain;charset=UTF-8'],
			['form encoding', 'application/x-www-form-urlencoded'],
			['a JSON-like type', 'application/jsonp'],
		])('answers %s with 43004', async (_label, contentType) => {
			const answer = await postJson(url('plain'), textMessage('hi'), { contentType });
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual({ errcode: 43004, errmsg: '无效的HTTP HEADER Content-Type' });
		});

		it('checks the Content-Type before the token', async () => {
			const answer = await postJson(url('nope'), textMessage('hi'), { contentType: 'text/plain' });
			expect(answer.json.errcode).toBe(43004);
		});

		it.each([
			'application/json',
			'application/json;charset=utf-8',
			'Application/JSON; charset=UTF-8',
		])('accepts Content-Type %s', async (contentType) => {
			expect((await postJson(url('plain'), textMessage('hi'), { contentType })).json).toEqual(OK);
		});
	});

	describe('rule 2: token and robot state', () => {
		it.each([
			['missing', undefined],
			['empty', ''],
		])('answers a %s access_token with 40035', async (_label, token) => {
			const answer = await postJson(url(token), textMessage('hi'));
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual({ errcode: 40035, errmsg: '缺少参数 access_token' });
		});

		it('answers an unknown token with 300005', async () => {
			expect((await postJson(url('unknown'), textMessage('hi'))).json).toEqual({
				errcode: 300005,
				errmsg: 'token is not exist',
			});
		});

		it('answers a disabled robot with 400102 before checking its signature', async () => {
			expect((await postJson(url('off'), textMessage('hi'))).json).toEqual({
				errcode: 400102,
				errmsg: '机器人已停用',
			});
		});

		it('answers a robot of a disbanded group with 400013', async () => {
			expect((await postJson(url('gone'), textMessage('hi'))).json).toEqual({
				errcode: 400013,
				errmsg: '群已被解散',
			});
		});

		it('checks the token before the body', async () => {
			expect((await postJson(url('unknown'), 'not json')).json.errcode).toBe(300005);
		});

		it('uses a robot added after start and replaced later', async () => {
			fake.addRobot({ token: 'late' });
			expect((await postJson(url('late'), textMessage('hi'))).json).toEqual(OK);
			fake.addRobot({ token: 'late', disabled: true });
			expect((await postJson(url('late'), textMessage('hi'))).json.errcode).toBe(400102);
		});
	});

	describe('rule 4: IP whitelist', () => {
		it('rejects a caller outside the whitelist with its IP in the message', async () => {
			expect((await postJson(url('remote-only'), textMessage('hi'))).json).toEqual({
				errcode: 310000,
				errmsg: 'ip 127.0.0.1 not in whitelist',
			});
			expect(fake.received).toHaveLength(0);
		});

		it.each(['local-ip', 'local-cidr'])('accepts a whitelisted caller (%s)', async (token) => {
			expect((await postJson(url(token), textMessage('hi'))).json).toEqual(OK);
		});

		it('checks the signature before the whitelist', async () => {
			expect((await postJson(url('signed-remote'), textMessage('hi'))).json).toEqual({
				errcode: 310000,
				errmsg: 'invalid timestamp',
			});
			const signed = signedSendUrl(base, 'signed-remote', 'SECtest', T0);
			expect((await postJson(signed, textMessage('hi'))).json.errmsg).toBe(
				'ip 127.0.0.1 not in whitelist',
			);
		});
	});

	describe('rule 5: size and JSON', () => {
		const bodyOfBytes = (bytes: number) => {
			const frame = JSON.stringify(textMessage(''));
			return JSON.stringify(textMessage('x'.repeat(bytes - Buffer.byteLength(frame))));
		};

		it('accepts a body of exactly 20000 bytes', async () => {
			const body = bodyOfBytes(20000);
			expect(Buffer.byteLength(body)).toBe(20000);
			expect((await postJson(url('plain'), body)).json).toEqual(OK);
		});

		it('rejects a body of 20001 bytes with 460101', async () => {
			const body = bodyOfBytes(20001);
			expect((await postJson(url('plain'), body)).json).toEqual({
				errcode: 460101,
				errmsg: 'message too long, exceed 20000 bytes',
			});
			expect(fake.received).toHaveLength(0);
		});

		it('counts bytes, not characters', async () => {
			const body = JSON.stringify(textMessage('钉'.repeat(6700)));
			expect(body.length).toBeLessThan(20000);
			expect((await postJson(url('plain'), body)).json.errcode).toBe(460101);
		});

		it('checks the size before parsing', async () => {
			expect((await postJson(url('plain'), '{'.repeat(20001))).json.errcode).toBe(460101);
		});

		it('checks the signature before the size', async () => {
			expect((await postJson(url('signed'), bodyOfBytes(20001))).json.errcode).toBe(310000);
		});

		it.each([
			['not JSON', '{"msgtype": "text",'],
			['empty', ''],
			['a JSON array', '[]'],
			['JSON null', 'null'],
			['a JSON string', '"text"'],
		])('answers a body that is %s with 40035 缺少参数 json', async (_label, body) => {
			expect((await postJson(url('plain'), body)).json).toEqual({
				errcode: 40035,
				errmsg: '缺少参数 json',
			});
		});
	});

	describe('rule 7: keywords', () => {
		const reject = { errcode: 310000, errmsg: 'keywords not in content' };
		const link = (title: string, text: string, messageUrl = 'https://example.com/') => ({
			msgtype: 'link',
			link: { title, text, messageUrl },
		});

		it.each([
			['text without a keyword', textMessage('deploy done'), reject],
			['text with a keyword', textMessage('[alert] deploy failed'), OK],
			['text with the other keyword', textMessage('服务告警'), OK],
			[
				'markdown with the keyword only in the title',
				{ msgtype: 'markdown', markdown: { title: 'alert', text: '# down' } },
				OK,
			],
			['link with the keyword in the text', link('Build', 'alert: red'), OK],
			[
				'link with the keyword only in the URL',
				link('Build', 'red', 'https://example.com/alert'),
				reject,
			],
			[
				'actionCard with the keyword only in a button title',
				{
					msgtype: 'actionCard',
					actionCard: {
						title: 'Build',
						text: 'red',
						btns: [{ title: 'open alert', actionURL: 'https://example.com/' }],
					},
				},
				OK,
			],
			[
				'actionCard with the keyword only in singleTitle',
				{
					msgtype: 'actionCard',
					actionCard: {
						title: 'Build',
						text: 'red',
						singleTitle: '告警',
						singleURL: 'https://e.com/',
					},
				},
				OK,
			],
			[
				'feedCard with the keyword in a link title',
				{
					msgtype: 'feedCard',
					feedCard: {
						links: [
							{ title: 'alert 1', messageURL: 'https://e.com/', picURL: 'https://e.com/p.png' },
						],
					},
				},
				OK,
			],
			[
				'feedCard with the keyword only in a URL',
				{
					msgtype: 'feedCard',
					feedCard: {
						links: [
							{ title: 'one', messageURL: 'https://e.com/alert', picURL: 'https://e.com/p.png' },
						],
					},
				},
				reject,
			],
		])('%s', async (_label, message, expected) => {
			expect((await postJson(url('keywords'), message)).json).toEqual(expected);
			expect(fake.received).toHaveLength(expected === OK ? 1 : 0);
		});

		it('checks the schema before the keywords', async () => {
			const answer = await postJson(url('keywords'), { msgtype: 'text', text: { contnet: 'x' } });
			expect(answer.json.errcode).toBe(40035);
		});
	});

	describe('rule 8: content safety', () => {
		it('rejects a banned word with 430102', async () => {
			expect((await postJson(url('plain'), textMessage('网上赌博'))).json).toEqual({
				errcode: 430102,
				errmsg: '含有不合适的文本',
			});
			expect(fake.received).toHaveLength(0);
		});

		it('finds banned words in actionCard buttons too', async () => {
			const card = {
				msgtype: 'actionCard',
				actionCard: {
					title: 't',
					text: 'x',
					btns: [{ title: '赌博', actionURL: 'https://e.com/' }],
				},
			};
			expect((await postJson(url('plain'), card)).json.errcode).toBe(430102);
		});

		it('checks keywords before banned words', async () => {
			expect((await postJson(url('keywords'), textMessage('赌博'))).json.errmsg).toBe(
				'keywords not in content',
			);
		});
	});

	describe('rule 10: msgUuid', () => {
		it('records a repeated msgUuid once and answers ok every time', async () => {
			const message = textMessage('once', { msgUuid: 'uuid-1' });
			expect((await postJson(url('plain'), message)).json).toEqual(OK);
			expect((await postJson(url('plain'), message)).json).toEqual(OK);
			expect(
				(await postJson(url('plain'), textMessage('changed', { msgUuid: 'uuid-1' }))).json,
			).toEqual(OK);
			expect(fake.received).toHaveLength(1);
			expect(fake.received[0].msgUuid).toBe('uuid-1');
			expect(fake.received[0].body.text.content).toBe('once');
			expect(fake.requests).toHaveLength(3);
		});

		it('records messages without msgUuid every time', async () => {
			await postJson(url('plain'), textMessage('a'));
			await postJson(url('plain'), textMessage('a'));
			expect(fake.received).toHaveLength(2);
		});

		it('keeps msgUuids apart per robot', async () => {
			await postJson(url('plain'), textMessage('a', { msgUuid: 'shared' }));
			await postJson(url('other'), textMessage('a', { msgUuid: 'shared' }));
			expect(fake.received.map((message) => message.token)).toEqual(['plain', 'other']);
		});

		it('does not remember the msgUuid of a rejected message', async () => {
			await postJson(url('plain'), textMessage('赌博', { msgUuid: 'retry' }));
			expect(
				(await postJson(url('plain'), textMessage('fine', { msgUuid: 'retry' }))).json,
			).toEqual(OK);
			expect(fake.received).toHaveLength(1);
			expect(fake.received[0].body.text.content).toBe('fine');
		});
	});

	describe('rule 11: recording and @ notifications', () => {
		it('records the accepted message', async () => {
			clock.set(T0 + 123);
			const message = textMessage('hello', { at: { atMobiles: [], isAtAll: false } });
			await postJson(url('plain'), message);
			expect(fake.received).toEqual([
				{
					via: 'robot',
					token: 'plain',
					body: message,
					msgtype: 'text',
					msgUuid: undefined,
					notified: { mobiles: [], userIds: [], all: false },
					receivedAt: T0 + 123,
				},
			]);
		});

		it('notifies only mobiles and userIds that also appear as @ in text content', async () => {
			await postJson(
				url('plain'),
				textMessage('ping @13800000001 and @alice', {
					at: { atMobiles: ['13800000001', '13800000002'], atUserIds: ['alice', 'carol'] },
				}),
			);
			expect(fake.received[0].notified).toEqual({
				mobiles: ['13800000001'],
				userIds: ['alice'],
				all: false,
			});
		});

		it('does not notify a mobile written without @', async () => {
			await postJson(
				url('plain'),
				textMessage('call 13800000001', { at: { atMobiles: ['13800000001'] } }),
			);
			expect(fake.received[0].notified.mobiles).toEqual([]);
		});

		it('notifies everyone for isAtAll', async () => {
			await postJson(url('plain'), textMessage('all hands', { at: { isAtAll: true } }));
			expect(fake.received[0].notified).toEqual({ mobiles: [], userIds: [], all: true });
		});

		it('looks for the @ in markdown text, not in the title', async () => {
			await postJson(url('plain'), {
				msgtype: 'markdown',
				markdown: { title: '@bob', text: '#### hi @alice' },
				at: { atUserIds: ['alice', 'bob'] },
			});
			expect(fake.received[0].notified.userIds).toEqual(['alice']);
		});

		it.each([
			['link', { link: { title: '@alice', text: '@alice', messageUrl: 'https://e.com/' } }],
			[
				'actionCard',
				{
					actionCard: {
						title: '@alice',
						text: '@alice',
						singleTitle: 'go',
						singleURL: 'https://e.com/',
					},
				},
			],
			[
				'feedCard',
				{
					feedCard: {
						links: [{ title: '@alice', messageURL: 'https://e.com/', picURL: 'https://e.com/p' }],
					},
				},
			],
		])('notifies nobody for %s, even with at set', async (msgtype, typeObject) => {
			const answer = await postJson(url('plain'), {
				msgtype,
				...typeObject,
				at: { atUserIds: ['alice'], isAtAll: true },
			});
			expect(answer.json).toEqual(OK);
			expect(fake.received[0].notified).toEqual({ mobiles: [], userIds: [], all: false });
		});

		it('notifies only group members when the robot lists them', async () => {
			await postJson(
				url('team'),
				textMessage('@13800000001 @13800000009 @alice @bob @mallory', {
					at: { atMobiles: ['13800000001', '13800000009'], atUserIds: ['alice', 'bob', 'mallory'] },
				}),
			);
			expect(fake.received[0].notified).toEqual({
				mobiles: ['13800000001'],
				userIds: ['alice', 'bob'],
				all: false,
			});
		});
	});
});
