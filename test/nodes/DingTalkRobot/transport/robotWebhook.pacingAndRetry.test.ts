import { NodeApiError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { FakeDingTalk } from '../../../fake-dingtalk';
import type { FakeDingTalkOptions } from '../../../fake-dingtalk';
import { postJson, sendUrl, textMessage } from '../../../fake-dingtalk/testClient';
import { addRobot, expectApiError, params, send, sendExpectingError } from '../support/robot';
import { WireRecorder } from '../support/wireRecorder';

/** Each test gets its own fake, so its rate limit can be shrunk like the node's options. */
async function withFake(options: FakeDingTalkOptions, run: (fake: FakeDingTalk) => Promise<void>) {
	const fake = new FakeDingTalk(options);
	await fake.start();
	try {
		await run(fake);
	} finally {
		await fake.stop();
	}
}

const numbered = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));
const numberedText = (options: IDataObject) =>
	params('sendText', { content: '={{ "message " + $json.n }}' }, options);

describe('pacing per robot', () => {
	it('waits for free slots: 7 messages at 3 per 0.15 s all arrive, spaced, without a throttle', async () => {
		const windowMs = 150;
		await withFake({ rateLimit: { limit: 3, windowMs, banMs: 60_000 } }, async (fake) => {
			const robot = addRobot(fake, { secret: 'SEC-pacing' });
			const output = await send(
				robot,
				numberedText({ rateLimit: 3, rateWindow: windowMs / 1000, maxRetries: 0 }),
				{ items: numbered(7) },
			);

			expect(output.map((item) => item.json.errcode)).toEqual([0, 0, 0, 0, 0, 0, 0]);
			expect(output.map((item) => item.json.attempts)).toEqual([1, 1, 1, 1, 1, 1, 1]);
			expect(fake.requests).toHaveLength(7);
			const received = fake.received;
			expect(received.map((message) => message.body.text.content)).toEqual(
				numbered(7).map(({ n }) => `message ${n}`),
			);
			expect(new Set(received.map((message) => message.msgUuid)).size).toBe(7);
			// Never more than 3 inside any window, as the fake (and DingTalk) counts them.
			for (let index = 3; index < received.length; index++) {
				expect(received[index].receivedAt - received[index - 3].receivedAt).toBeGreaterThanOrEqual(
					windowMs,
				);
			}
		});
	});

	it('"Processes Sending to This Robot" keeps this process to its share of the Rate Limit', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			const options = {
				rateLimit: 6,
				rateWindow: 60,
				rateLimitProcesses: 3,
				rateLimitHandling: 'fail',
			};
			const output = await send(robot, numberedText(options), {
				items: numbered(4),
				continueOnFail: true,
			});
			expect(output.map((item) => item.json.errcode ?? item.json.code)).toEqual([
				0,
				0,
				'rateLimited',
				'rateLimited',
			]);
			expect(fake.requests).toHaveLength(2);
		});
	});

	it('refuses more processes than the Rate Limit has messages, naming the option and the item', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			const options = { rateLimit: 2, rateLimitProcesses: 3 };
			const output = await send(robot, numberedText(options), {
				items: numbered(1),
				continueOnFail: true,
			});
			expect(String(output[0].json.error)).toMatch(
				/3 processes cannot share a Rate Limit of 2 messages per window.*\[item 0\]/,
			);
			expect(JSON.stringify(output[0].json)).toMatch(/Processes Sending to This Robot/);
			expect(fake.requests).toHaveLength(0);
		});
	});

	it('"Fail the Item" fails fast once the robot used its slots, without a request', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			const options = { rateLimit: 2, rateWindow: 60, rateLimitHandling: 'fail' };
			// Waiting for a free slot would take the 60 s window, far beyond the test's timeout.
			const output = await send(robot, numberedText(options), {
				items: numbered(4),
				continueOnFail: true,
			});
			expect(output.map((item) => item.json.errcode ?? item.json.code)).toEqual([
				0,
				0,
				'rateLimited',
				'rateLimited',
			]);
			expect(output[2].json.error).toBe(
				'The robot reached its limit of 2 messages per 60 s; not sent [item 2]',
			);
			expect(output[2].json.description).toMatch(/Wait for a Free Slot/);
			expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
			expect(fake.requests).toHaveLength(2);

			// The pacer is shared by every execution in the process: a later run is refused too...
			const again = await sendExpectingError(robot, numberedText(options), { items: numbered(1) });
			expect(again).toBeInstanceOf(NodeApiError);
			expect(fake.requests).toHaveLength(2);

			// ...but another robot (another token) has its own slots.
			await send(addRobot(fake), numberedText(options), { items: numbered(2) });
			expect(fake.requests).toHaveLength(4);
		});
	});
});

