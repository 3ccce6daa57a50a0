/** A DingTalk error answer. DingTalk sends these with HTTP 200; only `errcode` tells success from failure. */
export interface DingTalkError {
	errcode: number;
	errmsg: string;
}

/** Errcodes and errmsgs as DingTalk returns them (protocol notes §1.6, official table plus field observations). */
export const dingTalkErrors = {
	ok: { errcode: 0, errmsg: 'ok' },
	postRequired: { errcode: 43002, errmsg: '需要POST请求' },
	invalidContentType: { errcode: 43004, errmsg: '无效的HTTP HEADER Content-Type' },
	missingAccessToken: { errcode: 40035, errmsg: '缺少参数 access_token' },
	tokenNotExist: { errcode: 300005, errmsg: 'token is not exist' },
	robotDisabled: { errcode: 400102, errmsg: '机器人已停用' },
	groupDisbanded: { errcode: 400013, errmsg: '群已被解散' },
	invalidTimestamp: { errcode: 310000, errmsg: 'invalid timestamp' },
	signNotMatch: { errcode: 310000, errmsg: 'sign not match' },
	keywordsNotInContent: { errcode: 310000, errmsg: 'keywords not in content' },
	messageTooLong: { errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' },
	missingJson: { errcode: 40035, errmsg: '缺少参数 json' },
	unsupportedMsgtype: { errcode: 400105, errmsg: '不支持的消息类型' },
	inappropriateText: { errcode: 430102, errmsg: '含有不合适的文本' },
	sessionNotExist: { errcode: 300001, errmsg: 'session 不存在' },
} satisfies Record<string, DingTalkError>;

export function ipNotInWhitelist(ip: string): DingTalkError {
	return { errcode: 310000, errmsg: `ip ${ip} not in whitelist` };
}

/** The errcodes DingTalk has been seen to answer when a robot sends more than 20 messages a minute. */
export const throttleErrors: Record<number, DingTalkError> = {
	130101: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' },
	410100: { errcode: 410100, errmsg: '发送速度太快而限流' },
	660026: { errcode: 660026, errmsg: 'sending too many messages per minute' },
};

/** DingTalk's limit on a webhook request body (field-observed, errcode 460101). */
export const MAX_BODY_BYTES = 20000;
