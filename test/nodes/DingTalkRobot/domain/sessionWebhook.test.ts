import { buildRobotMessageItem } from '../../../../nodes/shared/robotMessage';
import {
	addRobot,
	expectApiError,
	expectFieldError,
	params,
	send,
	sendExpectingError,
	useFakeDingTalk,
} from '../support/robot';
import { WireRecorder } from '../support/wireRecorder';

const fake = useFakeDingTalk();

function reply(sessionWebhook: string, extra: Record<string, unknown> = {}) {
	return params('sendText', {
		sendTo: 'sessionWebhook',
		content: 'pong',
		sessionWebhook,
		...extra,
	});
}

describe('the SSRF guard of the session webhook target', () => {
	it('refuses a loopback URL when no credential names that host, and sends nothing', async () => {
		const url = fake().addSession(Date.now() + 60_000);
		const error = await sendExpectingError(undefined, reply(url));
		expectFieldError(error, {
			item: 0,
			parameter: 'sessionWebhook',
			message: `The session webhook must be an https://oapi.dingtalk.com address, not ${fake().baseUrl}`,
		});
		expect(fake().requests).toHaveLength(0);
	});

	it.each([
		['plain http to DingTalk', 'http://oapi.dingtalk.com/robot/sendBySession?session=s1'],
		['another port', 'https://oapi.dingtalk.com:8443/robot/sendBySession?session=s1'],
		[
			'a look-alike host',
			'https://oapi.dingtalk.com.attacker.example/robot/sendBySession?session=s1',
		],
		['another host', 'https://attacker.example/robot/sendBySession?u=https://oapi.dingtalk.com'],
		['user info', 'https://user:pass@oapi.dingtalk.com/robot/sendBySession?session=s1'],
		[
			'user info hiding another host',
			'https://oapi.dingtalk.com@169.254.169.254/robot/sendBySession',
		],
		['an IPv6 loopback', 'https://[::1]/robot/sendBySession?session=s1'],
		['a metadata address', 'http://169.254.169.254/latest/meta-data'],
	])('refuses %s', async (_label, url) => {
		const error = await sendExpectingError(undefined, reply(url));
		expectFieldError(error, {
			item: 0,
			parameter: 'sessionWebhook',
			message: /must be an https:\/\/oapi\.dingtalk\.com address/,
		});
	});

	it.each([
		['another endpoint', 'https://oapi.dingtalk.com/topapi/message/corpconversation/asyncsend_v2'],
		['a path walking up', 'https://oapi.dingtalk.com/robot/../gettoken?appkey=x'],
		['a longer path', 'https://oapi.dingtalk.com/robot/sendBySessionX?session=s1'],
		// An item must not turn a reply into a post through another group's custom robot.
		['another robot’s webhook', 'https://oapi.dingtalk.com/robot/send?access_token=other-robot'],
	])('refuses %s on DingTalk’s host', async (_label, url) => {
		const error = await sendExpectingError(undefined, reply(url));
		expectFieldError(error, {
			item: 0,
			parameter: 'sessionWebhook',
			message: /is not DingTalk's session endpoint \/robot\/sendBySession/,
		});
	});

	it.each([
		['not a URL', 'sendBySession?session=s1', /is not a URL/],
		['empty', '', /"Session Webhook" is empty/],
	])('refuses a webhook that is %s', async (_label, url, message) => {
		const error = await sendExpectingError(undefined, reply(url));
		expectFieldError(error, { item: 0, parameter: 'sessionWebhook', message });
	});

	it('lets a genuine https://oapi.dingtalk.com session webhook through without a credential', async () => {
		// The real host cannot be reached from the tests: an expired time stops the item after the
		// URL check, which proves the URL passed it, and nothing goes out.
		const error = await sendExpectingError(
			undefined,
			reply('https://oapi.dingtalk.com/robot/sendBySession?session=abc', {
				sessionWebhookExpiredTime: String(Date.now() - 1000),
			}),
		);
		expectFieldError(error, { item: 0, parameter: 'sessionWebhookExpiredTime' });
	});

	describe('with a credential whose Base URL is the fake', () => {
		it('posts to the sendBySession URL of that origin, unsigned', async () => {
			const robot = addRobot(fake(), { secret: 'SEC-session' });
			const url = fake().addSession(Date.now() + 60_000);
			const output = await send(robot, reply(url));

			expect(fake().received).toHaveLength(1);
			expect(fake().received[0]).toMatchObject({
				via: 'session',
				body: { text: { content: 'pong' } },
			});
			// No token and no signature travel to a session webhook.
			expect(Object.keys(fake().requests[0].query)).toEqual(['session']);
			expect(output[0].json).toMatchObject({ errcode: 0, sentTo: 'sessionWebhook', attempts: 1 });
		});

		it('allows the origin of a Base URL written with a trailing slash', async () => {
			const robot = addRobot(fake(), {}, { baseUrl: `${fake().baseUrl}/` });
			await send(robot, reply(fake().addSession(Date.now() + 60_000)));
			expect(fake().received).toHaveLength(1);
		});

		it('still refuses another port on the same host', async () => {
			const other = new WireRecorder(fake().baseUrl);
			await other.start();
			try {
				const robot = addRobot(fake());
				const url = fake()
					.addSession(Date.now() + 60_000)
					.replace(fake().baseUrl, other.baseUrl);
				const error = await sendExpectingError(robot, reply(url));
				expectFieldError(error, { item: 0, parameter: 'sessionWebhook' });
				expect(other.targets).toHaveLength(0);
				expect(fake().requests).toHaveLength(0);
			} finally {
				await other.stop();
			}
		});

		it('refuses the /robot/send webhook of another robot as a reply target, posting nothing', async () => {
			const robot = addRobot(fake());
			const otherGroup = addRobot(fake());
			const url = `${fake().baseUrl}/robot/send?access_token=${otherGroup.token}`;
			const error = await sendExpectingError(robot, reply(url));
			expectFieldError(error, {
				item: 0,
				parameter: 'sessionWebhook',
				message: /is not DingTalk's session endpoint/,
			});
			expect(fake().requests).toHaveLength(0);
			expect(fake().received).toHaveLength(0);
		});

		it('still refuses user info on the allowed origin', async () => {
			const robot = addRobot(fake());
			const url = fake()
				.addSession(Date.now() + 60_000)
				.replace('http://', 'http://user:password@');
			const error = await sendExpectingError(robot, reply(url));
			expectFieldError(error, { item: 0, parameter: 'sessionWebhook' });
			expect(fake().requests).toHaveLength(0);
		});
	});
});

