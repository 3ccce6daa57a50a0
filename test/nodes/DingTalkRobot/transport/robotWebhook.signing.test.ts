import axios from 'axios';
import type { AxiosRequestConfig } from 'axios';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { DingTalkRobotApi } from '../../../../credentials/DingTalkRobotApi.credentials';
import { expectedSign } from '../../../fake-dingtalk/testClient';
import { addRobot, params, send, useFakeDingTalk } from '../support/robot';
import { WireRecorder } from '../support/wireRecorder';

const { convertN8nRequestToAxios } = jest.requireActual<{
	convertN8nRequestToAxios(request: IHttpRequestOptions): AxiosRequestConfig;
}>('n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions');

/** Published sample inputs (protocol notes §1.2, vector S2). */
const VECTOR = {
	timestamp: 1577262236757,
	secret: 'this is a secret',
	sign: 'DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=',
	encodedSign: 'DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA%3D',
};

/** Freezes Date only: sockets, n8n's sleep and the fake server keep real timers. */
function freezeDateAt(now: number) {
	jest.useFakeTimers({
		now,
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
}

/** `name=value` pairs of a raw request-target, exactly as they were on the wire. */
function rawQueryPairs(target: string): string[] {
	const query = target.slice(target.indexOf('?') + 1);
	return target.includes('?') ? query.split('&') : [];
}

// The fake reads Date.now on every request, so it follows the frozen clock as DingTalk's would.
const fake = useFakeDingTalk({ now: () => Date.now() });
let wire: WireRecorder;

beforeEach(async () => {
	wire = new WireRecorder(fake().baseUrl);
	await wire.start();
});

afterEach(async () => {
	jest.useRealTimers();
	await wire.stop();
});

describe('the signed URL on the wire', () => {
	it('matches the published vector, sign URL-encoded exactly once', async () => {
		freezeDateAt(VECTOR.timestamp);
		const robot = addRobot(fake(), { secret: VECTOR.secret }, { baseUrl: wire.baseUrl });

		await send(robot, params('sendText', { content: 'signed' }));

		expect(wire.targets).toHaveLength(1);
		const [target] = wire.targets;
		expect(target.startsWith('/robot/send?')).toBe(true);
		const pairs = rawQueryPairs(target);
		expect(pairs.filter((pair) => pair === `sign=${VECTOR.encodedSign}`)).toHaveLength(1);
		expect(pairs.filter((pair) => pair.startsWith('sign='))).toHaveLength(1);
		expect(pairs.filter((pair) => pair === `timestamp=${VECTOR.timestamp}`)).toHaveLength(1);
		expect(pairs.filter((pair) => pair === `access_token=${robot.token}`)).toHaveLength(1);
		// The fake decodes the query once, exactly like DingTalk, and accepted the signature.
		expect(fake().received).toHaveLength(1);
	});

	it('encodes +, / and = of a sign as %2B, %2F and %3D', async () => {
		const timestamp = 1577262236759;
		const sign = expectedSign(VECTOR.secret, timestamp);
		expect(sign).toContain('+');
		expect(sign).toContain('/');
		freezeDateAt(timestamp);
		const robot = addRobot(fake(), { secret: VECTOR.secret }, { baseUrl: wire.baseUrl });

		await send(robot, params('sendText', { content: 'signed' }));

		const signPair = rawQueryPairs(wire.targets[0]).find((pair) => pair.startsWith('sign='));
		expect(signPair).toBe(`sign=${encodeURIComponent(sign)}`);
		expect(signPair).toMatch(/%2B/);
		expect(signPair).toMatch(/%2F/);
		expect(signPair).not.toMatch(/[+/]|%25/);
		expect(fake().received).toHaveLength(1);
	});

	it('matches the vector through authenticate() and n8n-core convertN8nRequestToAxios', async () => {
		freezeDateAt(VECTOR.timestamp);
		const credential = new DingTalkRobotApi();
		const request = await credential.authenticate(
			{
				accessToken: 'https://oapi.dingtalk.com/robot/send?access_token=abc123',
				secret: VECTOR.secret,
				keywords: '',
				baseUrl: 'https://oapi.dingtalk.com',
			},
			{ method: 'POST', baseURL: 'https://oapi.dingtalk.com', url: '/robot/send', body: {} },
		);
		const uri = axios.getUri(convertN8nRequestToAxios(request));
		expect(uri).toBe(
			`https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=${VECTOR.timestamp}&sign=${VECTOR.encodedSign}`,
		);
	});

	it('signs every request afresh, retries included', async () => {
		const robot = addRobot(fake(), { secret: 'SEC-fresh' }, { baseUrl: wire.baseUrl });
		fake().injectFaults({ errcode: -1, errmsg: '系统繁忙' });

		const output = await send(
			robot,
			params('sendText', { content: 'retried' }, { maxRetries: 1, retryDelay: 30 }),
		);

		expect(output[0].json.attempts).toBe(2);
		const [first, second] = fake().requests.map((request) => request.query);
		expect(Number(second.timestamp)).toBeGreaterThanOrEqual(Number(first.timestamp) + 30);
		for (const query of [first, second]) {
			expect(query.sign).toBe(expectedSign('SEC-fresh', query.timestamp));
		}
		expect(fake().received).toHaveLength(1);
	});

	it('uses the current time, which the fake accepts within its one-hour window', async () => {
		const robot = addRobot(fake(), { secret: 'SEC-now' });
		const before = Date.now();
		await send(robot, params('sendText', { content: 'now' }));
		const timestamp = Number(fake().requests[0].query.timestamp);
		expect(timestamp).toBeGreaterThanOrEqual(before);
		expect(timestamp).toBeLessThanOrEqual(Date.now());
	});
});

describe('the access token and the secret of the credential', () => {
	it('takes the token from a whole webhook URL', async () => {
		const token = `hook-${Date.now()}`;
		const robot = addRobot(
			fake(),
			{ token, secret: 'SEC-hook' },
			{ accessToken: `  https://oapi.dingtalk.com/robot/send?access_token=${token}  ` },
		);
		await send(robot, params('sendText', { content: 'via URL' }));
		expect(fake().requests[0].query.access_token).toBe(token);
		expect(fake().received).toHaveLength(1);
	});

	it('takes a bare token as it is (trimmed)', async () => {
		const token = `bare-${Date.now()}`;
		const robot = addRobot(fake(), { token }, { accessToken: `\n${token} ` });
		await send(robot, params('sendText', { content: 'bare' }));
		expect(fake().requests[0].query.access_token).toBe(token);
		expect(fake().received).toHaveLength(1);
	});

	it('trims the secret before signing', async () => {
		const robot = addRobot(fake(), { secret: 'SEC-trimmed' }, { secret: '  SEC-trimmed\n' });
		await send(robot, params('sendText', { content: 'trimmed' }));
		expect(fake().received).toHaveLength(1);
	});

	it.each([
		['empty', ''],
		['blank', '   '],
	])('adds no timestamp or sign when the secret is %s', async (_label, secret) => {
		const robot = addRobot(fake(), {}, { secret, baseUrl: wire.baseUrl });
		await send(robot, params('sendText', { content: 'unsigned' }));
		const names = rawQueryPairs(wire.targets[0]).map((pair) => pair.split('=')[0]);
		expect(names).toEqual(['access_token']);
		expect(fake().received).toHaveLength(1);
	});

	it('never puts the token or the secret into the output', async () => {
		const robot = addRobot(fake(), { secret: 'SEC-never-shown-9f1c' });
		const output = await send(robot, params('sendText', { content: 'quiet' }));
		const shown = JSON.stringify(output);
		expect(shown).not.toContain('SEC-never-shown-9f1c');
		expect(shown).not.toContain(robot.token);
	});
});
