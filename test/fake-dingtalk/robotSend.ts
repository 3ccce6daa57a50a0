import { dingTalkErrors, ipNotInWhitelist, MAX_BODY_BYTES, type DingTalkError } from './errors';
import { isIpAllowed } from './ipAllowList';
import { notifiedPeople, visibleText } from './messageContent';
import {
	dingTalkReply,
	type FakeState,
	type Reply,
	type RequestContext,
	type Route,
} from './routing';
import { isPlainObject, validateMessage, type RobotMessage } from './schemas';
import { checkSignature } from './signature';
import type { FakeRobot } from './types';

/**
 * DingTalk does not publish the order of its checks; the fake uses this one, so that every
 * request fails on the first problem in this list:
 *  1. method must be POST (43002), Content-Type must be application/json (43004)
 *  2. access_token present (40035), known (300005), robot not disabled (400102), group not disbanded (400013)
 *     [sendBySession instead: session known and not expired (300001); steps 3, 4, 7 and 9 do not apply]
 *  3. 加签: timestamp numeric and within 1 hour of now (310000 invalid timestamp), sign matches (310000 sign not match)
 *  4. IP whitelist (310000 ip X not in whitelist)
 *  5. body at most 20000 bytes (460101), body is a JSON object (40035 缺少参数 json)
 *  6. msgtype supported (400105), then the strict per-type schema (40035 naming the field)
 *  7. custom keywords in the visible text (310000 keywords not in content)
 *  8. content safety: banned words (430102)
 *  9. rate limit: a banned robot gets the throttle errcode for every well-formed request
 * 10. msgUuid already accepted for this target: answer ok, record nothing, count nothing
 * 11. admit against the rate limit (the (limit+1)th message in the window is refused and starts a ban),
 *     then record the message and who its @ notified, and answer ok
 */
export function robotSendRoutes(state: FakeState): Route[] {
	return [
		{ path: '/robot/send', handle: (context) => handleRobotSend(state, context) },
		{ path: '/robot/sendBySession', handle: (context) => handleSendBySession(state, context) },
	];
}

function handleRobotSend(state: FakeState, context: RequestContext): Reply {
	const transportError = checkTransport(context);
	if (transportError) return dingTalkReply(transportError);

	const token = context.query.access_token;
	if (!token) return dingTalkReply(dingTalkErrors.missingAccessToken);
	const robot = state.robots.get(token);
	if (!robot) return dingTalkReply(dingTalkErrors.tokenNotExist);
	if (robot.disabled) return dingTalkReply(dingTalkErrors.robotDisabled);
	if (robot.groupDisbanded) return dingTalkReply(dingTalkErrors.groupDisbanded);

	const securityError = checkRobotSecurity(robot, context);
	if (securityError) return dingTalkReply(securityError);

	const parsed = parseAndValidate(context.rawBody);
	if ('error' in parsed) return dingTalkReply(parsed.error);
	const { message } = parsed;
	const text = visibleText(message);

	if (robot.keywords?.length && !robot.keywords.some((keyword) => text.includes(keyword))) {
		return dingTalkReply(dingTalkErrors.keywordsNotInContent);
	}
	if (containsBannedWord(state, text)) return dingTalkReply(dingTalkErrors.inappropriateText);

	const rateKey = `robot:${token}`;
	if (state.rateLimiter.isBanned(rateKey, context.now)) return dingTalkReply(state.throttleError);
	if (isRepeatedMsgUuid(state, rateKey, message)) return dingTalkReply(dingTalkErrors.ok);
	if (!state.rateLimiter.tryAdmit(rateKey, context.now)) return dingTalkReply(state.throttleError);

	accept(state, rateKey, message, context.now, { via: 'robot', token }, robot.members);
	return dingTalkReply(dingTalkErrors.ok);
}

/** The sessionWebhook of an incoming robot message: no token, no signature, same message formats. */
function handleSendBySession(state: FakeState, context: RequestContext): Reply {
	const transportError = checkTransport(context);
	if (transportError) return dingTalkReply(transportError);

	const sessionId = context.query.session;
	const session = sessionId ? state.sessions.get(sessionId) : undefined;
	if (!session || session.expiresAt < context.now)
		return dingTalkReply(dingTalkErrors.sessionNotExist);

	const parsed = parseAndValidate(context.rawBody);
	if ('error' in parsed) return dingTalkReply(parsed.error);
	const { message } = parsed;
	if (containsBannedWord(state, visibleText(message))) {
		return dingTalkReply(dingTalkErrors.inappropriateText);
	}

	const dedupeKey = `session:${session.id}`;
	if (isRepeatedMsgUuid(state, dedupeKey, message)) return dingTalkReply(dingTalkErrors.ok);
	accept(state, dedupeKey, message, context.now, { via: 'session', session: session.id });
	return dingTalkReply(dingTalkErrors.ok);
}

function checkTransport(context: RequestContext): DingTalkError | undefined {
	if (context.method !== 'POST') return dingTalkErrors.postRequired;
	const contentType = context.headers['content-type'];
	const mediaType =
		typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
	if (mediaType !== 'application/json') return dingTalkErrors.invalidContentType;
	return undefined;
}

function checkRobotSecurity(robot: FakeRobot, context: RequestContext): DingTalkError | undefined {
	if (robot.secret !== undefined) {
		const signError = checkSignature(context.query, robot.secret, context.now);
		if (signError) return signError;
	}
	if (robot.ipAllowList && !isIpAllowed(context.remoteAddress, robot.ipAllowList)) {
		return ipNotInWhitelist(context.remoteAddress);
	}
	return undefined;
}

function parseAndValidate(rawBody: Buffer): { error: DingTalkError } | { message: RobotMessage } {
	if (rawBody.length > MAX_BODY_BYTES) return { error: dingTalkErrors.messageTooLong };
	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return { error: dingTalkErrors.missingJson };
	}
	if (!isPlainObject(body)) return { error: dingTalkErrors.missingJson };
	return validateMessage(body);
}

function containsBannedWord(state: FakeState, text: string): boolean {
	return state.bannedWords.some((word) => word !== '' && text.includes(word));
}

function isRepeatedMsgUuid(state: FakeState, key: string, message: RobotMessage): boolean {
	return message.msgUuid !== undefined && !!state.acceptedMsgUuids.get(key)?.has(message.msgUuid);
}

function accept(
	state: FakeState,
	key: string,
	message: RobotMessage,
	now: number,
	target: { via: 'robot'; token: string } | { via: 'session'; session: string },
	members?: FakeRobot['members'],
): void {
	if (message.msgUuid !== undefined) {
		const seen = state.acceptedMsgUuids.get(key) ?? new Set<string>();
		seen.add(message.msgUuid);
		state.acceptedMsgUuids.set(key, seen);
	}
	state.received.push({
		...target,
		body: message,
		msgtype: message.msgtype,
		msgUuid: message.msgUuid,
		notified: notifiedPeople(message, members),
		receivedAt: now,
	});
}
