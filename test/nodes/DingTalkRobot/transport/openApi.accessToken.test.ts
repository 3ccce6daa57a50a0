import { NodeApiError } from 'n8n-workflow';

import {
	AppTokenCache,
	appTokenCache,
} from '../../../../nodes/DingTalkRobot/transport/accessTokenCache';
import { appTokenKey } from '../../../../nodes/shared/appAccessToken';
import {
	addApp,
	appParams,
	GROUP_PATH,
	requestsTo,
	run,
	runExpectingError,
	TOKEN_PATH,
	useFakeOpenApi,
} from '../support/app';
import type { TestApp } from '../support/app';

const server = useFakeOpenApi();
const GROUP = 'cid-token';

const groupText = (content = 'hello') =>
	appParams('sendToGroup', { openConversationId: GROUP, msgKey: 'sampleText', content });

const tokenRequests = () => requestsTo(server(), TOKEN_PATH);

/** Every place a secret could leak to: output items, and everything an error carries. */
function exposed(value: unknown): string {
	if (value instanceof Error) {
		const error = value as NodeApiError;
		return JSON.stringify({
			message: error.message,
			description: error.description,
			context: error.context,
			stack: error.stack,
			cause: String((error as { cause?: unknown }).cause ?? ''),
			errorResponse: (error as unknown as { errorResponse?: unknown }).errorResponse,
		});
	}
	return JSON.stringify(value);
}

function issuedTokens(): string[] {
	return tokenRequests()
		.filter((request) => request.status === 200)
		.map((request) => request.response.accessToken as string);
}

describe('app access token', () => {
	let app: TestApp;
	beforeEach(() => {
		app = addApp(server(), { groups: [GROUP] });
	});

	it('is fetched with appKey and appSecret in the body and sent in x-acs-dingtalk-access-token', async () => {
		await run(app, groupText());
		const [tokenRequest] = tokenRequests();
		expect(tokenRequest.method).toBe('POST');
		expect(JSON.parse(tokenRequest.rawBody)).toEqual({
			appKey: app.appKey,
			appSecret: app.appSecret,
		});
		expect(tokenRequest.headers['x-acs-dingtalk-access-token']).toBeUndefined();
		const [send] = requestsTo(server(), GROUP_PATH);
		expect(send.headers['x-acs-dingtalk-access-token']).toBe(issuedTokens()[0]);
		expect(send.query).toEqual({});
		expect(send.rawBody).not.toContain(app.appSecret);
	});

	it('is fetched once for many items', async () => {
		const items = Array.from({ length: 6 }, (_, index) => ({ n: index }));
		const output = await run(
			app,
			appParams('sendToGroup', {
				openConversationId: GROUP,
				msgKey: 'sampleText',
				content: '=item {{ $json.n }}',
			}),
			{ items },
		);
		expect(output).toHaveLength(6);
		expect(tokenRequests()).toHaveLength(1);
		expect(requestsTo(server(), GROUP_PATH)).toHaveLength(6);
		expect(server().openApi.messages.map((message) => message.msgParam.content)).toEqual(
			items.map((item) => `item ${item.n}`),
		);
	});

	it('is shared by later and by concurrent executions in the same process', async () => {
		await run(app, groupText('first'));
		await run(app, groupText('second'));
		await Promise.all([run(app, groupText('third')), run(app, groupText('fourth'))]);
		expect(tokenRequests()).toHaveLength(1);
		expect(server().openApi.messages).toHaveLength(4);
	});

	it('is fetched once for concurrent executions with an empty cache', async () => {
		await Promise.all([1, 2, 3].map(async (n) => await run(app, groupText(`run ${n}`))));
		expect(tokenRequests()).toHaveLength(1);
		expect(server().openApi.messages).toHaveLength(3);
	});

	it('is not shared between credentials with the same AppKey but another secret', async () => {
		await run(app, groupText());
		const impostor = {
			...app,
			credentials: { dingTalkAppApi: { ...app.credential, appSecret: 'guessed-secret' } },
		};
		const error = await runExpectingError(impostor, groupText());
		expect(error.message).toContain('(invalidClientIdOrSecret)');
		expect(tokenRequests()).toHaveLength(2);
		expect(server().openApi.messages).toHaveLength(1);
	});

	it('is refreshed once when DingTalk refuses it (expired), and the message still goes out', async () => {
		await run(app, groupText('before'));
		server().openApi.expireTokens();
		const output = await run(app, groupText('after'));
		expect(output[0].json.sentTo).toBe('groupMessages');
		expect(tokenRequests()).toHaveLength(2);
		const sends = requestsTo(server(), GROUP_PATH);
		expect(sends.map((request) => request.status)).toEqual([200, 400, 200]);
		expect(sends[1].response.code).toBe('InvalidAuthentication');
		const [first, second] = issuedTokens();
		expect(second).not.toBe(first);
		expect(sends[2].headers['x-acs-dingtalk-access-token']).toBe(second);
		// The fresh token is cached again.
		await run(app, groupText('later'));
		expect(tokenRequests()).toHaveLength(2);
	});

	it('is refreshed on HTTP 401 as well', async () => {
		await run(app, groupText('before'));
		server().fake.injectFaults({
			status: 401,
			body: '{"code":"InvalidAuthentication","message":"token expired"}',
		});
		await run(app, groupText('after'));
		expect(tokenRequests()).toHaveLength(2);
		expect(server().openApi.messages).toHaveLength(2);
	});

	it('is refreshed only once: a second refusal fails the item with a hint', async () => {
		const refused = addApp(server(), { groups: [GROUP], refuseTokens: true });
		const error = await runExpectingError(refused, groupText());
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('(InvalidAuthentication)');
		expect(error.description).toMatch(/even after the node fetched a new one/);
		expect(tokenRequests()).toHaveLength(2);
		expect(requestsTo(server(), GROUP_PATH)).toHaveLength(2);
	});

	it('is refreshed shortly before it expires, not earlier', async () => {
		const start = Date.now();
		const clock = jest.spyOn(Date, 'now');
		try {
			clock.mockReturnValue(start);
			await run(app, groupText('one'));
			// 7200 s lifetime: still used 6 minutes before the end...
			clock.mockReturnValue(start + (7200 - 360) * 1000);
			await run(app, groupText('two'));
			expect(tokenRequests()).toHaveLength(1);
			// ...but not 4 minutes before it.
			clock.mockReturnValue(start + (7200 - 240) * 1000);
			await run(app, groupText('three'));
			expect(tokenRequests()).toHaveLength(2);
		} finally {
			clock.mockRestore();
		}
	});

	it('never appears in output, errors or the cache key', async () => {
		const output = await run(app, groupText());
		const [token] = issuedTokens();
		expect(exposed(output)).not.toContain(token);
		expect(exposed(output)).not.toContain(app.appSecret);

		server().fake.injectFaults({ drop: true });
		const networkError = await runExpectingError(app, groupText());
		expect(networkError.message).toMatch(/Could not reach DingTalk/);
		expect(exposed(networkError)).not.toContain(token);

		const refusal = await runExpectingError(
			app,
			appParams('sendToGroup', {
				openConversationId: 'cid-unknown',
				msgKey: 'sampleText',
				content: 'x',
			}),
		);
		expect(refusal.message).toContain('(invalid.openConversationId)');
		expect(exposed(refusal)).not.toContain(token);

		const key = appTokenKey(app.credential.apiBaseUrl, app.appKey, app.appSecret);
		expect(key).toMatch(/^[0-9a-f]{64}$/);
		expect(key).not.toContain(app.appSecret);
	});

	it('a wrong secret fails clearly without echoing the secret', async () => {
		const wrong = {
			...app,
			credentials: { dingTalkAppApi: { ...app.credential, appSecret: 'wrong-secret-value' } },
		};
		server().fake.injectFaults({ drop: true });
		const dropped = await runExpectingError(wrong, groupText());
		expect(exposed(dropped)).not.toContain('wrong-secret-value');
		const error = await runExpectingError(wrong, groupText());
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/DingTalk did not issue an app access token/);
		expect(error.description).toMatch(/Credentials & Basic Info/);
		expect(exposed(error)).not.toContain('wrong-secret-value');
		expect(requestsTo(server(), GROUP_PATH)).toHaveLength(0);
	});
});

