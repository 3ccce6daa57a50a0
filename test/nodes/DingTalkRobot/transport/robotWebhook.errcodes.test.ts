import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { FakeDingTalk } from '../../../fake-dingtalk';
import {
	addRobot,
	expectApiError,
	params,
	send,
	sendExpectingError,
	uniqueToken,
	useFakeDingTalk,
} from '../support/robot';
import type { TestRobot } from '../support/robot';

let clockOffsetMs = 0;
const fake = useFakeDingTalk({
	now: () => Date.now() + clockOffsetMs,
	bannedWords: ['赌博'],
	rateLimit: { limit: 2, windowMs: 60_000, banMs: 600_000 },
});
afterEach(() => {
	clockOffsetMs = 0;
});

const HINTS = {
	keyword: /none of the robot's keywords \(关键词\)/,
	timestamp: /clock of the n8n server is more than one hour off/,
	sign: /signature does not match.*SEC\.\.\. value/,
	noSecret: /加签 \(signing\) enabled but the credential has no Secret/,
	ip: /IP allow-list does not include/,
	security: /A robot security check failed/,
	token: /DingTalk does not know this access token/,
	disabled: /robot is disabled/,
	notInGroup: /no longer exists in this group/,
	disbanded: /disbanded/,
	throttled: /20 messages a minute per robot/,
	busy: /DingTalk is busy/,
	contentSafety: /content-safety check rejected the message/,
	tooLong: /longer than 20,000 bytes/,
	msgtype: /does not support this message type/,
	malformed: /required field missing or the request malformed/,
	unknown: /errcode this node does not know/,
};

const text = (content = 'hello') => params('sendText', { content }, { maxRetries: 0 });

interface Case {
	robot?: (fake: FakeDingTalk) => TestRobot;
	parameters?: INodeParameters;
	before?: (fake: FakeDingTalk) => void;
	errcode: number;
	errmsg: string | RegExp;
	hint: RegExp;
}

/** Produced by the fake for real: the node sent something DingTalk would refuse the same way. */
const realCases: Array<[string, Case]> = [
	[
		'310000 keywords (robot has keywords, credential lists none)',
		{
			robot: (f) => addRobot(f, { keywords: ['告警'] }),
			errcode: 310000,
			errmsg: 'keywords not in content',
			hint: HINTS.keyword,
		},
	],
	[
		'310000 invalid timestamp (clocks more than an hour apart)',
		{
			robot: (f) => addRobot(f, { secret: 'SEC-clock' }),
			before: () => {
				clockOffsetMs = 61 * 60_000;
			},
			errcode: 310000,
			errmsg: 'invalid timestamp',
			hint: HINTS.timestamp,
		},
	],
	[
		'310000 sign not match (wrong secret)',
		{
			robot: (f) => addRobot(f, { secret: 'SEC-right' }, { secret: 'SEC-wrong' }),
			errcode: 310000,
			errmsg: 'sign not match',
			hint: HINTS.sign,
		},
	],
	[
		'310000 invalid timestamp (no secret in the credential while 加签 is on)',
		{
			robot: (f) => addRobot(f, { secret: 'SEC-required' }, { secret: '' }),
			errcode: 310000,
			errmsg: 'invalid timestamp',
			hint: HINTS.noSecret,
		},
	],
	[
		'310000 ip not in whitelist',
		{
			robot: (f) => addRobot(f, { ipAllowList: ['10.1.2.3', '192.168.0.0/16'] }),
			errcode: 310000,
			errmsg: 'ip 127.0.0.1 not in whitelist',
			hint: HINTS.ip,
		},
	],
	[
		'300005 unknown token',
		{
			robot: (f) => {
				const robot = addRobot(f);
				robot.credential.accessToken = uniqueToken('unknown');
				return robot;
			},
			errcode: 300005,
			errmsg: 'token is not exist',
			hint: HINTS.token,
		},
	],
	[
		'400102 robot disabled',
		{
			robot: (f) => addRobot(f, { disabled: true }),
			errcode: 400102,
			errmsg: '机器人已停用',
			hint: HINTS.disabled,
		},
	],
	[
		'400013 group disbanded',
		{
			robot: (f) => addRobot(f, { groupDisbanded: true }),
			errcode: 400013,
			errmsg: '群已被解散',
			hint: HINTS.disbanded,
		},
	],
	[
		'430102 banned text',
		{
			parameters: text('赌博 tonight'),
			errcode: 430102,
			errmsg: '含有不合适的文本',
			hint: HINTS.contentSafety,
		},
	],
	[
		'40035 field DingTalk does not know (raw JSON)',
		{
			parameters: params(
				'sendRaw',
				{ jsonMessage: '{"msgtype":"text","text":{"content":"x"},"title":"stray"}' },
				{ maxRetries: 0 },
			),
			errcode: 40035,
			errmsg: '未知参数 title',
			hint: HINTS.malformed,
		},
	],
];

/** Answers the fake cannot provoke from a well-behaved node, injected as DingTalk sends them. */
const injectedCases: Array<[number, string, RegExp]> = [
	[
		310000,
		'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]',
		HINTS.sign,
	],
	[310000, 'security check failed', HINTS.security],
	[400101, 'access_token不存在', HINTS.token],
	[300001, 'token is not exist', HINTS.token],
	[40035, '缺少参数 access_token', HINTS.token],
	[400106, '机器人不存在', HINTS.notInGroup],
	[130101, 'send too fast, exceed 20 times per minute', HINTS.throttled],
	[410100, '发送速度太快而限流', HINTS.throttled],
	[660026, 'sending too many messages per minute', HINTS.throttled],
	[999001, 'send too fast', HINTS.throttled],
	[-1, '系统繁忙', HINTS.busy],
	[430101, '含有不安全的外链', HINTS.contentSafety],
	[430103, '含有不合适的图片', HINTS.contentSafety],
	[430104, '含有不合适的内容', HINTS.contentSafety],
	[460101, 'message too long, exceed 20000 bytes', HINTS.tooLong],
	[400105, '不支持的消息类型', HINTS.msgtype],
	[43004, '无效的HTTP HEADER Content-Type', HINTS.malformed],
	[123456, 'something DingTalk added later', HINTS.unknown],
];