describe('throttling by DingTalk', () => {
	it('is retried with the same msgUuid and posted exactly once (window pre-filled elsewhere)', async () => {
		await withFake({ rateLimit: { limit: 2, windowMs: 60_000, banMs: 150 } }, async (fake) => {
			const robot = addRobot(fake);
			// Another sender (another n8n, a script) used the robot's minute already.
			for (const content of ['other 1', 'other 2']) {
				const answer = await postJson(sendUrl(fake.baseUrl, robot.token), textMessage(content));
				expect(answer.json).toEqual({ errcode: 0, errmsg: 'ok' });
			}

			const started = Date.now();
			const output = await send(
				robot,
				params('sendText', { content: 'ours' }, { rateLimit: 2, rateWindow: 0.2, maxRetries: 2 }),
			);

			expect(output[0].json).toMatchObject({ errcode: 0, attempts: 2 });
			expect(Date.now() - started).toBeGreaterThanOrEqual(150);
			const ours = fake.requests.slice(2).map((request) => JSON.parse(request.rawBody));
			expect(ours).toHaveLength(2);
			expect(fake.requests[2].response).toMatchObject({ errcode: 130101 });
			expect(ours[0].msgUuid).toBe(output[0].json.msgUuid);
			expect(ours[1].msgUuid).toBe(ours[0].msgUuid);
			expect(fake.received.filter((message) => message.body.text.content === 'ours')).toHaveLength(
				1,
			);
		});
	});

	it.each([
		[410100, '发送速度太快而限流'],
		[660026, 'sending too many messages per minute'],
	])('errcode %i is retried after the window and posted once', async (errcode, errmsg) => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			fake.injectFaults({ errcode, errmsg });
			const output = await send(
				robot,
				params('sendText', { content: 'x' }, { rateLimit: 1, rateWindow: 0.05, maxRetries: 1 }),
			);
			expect(output[0].json).toMatchObject({ errcode: 0, attempts: 2 });
			const uuids = fake.requests.map((request) => JSON.parse(request.rawBody).msgUuid);
			expect(uuids).toEqual([output[0].json.msgUuid, output[0].json.msgUuid]);
			expect(fake.received).toHaveLength(1);
		});
	});

	it('fails with the throttle hint once the retries are used up', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			const throttled = { errcode: 660026, errmsg: 'sending too many messages per minute' };
			fake.injectFaults(throttled, throttled, throttled);
			const error = await sendExpectingError(
				robot,
				params('sendText', { content: 'x' }, { rateLimit: 5, rateWindow: 0.03, maxRetries: 2 }),
			);
			expectApiError(error, { errcode: 660026, hint: /20 messages a minute per robot/ });
			expect(fake.requests).toHaveLength(3);
			expect(
				new Set(fake.requests.map((request) => JSON.parse(request.rawBody).msgUuid)).size,
			).toBe(1);
		});
	});

	it('is not retried with "Fail the Item"', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			fake.injectFaults({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
			const error = await sendExpectingError(
				robot,
				params('sendText', { content: 'x' }, { rateLimitHandling: 'fail', maxRetries: 3 }),
			);
			expectApiError(error, { errcode: 130101, hint: /20 messages a minute/ });
			expect(fake.requests).toHaveLength(1);
		});
	});
});