describe('session expiry', () => {
	it('fails clearly before sending when sessionWebhookExpiredTime has passed', async () => {
		const robot = addRobot(fake());
		const expiredAt = Date.now() - 5_000;
		const error = await sendExpectingError(
			robot,
			reply(fake().addSession(Date.now() + 60_000), {
				sessionWebhookExpiredTime: String(expiredAt),
			}),
		);
		const fieldError = expectFieldError(error, {
			item: 0,
			parameter: 'sessionWebhookExpiredTime',
			message: `The session webhook expired at ${new Date(expiredAt).toISOString()}`,
		});
		expect(fieldError.description).toMatch(/90 minutes/);
		expect(fake().requests).toHaveLength(0);
	});

	it('refuses an expiry time that is not a timestamp', async () => {
		const error = await sendExpectingError(
			addRobot(fake()),
			reply(fake().addSession(Date.now() + 60_000), { sessionWebhookExpiredTime: 'tomorrow' }),
		);
		expectFieldError(error, {
			item: 0,
			parameter: 'sessionWebhookExpiredTime',
			message: /is not a timestamp: tomorrow/,
		});
		expect(fake().requests).toHaveLength(0);
	});

	it('reads webhook and expiry from a message of the DingTalk Trigger by default', async () => {
		const robot = addRobot(fake());
		const fresh = buildRobotMessageItem({
			msgtype: 'text',
			text: { content: 'ping' },
			sessionWebhook: fake().addSession(Date.now() + 60_000),
			sessionWebhookExpiredTime: Date.now() + 60_000,
		});
		const stale = buildRobotMessageItem({
			msgtype: 'text',
			text: { content: 'ping' },
			sessionWebhook: fake().addSession(Date.now() + 60_000),
			sessionWebhookExpiredTime: Date.now() - 60_000,
		});
		// A robot message as DingTalk posts it (e.g. through a Webhook node) names the field differently.
		const rawStale = {
			sessionWebhook: fake().addSession(Date.now() + 60_000),
			sessionWebhookExpiredTime: Date.now() - 60_000,
		};
		const output = await send(
			robot,
			params('sendText', { sendTo: 'sessionWebhook', content: 'pong' }),
			{ items: [fresh, stale, rawStale], continueOnFail: true },
		);
		expect(output[0].json).toMatchObject({ errcode: 0, sentTo: 'sessionWebhook' });
		expect(output[1].json.error).toMatch(/The session webhook expired at/);
		expect(output[2].json.error).toMatch(/The session webhook expired at/);
		expect(fake().received).toHaveLength(1);
		expect(fake().requests).toHaveLength(1);
	});

	it('maps DingTalk’s own "session 不存在" (300001) to the session hint, without retrying', async () => {
		const robot = addRobot(fake());
		// Expired on the server although the item gives no expiry time.
		const url = fake().addSession(Date.now() - 1_000);
		const error = await sendExpectingError(robot, reply(url, { sessionWebhookExpiredTime: '' }));
		expectApiError(error, {
			errcode: 300001,
			errmsg: 'session 不存在',
			hint: /session webhook has expired/,
		});
		expect(fake().requests).toHaveLength(1);
		expect(fake().received).toHaveLength(0);
	});
});
