// Every message operation of the DingTalk Robot node inside a real n8n, against the fake DingTalk
// over real HTTP: the exact body DingTalk receives, a signature recomputed here, and DingTalk's
// errors as failed executions that keep the errcode.
import { nodeOutput, type ExecutionDetail } from '../../scripts/n8n-executions';
import { FakeDingTalk, type RecordedRequest } from '../fake-dingtalk';
import { robotSign } from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import { failureOf, post, withExecution } from './support/runs';
import { manualToRobot, webhookToRobot } from './support/workflows';

const OPS_ROBOT = {
	token: 'e2e-ops-robot-token-0001',
	secret: 'SECe2e0ps0000000000000000000000000000000000000000000000000000000001',
	keywords: ['e2e'],
};
const THROTTLED_ROBOT = {
	token: 'e2e-throttled-robot-token-0002',
	secret: 'SECe2ethr0tt1ed00000000000000000000000000000000000000000000000000002',
};

const CREDENTIAL = {
	ops: { id: 'e2eOpsRobotCred1', name: 'Ops robot (fake DingTalk)' },
	noKeywords: { id: 'e2eOpsNoKeyword1', name: 'Ops robot without keywords' },
	wrongSecret: { id: 'e2eOpsWrongSec01', name: 'Ops robot with a wrong secret' },
	throttled: { id: 'e2eThrottledBot1', name: 'Throttled robot' },
};

function robotCredentials(baseUrl: string) {
	const robot = (
		key: keyof typeof CREDENTIAL,
		data: { accessToken: string; secret: string; keywords: string },
	) =>
		credential('dingTalkRobotApi', CREDENTIAL[key].id, CREDENTIAL[key].name, { ...data, baseUrl });
	return [
		// The whole webhook URL, as users paste it from the group settings.
		robot('ops', {
			accessToken: `https://oapi.dingtalk.com/robot/send?access_token=${OPS_ROBOT.token}`,
			secret: OPS_ROBOT.secret,
			keywords: 'e2e',
		}),
		robot('noKeywords', { accessToken: OPS_ROBOT.token, secret: OPS_ROBOT.secret, keywords: '' }),
		robot('wrongSecret', {
			accessToken: OPS_ROBOT.token,
			secret: 'SECnot0the0robots0secret00000000000000000000000000000000000000000',
			keywords: 'e2e',
		}),
		robot('throttled', {
			accessToken: THROTTLED_ROBOT.token,
			secret: THROTTLED_ROBOT.secret,
			keywords: '',
		}),
	];
}

const ops = { type: 'dingTalkRobotApi', data: {}, ...CREDENTIAL.ops };
const noKeywords = { type: 'dingTalkRobotApi', data: {}, ...CREDENTIAL.noKeywords };
const wrongSecret = { type: 'dingTalkRobotApi', data: {}, ...CREDENTIAL.wrongSecret };
const throttled = { type: 'dingTalkRobotApi', data: {}, ...CREDENTIAL.throttled };