describe('AppTokenCache', () => {
	it('refreshes a tenth of the lifetime early for short-lived tokens', async () => {
		let now = 1_000_000;
		const cache = new AppTokenCache(() => now);
		let issued = 0;
		const fetchToken = async () => ({ accessToken: `t${++issued}`, expireIn: 100 });
		expect(await cache.get('k', fetchToken)).toBe('t1');
		now += 89_000;
		expect(await cache.get('k', fetchToken)).toBe('t1');
		now += 2_000;
		expect(await cache.get('k', fetchToken)).toBe('t2');
	});

	it('forgets a refused token only if it is still the cached one', async () => {
		const cache = new AppTokenCache(() => 0);
		let issued = 0;
		const fetchToken = async () => ({ accessToken: `t${++issued}`, expireIn: 7200 });
		await cache.get('k', fetchToken);
		cache.invalidate('k', 't0');
		expect(await cache.get('k', fetchToken)).toBe('t1');
		cache.invalidate('k', 't1');
		expect(await cache.get('k', fetchToken)).toBe('t2');
	});

	it('does not cache a failed fetch', async () => {
		const cache = new AppTokenCache(() => 0);
		await expect(
			cache.get('k', async () => {
				throw new Error('refused');
			}),
		).rejects.toThrow('refused');
		expect(await cache.get('k', async () => ({ accessToken: 'ok', expireIn: 60 }))).toBe('ok');
		expect(cache.size).toBe(1);
	});

	it('the node uses one cache for the whole process', () => {
		expect(appTokenCache).toBeInstanceOf(AppTokenCache);
	});
});