describe('temporary failures', () => {
	it('-1, HTTP 502 and a dropped connection are retried with backoff and the same msgUuid', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake, { secret: 'SEC-retry' });
			fake.injectFaults(
				{ errcode: -1, errmsg: '系统繁忙' },
				{ status: 502, body: '<html>502 Bad Gateway</html>' },
				{ drop: true },
			);
			const started = Date.now();
			const output = await send(
				robot,
				params('sendText', { content: 'x' }, { maxRetries: 3, retryDelay: 10 }),
			);
			// 10 + 20 + 40 ms of backoff.
			expect(Date.now() - started).toBeGreaterThanOrEqual(70);
			expect(output[0].json).toMatchObject({ errcode: 0, attempts: 4 });
			expect(fake.requests.map((request) => request.status)).toEqual([200, 502, 0, 200]);
			const uuids = fake.requests.map((request) => JSON.parse(request.rawBody).msgUuid);
			expect(new Set(uuids)).toEqual(new Set([output[0].json.msgUuid]));
			expect(fake.received).toHaveLength(1);
		});
	});

	it('HTTP 502 beyond maxRetries fails clearly', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			const badGateway = { status: 502, body: '<html>502 Bad Gateway</html>' };
			fake.injectFaults(badGateway, badGateway, badGateway);
			const error = await sendExpectingError(
				robot,
				params('sendText', { content: 'x' }, { maxRetries: 2, retryDelay: 5 }),
			);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe('DingTalk answered HTTP 502 [item 0]');
			expect((error as NodeApiError).httpCode).toBe('502');
			expect(fake.requests).toHaveLength(3);
			expect(fake.received).toHaveLength(0);
		});
	});

	it('a dropped connection beyond maxRetries fails clearly, naming what happened', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			fake.injectFaults({ drop: true }, { drop: true });
			const error = await sendExpectingError(
				robot,
				params('sendText', { content: 'x' }, { maxRetries: 1, retryDelay: 5 }),
			);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe('Could not reach DingTalk (socket hang up) [item 0]');
			expect((error as NodeApiError).description).toMatch(/connection failed or timed out/);
			expect(fake.requests).toHaveLength(2);
		});
	});

	it('a refused connection fails clearly after the retries', async () => {
		const closed = new FakeDingTalk();
		const baseUrl = await closed.start();
		await closed.stop();
		const robot = {
			token: 'closed-port',
			credential: { accessToken: 'closed-port', secret: '', keywords: '', baseUrl },
			credentials: {
				dingTalkRobotApi: { accessToken: 'closed-port', secret: '', keywords: '', baseUrl },
			},
		};
		const error = await sendExpectingError(
			robot,
			params('sendText', { content: 'x' }, { maxRetries: 1, retryDelay: 5 }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(
			/^Could not reach DingTalk \(connect ECONNREFUSED 127\.0\.0\.1:\d+\) \[item 0\]$/,
		);
	});

	it('an answer lost after DingTalk posted is retried with the same msgUuid and not posted twice', async () => {
		await withFake({}, async (fake) => {
			const wire = new WireRecorder(fake.baseUrl);
			await wire.start();
			try {
				const robot = addRobot(fake, { secret: 'SEC-lost' }, { baseUrl: wire.baseUrl });
				wire.loseAnswers(1);
				const output = await send(
					robot,
					params('sendText', { content: 'exactly once' }, { maxRetries: 2, retryDelay: 5 }),
				);
				expect(output[0].json).toMatchObject({ errcode: 0, attempts: 2 });
				expect(fake.requests).toHaveLength(2);
				expect(fake.requests.map((request) => request.response)).toEqual([
					{ errcode: 0, errmsg: 'ok' },
					{ errcode: 0, errmsg: 'ok' },
				]);
				expect(fake.received).toHaveLength(1);
				expect(fake.received[0].msgUuid).toBe(output[0].json.msgUuid);
			} finally {
				await wire.stop();
			}
		});
	});

	it('maxRetries 0 sends once', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			fake.injectFaults({ errcode: -1, errmsg: '系统繁忙' });
			const error = await sendExpectingError(
				robot,
				params('sendText', { content: 'x' }, { maxRetries: 0 }),
			);
			expectApiError(error, { errcode: -1, hint: /busy/ });
			expect(fake.requests).toHaveLength(1);
		});
	});
});

describe('the msgUuid option', () => {
	it('is used as the idempotency key, so the same alert is posted once across executions', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			const parameters = params(
				'sendText',
				{ content: 'disk full' },
				{ msgUuid: '={{ "alert-" + $json.alertId }}' },
			);
			const first = await send(robot, parameters, { items: [{ alertId: 42 }] });
			const second = await send(robot, parameters, { items: [{ alertId: 42 }] });

			expect(first[0].json.msgUuid).toBe('alert-42');
			expect(second[0].json).toMatchObject({ errcode: 0, msgUuid: 'alert-42' });
			expect(fake.requests.map((request) => JSON.parse(request.rawBody).msgUuid)).toEqual([
				'alert-42',
				'alert-42',
			]);
			expect(fake.received).toHaveLength(1);
		});
	});

	it('keeps the msgUuid of a raw JSON message unless the option sets one', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			const jsonMessage = '{"msgtype":"text","text":{"content":"raw"},"msgUuid":"from-json"}';
			await send(robot, params('sendRaw', { jsonMessage }));
			await send(robot, params('sendRaw', { jsonMessage }, { msgUuid: 'from-option' }));
			expect(fake.received.map((message) => message.msgUuid)).toEqual(['from-json', 'from-option']);
		});
	});

	// n8n's Retry On Fail runs the node again in the same execution, with the same run index.
	it('by default, a Retry On Fail after a failed item does not post the earlier items again', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			const parameters = params('sendText', { content: '={{ $json.text }}' });
			const items = [{ text: 'one' }, { text: 'two' }, { text: 'three' }];
			// The second message is refused once (robot disabled), so the first try fails there.
			fake.injectFaults({ delayMs: 0 }, { errcode: 400102, errmsg: 'robot disabled' });
			const error = await sendExpectingError(robot, parameters, {
				items,
				executionId: 'execution-retry-on-fail',
			});
			expect(error.message).toContain('(errcode 400102)');
			const retried = await send(robot, parameters, {
				items,
				executionId: 'execution-retry-on-fail',
			});

			expect(retried.map((item) => item.json.errcode)).toEqual([0, 0, 0]);
			expect(fake.received.map((message) => message.body.text.content)).toEqual([
				'one',
				'two',
				'three',
			]);
			const uuids = fake.requests.map((request) => JSON.parse(request.rawBody).msgUuid);
			expect(uuids).toHaveLength(5);
			expect(new Set(uuids).size).toBe(3);
		});
	});

	it('by default, another execution posts again, with new msgUuids', async () => {
		await withFake({}, async (fake) => {
			const robot = addRobot(fake);
			const parameters = params('sendText', { content: 'nightly report' });
			const first = await send(robot, parameters);
			const second = await send(robot, parameters);
			expect(first[0].json.msgUuid).not.toBe(second[0].json.msgUuid);
			expect(fake.received).toHaveLength(2);
		});
	});
});