const WORKFLOWS = {
	text: webhookToRobot({
		id: 'e2eActSendText01',
		path: 'e2e-send-text',
		credential: ops,
		robot: {
			operation: 'sendText',
			sendTo: 'robot',
			content: '={{ $json.body.content }}',
			atMobiles: '13800000000, 13900000000',
			atUserIds: 'manager7675',
			options: {},
		},
	}),
	markdown: webhookToRobot({
		id: 'e2eActSendMkdn01',
		path: 'e2e-send-markdown',
		credential: ops,
		robot: {
			operation: 'sendMarkdown',
			title: 'e2e release 2.0',
			text: '#### Release 2.0\n> **all** checks passed\n- [notes](https://example.com/notes)',
			atUserIds: 'manager7675',
			options: {},
		},
	}),
	link: webhookToRobot({
		id: 'e2eActSendLink01',
		path: 'e2e-send-link',
		credential: ops,
		robot: {
			operation: 'sendLink',
			title: 'e2e release notes',
			text: 'What changed in 2.0',
			messageUrl: 'https://example.com/notes',
			picUrl: 'https://example.com/cover.png',
			options: {},
		},
	}),
	actionCardSingle: webhookToRobot({
		id: 'e2eActCardOne001',
		path: 'e2e-send-card-single',
		credential: ops,
		robot: {
			operation: 'sendActionCard',
			title: 'Approve e2e release?',
			text: '### Release 2.0\nAll checks passed.',
			buttonMode: 'single',
			singleTitle: 'Open',
			singleUrl: 'https://example.com/release',
			options: {},
		},
	}),
	actionCardButtons: webhookToRobot({
		id: 'e2eActCardMany01',
		path: 'e2e-send-card-buttons',
		credential: ops,
		robot: {
			operation: 'sendActionCard',
			title: 'e2e incident',
			text: 'Disk almost full on web-1',
			buttonMode: 'multiple',
			buttons: {
				button: [
					{ title: 'Acknowledge', url: 'https://example.com/ack' },
					{
						title: 'Runbook',
						url: 'dingtalk://dingtalkclient/page/link?url=https%3A%2F%2Fexample.com',
					},
				],
			},
			btnOrientation: '1',
			hideAvatar: true,
			options: {},
		},
	}),
	feedCard: webhookToRobot({
		id: 'e2eActFeedCard01',
		path: 'e2e-send-feed-card',
		credential: ops,
		robot: {
			operation: 'sendFeedCard',
			links: {
				link: [
					{
						title: 'e2e: first story',
						messageUrl: 'https://example.com/1',
						picUrl: 'https://example.com/1.png',
					},
					{
						title: 'Second story',
						messageUrl: 'https://example.com/2',
						picUrl: 'https://example.com/2.png',
					},
				],
			},
			options: {},
		},
	}),
	raw: webhookToRobot({
		id: 'e2eActSendRaw001',
		path: 'e2e-send-raw',
		credential: ops,
		robot: {
			operation: 'sendRaw',
			jsonMessage: '={{ JSON.stringify($json.body.message) }}',
			options: { msgUuid: '={{ $json.body.msgUuid }}' },
		},
	}),
	sessionReply: webhookToRobot({
		id: 'e2eActSession001',
		path: 'e2e-session-reply',
		// Selected only so that a session webhook on the fake's host is allowed.
		credential: ops,
		robot: {
			operation: 'sendText',
			sendTo: 'sessionWebhook',
			sessionWebhook: '={{ $json.body.sessionWebhook }}',
			sessionWebhookExpiredTime: '={{ $json.body.expiresAt }}',
			content: 'Got it, on my way',
			atUserIds: '={{ $json.body.staffId }}',
			options: { maxRetries: 0 },
		},
	}),
	noKeywords: webhookToRobot({
		id: 'e2eActNoKeyword1',
		path: 'e2e-no-keywords',
		credential: noKeywords,
		robot: { operation: 'sendText', content: 'Nothing to see here', options: {} },
	}),
	keywordRequired: webhookToRobot({
		id: 'e2eActKeywordFa1',
		path: 'e2e-keyword-fail',
		credential: ops,
		robot: {
			operation: 'sendText',
			content: 'Nothing to see here',
			options: { missingKeyword: 'fail' },
		},
	}),
	wrongSecret: webhookToRobot({
		id: 'e2eActWrongSec01',
		path: 'e2e-wrong-secret',
		credential: wrongSecret,
		robot: { operation: 'sendText', content: 'e2e signed with the wrong secret', options: {} },
	}),
	throttled: webhookToRobot({
		id: 'e2eActThrottle01',
		path: 'e2e-throttled',
		credential: throttled,
		robot: {
			operation: 'sendText',
			content: 'Throttled?',
			// A short window so that the retry after a throttle waits one second, not one minute.
			options: { maxRetries: '={{ $json.body.maxRetries }}', rateWindow: 1, retryDelay: 50 },
		},
	}),
	manual: manualToRobot({
		id: 'e2eActManual0001',
		credential: ops,
		robot: {
			operation: 'sendText',
			content: 'Deployment finished: e2e build 42 is live',
			options: {},
		},
	}),
};

