import { FakeDingTalk, FakeOpenApi } from './index';
import { manualClock, postJson, readAnswer } from './testClient';

const T0 = 1_700_000_000_000;
const APP = { appKey: 'dingappkey', appSecret: 'app-secret-value' };

describe('FakeOpenApi (enterprise-app OpenAPI on the fake)', () => {
	const clock = manualClock(T0);
	const fake = new FakeDingTalk({ now: clock.now });
	const openApi = new FakeOpenApi({
		apps: [
			{
				...APP,
				groups: ['cid-a'],
				users: ['u1', 'u2', 'u3'],
				flowControlledUsers: ['u3'],
			},
		],
		tokenTtlSeconds: 7200,
	});
	fake.use(openApi);
	let base: string;

	const token = async () =>
		(await postJson(`${base}/v1.0/oauth2/accessToken`, APP)).json.accessToken as string;

	const call = async (path: string, body: unknown, accessToken?: string) => {
		const headers: Record<string, string> = { 'Content-Type': 'application/json' };
		if (accessToken !== undefined) headers['x-acs-dingtalk-access-token'] = accessToken;
		return readAnswer(
			await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
		);
	};

	const group = (fields: Record<string, unknown>) => ({
		robotCode: APP.appKey,
		openConversationId: 'cid-a',
		msgKey: 'sampleText',
		msgParam: JSON.stringify({ content: 'hi' }),
		...fields,
	});

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => {
		fake.reset();
		clock.set(T0);
	});

	describe('access token', () => {
		it('is issued for the right appKey/appSecret and reissued unchanged while valid', async () => {
			const first = await postJson(`${base}/v1.0/oauth2/accessToken`, APP);
			expect(first.status).toBe(200);
			expect(first.json).toEqual({
				accessToken: expect.stringMatching(/^[0-9a-f]{32}$/),
				expireIn: 7200,
			});
			clock.advance(3_600_000);
			const again = await postJson(`${base}/v1.0/oauth2/accessToken`, APP);
			expect(again.json.accessToken).toBe(first.json.accessToken);
		});

		it('refuses a wrong secret or an unknown app with HTTP 400 invalidClientIdOrSecret', async () => {
			for (const body of [{ ...APP, appSecret: 'nope' }, { appKey: 'other', appSecret: 'x' }, {}]) {
				const answer = await postJson(`${base}/v1.0/oauth2/accessToken`, body);
				expect(answer.status).toBe(400);
				expect(answer.json).toMatchObject({
					code: 'invalidClientIdOrSecret',
					message: '无效的clientId或者clientSecret',
					requestid: expect.any(String),
				});
			}
		});

		it('is required in x-acs-dingtalk-access-token and refused once expired', async () => {
			const missing = await call('/v1.0/robot/groupMessages/send', group({}));
			expect(missing.status).toBe(400);
			expect(missing.json.code).toBe('AuthenticationFailed.MissingParameter');

			const value = await token();
			expect((await call('/v1.0/robot/groupMessages/send', group({}), value)).status).toBe(200);
			clock.advance(7_200_000);
			const expired = await call('/v1.0/robot/groupMessages/send', group({}), value);
			expect(expired.status).toBe(400);
			expect(expired.json.code).toBe('InvalidAuthentication');
			// A new token request gives a new token after expiry.
			expect(await token()).not.toBe(value);
		});

		it('is refused after expireTokens()', async () => {
			const value = await token();
			openApi.expireTokens();
			expect((await call('/v1.0/robot/groupMessages/send', group({}), value)).json.code).toBe(
				'InvalidAuthentication',
			);
		});
	});

	describe('group messages', () => {
		it('accepts a template and records it', async () => {
			const answer = await call('/v1.0/robot/groupMessages/send', group({}), await token());
			expect(answer.json).toEqual({ processQueryKey: expect.any(String) });
			expect(openApi.messages).toEqual([
				{
					via: 'group',
					appKey: APP.appKey,
					robotCode: APP.appKey,
					openConversationId: 'cid-a',
					msgKey: 'sampleText',
					msgParam: { content: 'hi' },
					processQueryKey: answer.json.processQueryKey,
					receivedAt: T0,
				},
			]);
		});

		it.each([
			[{ robotCode: '' }, 'invalidParameter.robotCode.empty'],
			[{ robotCode: 'dingother' }, 'invalidParameter.robotCode.notExsit'],
			[{ msgKey: undefined }, 'invalidParameter.msgKey.empty'],
			[{ msgKey: 'sampleFeedCard' }, 'invalidParameter.msgKey.invalid'],
			[{ msgParam: { content: 'an object, not a string' } }, 'invalidParameter.msgParam.invalid'],
			[{ msgParam: '{content: hi}' }, 'invalidParameter.msgParam.invalid'],
			[{ msgParam: '"just a string"' }, 'invalidParameter.msgParam.invalid'],
			[{ msgParam: '{"content":""}' }, 'invalidParameter.msgParam.invalid'],
			[
				{ msgParam: JSON.stringify({ content: 'x'.repeat(15_000) }) },
				'invalidParameter.msgParam.tooLong',
			],
			[
				{ msgKey: 'sampleMarkdown', msgParam: '{"title":"t"}' },
				'invalidParameter.msgParam.invalid',
			],
			[
				{
					msgKey: 'sampleActionCard6',
					msgParam:
						'{"title":"t","text":"x","buttonTitle1":"a","buttonUrl1":"u","buttonTitle2":"b"}',
				},
				'invalidParameter.msgParam.invalid',
			],
			[
				{
					msgKey: 'sampleFile',
					msgParam: '{"mediaId":"@unknown","fileName":"a.pdf","fileType":"pdf"}',
				},
				'invalidParameter.msgParam.invalid',
			],
			[
				{ msgKey: 'sampleImageMsg', msgParam: '{"photoURL":"not-a-url"}' },
				'invalidParameter.msgParam.invalid',
			],
			[{ openConversationId: '' }, 'invalidParameter.openConversationId.empty'],
			[{ openConversationId: 'cid-other' }, 'invalid.openConversationId'],
		])('refuses %j with %s', async (fields, code) => {
			const answer = await call('/v1.0/robot/groupMessages/send', group(fields), await token());
			expect(answer.status).toBe(400);
			expect(answer.json.code).toBe(code);
			expect(openApi.messages).toHaveLength(0);
		});

		it('accepts exactly 15 000 bytes of msgParam', async () => {
			const msgParam = JSON.stringify({ content: 'x'.repeat(15_000 - 14) });
			expect(Buffer.byteLength(msgParam)).toBe(15_000);
			const answer = await call(
				'/v1.0/robot/groupMessages/send',
				group({ msgParam }),
				await token(),
			);
			expect(answer.status).toBe(200);
		});
	});

	describe('1:1 batch', () => {
		const batch = (userIds: unknown) => ({
			robotCode: APP.appKey,
			userIds,
			msgKey: 'sampleText',
			msgParam: '{"content":"hi"}',
		});

		it('reports unknown and flow-controlled people and records the others', async () => {
			const answer = await call(
				'/v1.0/robot/oToMessages/batchSend',
				batch(['u1', 'ghost', 'u3', 'u2']),
				await token(),
			);
			expect(answer.json).toEqual({
				processQueryKey: expect.any(String),
				invalidStaffIdList: ['ghost'],
				flowControlledStaffIdList: ['u3'],
			});
			expect(openApi.messages.map((message) => message.userId)).toEqual(['u1', 'u2']);
		});

		it('refuses an empty list and more than 20 user IDs', async () => {
			const value = await token();
			expect((await call('/v1.0/robot/oToMessages/batchSend', batch([]), value)).json.code).toBe(
				'invalidParameter.userIds.empty',
			);
			const many = Array.from({ length: 21 }, (_, index) => `u${index}`);
			expect((await call('/v1.0/robot/oToMessages/batchSend', batch(many), value)).json.code).toBe(
				'invalidParameter.userIds.overMax',
			);
			const twenty = many.slice(0, 20);
			expect((await call('/v1.0/robot/oToMessages/batchSend', batch(twenty), value)).status).toBe(
				200,
			);
		});
	});

	describe('media and files', () => {
		const upload = async (type: string, name: string, data: Buffer, accessToken?: string) => {
			const form = new FormData();
			form.append('media', new Blob([data], { type: 'application/octet-stream' }), name);
			const query = new URLSearchParams({ type });
			if (accessToken !== undefined) query.set('access_token', accessToken);
			return readAnswer(
				await fetch(`${base}/media/upload?${query}`, { method: 'POST', body: form }),
			);
		};

		it('stores a multipart upload and serves it back through a download code', async () => {
			const value = await token();
			const data = Buffer.from([0, 1, 2, 250, 255]);
			const stored = await upload('file', 'data.zip', data, value);
			expect(stored.json).toEqual({
				errcode: 0,
				errmsg: 'ok',
				type: 'file',
				media_id: expect.stringMatching(/^@/),
				created_at: T0,
			});
			const code = openApi.incomingFileFromMedia(stored.json.media_id, APP.appKey);
			const link = await call(
				'/v1.0/robot/messageFiles/download',
				{ downloadCode: code, robotCode: APP.appKey },
				value,
			);
			expect(link.json.downloadUrl).toMatch(new RegExp(`^${base}/fake-oss/download\\?id=`));
			const file = await fetch(link.json.downloadUrl);
			expect(file.status).toBe(200);
			expect(Buffer.from(await file.arrayBuffer()).equals(data)).toBe(true);

			clock.advance(3_600_000);
			expect((await fetch(link.json.downloadUrl)).status).toBe(403);
		});

		it('answers upload errors with HTTP 200 and an errcode', async () => {
			const value = await token();
			expect((await upload('image', 'a.png', Buffer.from('x'))).json.errcode).toBe(40014);
			expect((await upload('sticker', 'a.png', Buffer.from('x'), value)).json.errcode).toBe(40004);
			expect((await upload('image', 'a.txt', Buffer.from('x'), value)).json.errcode).toBe(40006);
			expect((await upload('image', 'a.png', Buffer.alloc(0), value)).json.errcode).toBe(40005);
			expect(
				(await upload('voice', 'a.amr', Buffer.alloc(2 * 1024 * 1024 + 1), value)).json.errcode,
			).toBe(40005);
			const noFile = await readAnswer(
				await fetch(`${base}/media/upload?type=image&access_token=${value}`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: '{}',
				}),
			);
			expect(noFile.status).toBe(200);
			expect(noFile.json.errcode).toBe(40035);
			clock.advance(7_200_000);
			expect((await upload('image', 'a.png', Buffer.from('x'), value)).json.errcode).toBe(42001);
		});

		it('gives a download URL only to the robot that received the file', async () => {
			const code = openApi.addIncomingFile({
				robotCode: 'dingother',
				data: Buffer.from('x'),
				contentType: 'text/plain',
			});
			const answer = await call(
				'/v1.0/robot/messageFiles/download',
				{ downloadCode: code, robotCode: APP.appKey },
				await token(),
			);
			expect(answer.status).toBe(400);
			expect(answer.json.code).toBe('invalidParameter.downloadCode.invalid');
		});
	});

	it('reset() clears messages, tokens and media but keeps the apps', async () => {
		const value = await token();
		await call('/v1.0/robot/groupMessages/send', group({}), value);
		fake.reset();
		expect(openApi.messages).toHaveLength(0);
		expect((await call('/v1.0/robot/groupMessages/send', group({}), value)).json.code).toBe(
			'InvalidAuthentication',
		);
		expect((await call('/v1.0/robot/groupMessages/send', group({}), await token())).status).toBe(
			200,
		);
	});

	it('use() refuses a second extension serving the same path', () => {
		expect(() => fake.use(new FakeOpenApi())).toThrow(/already serves \/v1.0\/oauth2\/accessToken/);
	});
});
