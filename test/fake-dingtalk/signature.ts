import { createHmac, timingSafeEqual } from 'node:crypto';

import { dingTalkErrors, type DingTalkError } from './errors';

/** DingTalk accepts a signed timestamp up to one hour away from its own clock, either way. */
export const SIGN_WINDOW_MS = 3_600_000;

/**
 * Checks 加签 the way DingTalk does. This is deliberately an independent implementation (not the
 * project's nodes/shared/robotSigning.ts), so the fake and the node check each other.
 * `timestamp` and `sign` must already be percent-decoded once (URLSearchParams): a raw '+' in an
 * unencoded sign therefore turns into a space and fails, and a double-encoded sign (%253D) fails too.
 */
export function checkSignature(
	query: Record<string, string>,
	secret: string,
	now: number,
): DingTalkError | undefined {
	const timestamp = query.timestamp;
	if (!timestamp || !/^\d{1,16}$/.test(timestamp)) return dingTalkErrors.invalidTimestamp;
	if (Math.abs(now - Number(timestamp)) > SIGN_WINDOW_MS) return dingTalkErrors.invalidTimestamp;

	const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
		.update(Buffer.from(`${timestamp}\n${secret}`, 'utf8'))
		.digest('base64');
	return equalInConstantTime(expected, query.sign ?? '') ? undefined : dingTalkErrors.signNotMatch;
}

function equalInConstantTime(expected: string, given: string): boolean {
	const left = Buffer.from(expected, 'utf8');
	const right = Buffer.from(given, 'utf8');
	if (left.length !== right.length) {
		timingSafeEqual(left, left);
		return false;
	}
	return timingSafeEqual(left, right);
}
