import { describeDingTalkError } from '../../../nodes/shared/errorCatalog';

describe('describeDingTalkError', () => {
	it.each([
		[310000, 'keywords not in content', 'security', /keywords/],
		[310000, 'invalid timestamp', 'security', /clock/],
		[
			310000,
			'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]',
			'security',
			/SEC\.\.\./,
		],
		[310000, 'ip 1.2.3.4 not in whitelist', 'security', /allow-list/],
		[300005, 'token is not exist', 'token', /access token/],
		[400101, 'access_token不存在', 'token', /access token/],
		[300001, 'session 不存在', 'session', /90 minutes/],
		[400102, '机器人已停用', 'robot', /disabled/],
		[400106, '机器人不存在', 'robot', /no longer exists/],
		[400013, '群已被解散', 'robot', /disbanded/],
		[130101, 'send too fast, exceed 20 times per minute', 'throttled', /20 messages a minute/],
		[410100, '发送速度太快而限流', 'throttled', /20 messages a minute/],
		[660026, 'sending too many messages per minute', 'throttled', /20 messages a minute/],
		[-1, '系统繁忙', 'transient', /busy/],
		[430102, '含有不合适的文本', 'content', /content-safety/],
		[460101, 'message too long, exceed 20000 bytes', 'content', /20,000 bytes/],
		[400105, '不支持的消息类型', 'content', /message type/],
		[999999, 'something new', 'unknown', /does not know/],
	])('%i %s -> %s', (errcode, errmsg, kind, hint) => {
		const info = describeDingTalkError(errcode, errmsg);
		expect(info.kind).toBe(kind);
		expect(info.hint).toMatch(hint);
		expect(info.retryable).toBe(kind === 'throttled' || kind === 'transient');
	});
});