describe('DingTalk refusals produced for real by the fake', () => {
	it.each(realCases)('%s', async (_label, scenario) => {
		const robot = scenario.robot ? scenario.robot(fake()) : addRobot(fake());
		scenario.before?.(fake());
		const error = await sendExpectingError(robot, scenario.parameters ?? text());
		const apiError = expectApiError(error, { errcode: scenario.errcode, hint: scenario.hint });
		expect(apiError.context.dingTalkMessage).toMatch(scenario.errmsg);
		expect(apiError.message).toMatch(scenario.errmsg);
		expect(fake().requests).toHaveLength(1);
		expect(fake().received).toHaveLength(0);
		// Neither the token nor the secret leaks into what the user sees.
		const shown = `${apiError.message} ${apiError.description} ${JSON.stringify(apiError.context)}`;
		expect(shown).not.toContain(robot.token);
		if (robot.credential.secret) expect(shown).not.toContain(robot.credential.secret);
	});

	it('130101 after the robot sent its 20 (here 2) messages of the minute', async () => {
		const robot = addRobot(fake());
		const output = await send(
			robot,
			params(
				'sendText',
				{ content: '={{ "message " + $json.n }}' },
				{ maxRetries: 0, rateLimit: 100 },
			),
			{ items: [{ n: 1 }, { n: 2 }, { n: 3 }], continueOnFail: true },
		);
		expect(output.map((item) => item.json.errcode ?? item.json.code)).toEqual([0, 0, 130101]);
		expect(output[2].json.description).toMatch(HINTS.throttled);
		expect(fake().received).toHaveLength(2);
	});
});

describe('DingTalk refusals injected as DingTalk sends them', () => {
	it.each(injectedCases)(
		'errcode %i (%s) fails the item with its hint',
		async (errcode, errmsg, hint) => {
			const robot = addRobot(fake(), { secret: 'SEC-injected' });
			fake().injectFaults({ errcode, errmsg });
			const error = await sendExpectingError(robot, text());
			expectApiError(error, { errcode, errmsg, hint });
			expect(fake().requests).toHaveLength(1);
			expect(fake().received).toHaveLength(0);
		},
	);

	it('a sign refusal of an unsigned request points at the missing secret, not at the clock', async () => {
		const robot = addRobot(fake());
		fake().injectFaults({ errcode: 310000, errmsg: 'sign not match' });
		const error = await sendExpectingError(robot, text());
		expectApiError(error, { errcode: 310000, errmsg: 'sign not match', hint: HINTS.noSecret });
	});
});

describe('answers without a usable errcode', () => {
	async function answerWith(body: string, options: IDataObject = { maxRetries: 0 }) {
		const robot = addRobot(fake(), { secret: 'SEC-answers' });
		fake().injectFaults({ status: 200, body });
		return await sendExpectingError(robot, params('sendText', { content: 'x' }, options));
	}

	it.each([
		['a JSON object without errcode', '{"success":true}'],
		['an HTML page', '<html><body>Welcome to nginx</body></html>'],
		['an empty body', ''],
	])('HTTP 200 with %s is a failure, never a silent success', async (_label, body) => {
		const error = await answerWith(body, {});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('DingTalk answered HTTP 200 without an errcode [item 0]');
		expect((error as NodeApiError).description).toMatch(/Base URL may not point at DingTalk/);
		// Not a temporary failure: not retried although maxRetries is left at 3.
		expect(fake().requests).toHaveLength(1);
	});

	it('a string errcode "0" is success, as in DingTalk’s documentation example', async () => {
		const robot = addRobot(fake());
		fake().injectFaults({ status: 200, body: '{"errcode":"0","errmsg":"ok"}' });
		const output = await send(robot, text());
		expect(output[0].json).toMatchObject({ errcode: '0', errmsg: 'ok', attempts: 1 });
	});

	it('a string errcode "310000" is a failure', async () => {
		const error = await answerWith('{"errcode":"310000","errmsg":"sign not match"}');
		expectApiError(error, { errcode: 310000, errmsg: 'sign not match', hint: HINTS.sign });
	});

	it("the gateway's IP throttle (status 1111, no errcode) waits as told and retries", async () => {
		const robot = addRobot(fake());
		fake().injectFaults({
			status: 200,
			body: '{"status":1111,"wait":0.05,"source":"x5","punish":"deny","uuid":"u1"}',
		});
		const started = Date.now();
		const output = await send(robot, params('sendText', { content: 'x' }, { maxRetries: 1 }));
		expect(Date.now() - started).toBeGreaterThanOrEqual(45);
		expect(output[0].json).toMatchObject({ errcode: 0, attempts: 2 });
		expect(fake().received).toHaveLength(1);
	});

	it("the gateway's IP throttle fails clearly once retries are used up", async () => {
		const error = await answerWith('{"status":1111,"wait":0.01,"source":"x5","punish":"deny"}');
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe("DingTalk's gateway throttled this server [item 0]");
	});
});