describe('DingTalk Robot in a real n8n: message operations', () => {
	const fake = new FakeDingTalk({
		robots: [OPS_ROBOT, THROTTLED_ROBOT],
		// More than 20 messages a minute go to one robot here; pacing has its own unit tests.
		rateLimit: { limit: 1000, windowMs: 60_000, banMs: 600_000 },
	});
	const n8n = useN8n(async () => ({
		name: 'action-messages',
		credentials: robotCredentials(await fake.start()),
		workflows: Object.values(WORKFLOWS),
	}));
	beforeEach(() => fake.reset());
	afterAll(async () => await fake.stop());

	/** POSTs to the workflow's webhook and returns the answer and the execution it started. */
	async function run(workflow: keyof typeof WORKFLOWS, body: object = {}) {
		const fixture = WORKFLOWS[workflow];
		const path = fixture.nodes[0].parameters.path as string;
		return await withExecution(
			n8n(),
			fixture.id,
			async () => await post(n8n().webhookUrl(path), body),
		);
	}

	/** The one request that reached /robot/send, checked like DingTalk checks it. */
	function signedRequest(robot: { token: string; secret: string }): RecordedRequest {
		const sends = fake.requests.filter((request) => request.path === '/robot/send');
		expect(sends).toHaveLength(1);
		const [request] = sends;
		expect(request.method).toBe('POST');
		expect(String(request.headers['content-type'])).toMatch(/^application\/json/);
		expect(Object.keys(request.query).sort()).toEqual(['access_token', 'sign', 'timestamp']);
		expect(request.query.access_token).toBe(robot.token);
		expect(Math.abs(Number(request.query.timestamp) - Date.now())).toBeLessThan(60_000);
		expect(request.query.sign).toBe(robotSign(robot.secret, request.query.timestamp));
		return request;
	}

	/** Checks the run succeeded and DingTalk got exactly `expected` (plus the node's msgUuid). */
	function expectDelivered(execution: ExecutionDetail, expected: Record<string, unknown>) {
		expect(failureOf(execution).status).toBe('success');
		const [output] = nodeOutput(execution.data, 'DingTalk Robot');
		expect(output).toMatchObject({ errcode: 0, errmsg: 'ok', sentTo: 'robotWebhook', attempts: 1 });
		expect(output.msgUuid).toEqual(expect.any(String));
		const request = signedRequest(OPS_ROBOT);
		const wire = { ...expected, msgUuid: output.msgUuid };
		expect(JSON.parse(request.rawBody)).toEqual(wire);
		expect(request.response).toEqual({ errcode: 0, errmsg: 'ok' });
		expect(fake.received).toHaveLength(1);
		expect(output.message).toEqual(wire);
	}

	it('sends text with @-mentions written into the content and the keyword appended', async () => {
		const { result, execution } = await run('text', { content: 'Build 42 deployed' });

		expectDelivered(execution, {
			msgtype: 'text',
			text: { content: 'Build 42 deployed @13800000000 @13900000000 @manager7675 e2e' },
			at: { atMobiles: ['13800000000', '13900000000'], atUserIds: ['manager7675'] },
		});
		expect(fake.received[0].notified).toEqual({
			mobiles: ['13800000000', '13900000000'],
			userIds: ['manager7675'],
			all: false,
		});
		// The Webhook node answers with the DingTalk Robot node's output.
		expect(result.status).toBe(200);
		expect(result.body).toMatchObject({ errcode: 0, sentTo: 'robotWebhook' });
	});

	it('notifies a mobile typed into the text as @<mobile>, beside the listed ones', async () => {
		const { execution } = await run('text', { content: 'Disk full, @13700000000 please look' });
		expectDelivered(execution, {
			msgtype: 'text',
			text: {
				content: 'Disk full, @13700000000 please look @13800000000 @13900000000 @manager7675 e2e',
			},
			at: { atMobiles: ['13800000000', '13900000000', '13700000000'], atUserIds: ['manager7675'] },
		});
		expect(nodeOutput(execution.data, 'DingTalk Robot')[0].mentionsFromText).toEqual([
			'13700000000',
		]);
		expect(fake.received[0].notified.mobiles).toEqual([
			'13800000000',
			'13900000000',
			'13700000000',
		]);
	});

	it('sends markdown with the @ after the text', async () => {
		const { execution } = await run('markdown');
		expectDelivered(execution, {
			msgtype: 'markdown',
			markdown: {
				title: 'e2e release 2.0',
				text: '#### Release 2.0\n> **all** checks passed\n- [notes](https://example.com/notes)\n\n@manager7675',
			},
			at: { atUserIds: ['manager7675'] },
		});
	});

	it('sends a link card (messageUrl / picUrl spelling)', async () => {
		const { execution } = await run('link');
		expectDelivered(execution, {
			msgtype: 'link',
			link: {
				title: 'e2e release notes',
				text: 'What changed in 2.0',
				messageUrl: 'https://example.com/notes',
				picUrl: 'https://example.com/cover.png',
			},
		});
	});

	it('sends a single-button action card', async () => {
		const { execution } = await run('actionCardSingle');
		expectDelivered(execution, {
			msgtype: 'actionCard',
			actionCard: {
				title: 'Approve e2e release?',
				text: '### Release 2.0\nAll checks passed.',
				singleTitle: 'Open',
				singleURL: 'https://example.com/release',
				btnOrientation: '0',
				hideAvatar: '0',
			},
		});
	});

	it('sends an action card with several buttons, side by side, without avatar', async () => {
		const { execution } = await run('actionCardButtons');
		expectDelivered(execution, {
			msgtype: 'actionCard',
			actionCard: {
				title: 'e2e incident',
				text: 'Disk almost full on web-1',
				btns: [
					{ title: 'Acknowledge', actionURL: 'https://example.com/ack' },
					{
						title: 'Runbook',
						actionURL: 'dingtalk://dingtalkclient/page/link?url=https%3A%2F%2Fexample.com',
					},
				],
				btnOrientation: '1',
				hideAvatar: '1',
			},
		});
	});

	it('sends a feed card (messageURL / picURL spelling)', async () => {
		const { execution } = await run('feedCard');
		expectDelivered(execution, {
			msgtype: 'feedCard',
			feedCard: {
				links: [
					{
						title: 'e2e: first story',
						messageURL: 'https://example.com/1',
						picURL: 'https://example.com/1.png',
					},
					{
						title: 'Second story',
						messageURL: 'https://example.com/2',
						picURL: 'https://example.com/2.png',
					},
				],
			},
		});
	});

	it('sends raw JSON unchanged, with the given message UUID', async () => {
		const message = {
			msgtype: 'markdown',
			markdown: { title: 'e2e raw', text: 'Everyone, **look**' },
			at: { isAtAll: true },
		};
		const { execution } = await run('raw', { message, msgUuid: 'e2e-raw-uuid-0001' });
		expectDelivered(execution, message);
		expect(JSON.parse(fake.requests[0].rawBody).msgUuid).toBe('e2e-raw-uuid-0001');
		expect(fake.received[0].notified.all).toBe(true);
	});

	it('replies through a session webhook without token or signature', async () => {
		const sessionWebhook = fake.addSession(Date.now() + 60_000);
		const { execution } = await run('sessionReply', {
			sessionWebhook,
			expiresAt: Date.now() + 60_000,
			staffId: 'e2e-staff-01',
		});

		expect(failureOf(execution).status).toBe('success');
		const [output] = nodeOutput(execution.data, 'DingTalk Robot');
		expect(output).toMatchObject({ errcode: 0, sentTo: 'sessionWebhook' });
		expect(fake.requests).toHaveLength(1);
		const [request] = fake.requests;
		expect(request.path).toBe('/robot/sendBySession');
		expect(Object.keys(request.query)).toEqual(['session']);
		expect(JSON.parse(request.rawBody)).toEqual({
			msgtype: 'text',
			text: { content: 'Got it, on my way @e2e-staff-01' },
			at: { atUserIds: ['e2e-staff-01'] },
			msgUuid: output.msgUuid,
		});
		expect(fake.received).toMatchObject([{ via: 'session' }]);
	});

	it('refuses an expired session webhook before sending anything', async () => {
		const sessionWebhook = fake.addSession(Date.now() + 60_000);
		const { execution } = await run('sessionReply', {
			sessionWebhook,
			expiresAt: Date.now() - 1000,
			staffId: 'e2e-staff-01',
		});

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			node: 'DingTalk Robot',
			message: expect.stringContaining('The session webhook expired'),
		});
		expect(fake.requests).toHaveLength(0);
	});

	it('fails with errcode 300001 when DingTalk no longer knows the session', async () => {
		const sessionWebhook = `${fake.baseUrl}/robot/sendBySession?session=gone`;
		const { execution } = await run('sessionReply', { sessionWebhook, staffId: 'e2e-staff-01' });

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			node: 'DingTalk Robot',
			errcode: 300001,
			message: expect.stringContaining('(errcode 300001)'),
		});
		expect(fake.requests).toHaveLength(1);
		expect(fake.received).toHaveLength(0);
	});

	it('fails with errcode 310000 when the secret is wrong', async () => {
		const { result, execution } = await run('wrongSecret');

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			node: 'DingTalk Robot',
			errcode: 310000,
			message: 'DingTalk rejected the message: sign not match (errcode 310000) [item 0]',
		});
		expect(fake.requests).toHaveLength(1);
		expect(fake.requests[0].response).toEqual({ errcode: 310000, errmsg: 'sign not match' });
		expect(fake.received).toHaveLength(0);
		// The Webhook node reports the failed run instead of the node output.
		expect(result.status).toBe(500);
	});

	it('fails with errcode 310000 when the message lacks the robot’s keyword', async () => {
		const { execution } = await run('noKeywords');

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			errcode: 310000,
			message: 'DingTalk rejected the message: keywords not in content (errcode 310000) [item 0]',
		});
		expect(fake.received).toHaveLength(0);
	});

	it('with "Missing Keyword: Fail" sends nothing and names the keyword', async () => {
		const { execution } = await run('keywordRequired');

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			node: 'DingTalk Robot',
			message: expect.stringContaining("contains none of the robot's keywords (e2e)"),
		});
		expect(fake.requests).toHaveLength(0);
	});

	it('fails with the errcode of an error the node does not know', async () => {
		fake.injectFaults({ errcode: 888888, errmsg: 'mystery failure' });
		const { execution } = await run('text', { content: 'e2e status' });

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			errcode: 888888,
			message: 'DingTalk rejected the message: mystery failure (errcode 888888) [item 0]',
		});
		// Not retried: an unknown errcode is not a temporary failure.
		expect(fake.requests).toHaveLength(1);
	});

	it('fails with errcode 130101 when DingTalk throttles and no retry is left', async () => {
		fake.injectFaults({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
		const { execution } = await run('throttled', { maxRetries: 0 });

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			errcode: 130101,
			message: expect.stringContaining('(errcode 130101)'),
		});
		expect(fake.requests).toHaveLength(1);
		expect(fake.received).toHaveLength(0);
	});

	it('retries a throttled message once with the same msgUuid and delivers it once', async () => {
		fake.injectFaults({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
		const { execution } = await run('throttled', { maxRetries: 2 });

		expect(failureOf(execution).status).toBe('success');
		const [output] = nodeOutput(execution.data, 'DingTalk Robot');
		expect(output).toMatchObject({ errcode: 0, attempts: 2 });
		expect(fake.requests).toHaveLength(2);
		const sentUuids = fake.requests.map((request) => JSON.parse(request.rawBody).msgUuid);
		expect(sentUuids).toEqual([output.msgUuid, output.msgUuid]);
		for (const request of fake.requests) {
			expect(request.query.sign).toBe(robotSign(THROTTLED_ROBOT.secret, request.query.timestamp));
		}
		expect(fake.received).toHaveLength(1);
	});

	it('runs from the Manual Trigger with `n8n execute` beside the running n8n', async () => {
		const result = await n8n().execute(WORKFLOWS.manual.id);
		// The saved execution is the verdict. A failed run exits non-zero; n8n 2.41 on Node 24 can
		// also die of SIGSEGV while shutting down after a run it saved as a success.
		expect({ mode: result.saved.mode, status: result.saved.status }).toEqual({
			mode: 'cli',
			status: 'success',
		});
		expect([0, 'SIGSEGV']).toContain(result.signal ?? result.exitCode);
		const [output] = nodeOutput(result.saved.data, 'DingTalk Robot');
		expect(JSON.parse(signedRequest(OPS_ROBOT).rawBody)).toEqual({
			msgtype: 'text',
			text: { content: 'Deployment finished: e2e build 42 is live' },
			msgUuid: output.msgUuid,
		});
		expect(fake.received).toHaveLength(1);
		// When the command got as far as printing the run, it printed the same one.
		if (result.printed) {
			expect(result.printed.status).toBe('success');
			expect(nodeOutput(result.printed.data, 'DingTalk Robot')).toEqual([output]);
		}
	});
});
