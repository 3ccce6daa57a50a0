import { createHmac, timingSafeEqual } from 'node:crypto';

/** One hour: the window DingTalk allows between a signed timestamp and its own clock. */
export const ROBOT_SIGN_WINDOW_MS = 60 * 60 * 1000;

/**
 * DingTalk robot signature (加签): base64(HmacSHA256(key = secret, msg = timestamp + "\n" + secret)).
 * The same formula signs outgoing custom-robot sends and incoming enterprise-robot callbacks.
 * The result is raw base64; URL-encode it exactly once where it goes into a query string.
 */
export function computeRobotSign(secret: string, timestamp: string | number): string {
	return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	if (left.length !== right.length) {
		// Still spend a comparison so a length mismatch is not measurably faster.
		timingSafeEqual(left, left);
		return false;
	}
	return timingSafeEqual(left, right);
}

export type RobotSignatureCheck =
	| { valid: true }
	| {
			valid: false;
			reason:
				| 'missingTimestamp'
				| 'missingSign'
				| 'badTimestamp'
				| 'staleTimestamp'
				| 'signMismatch';
	  };

/** Verifies the `timestamp` and `sign` headers DingTalk attaches to an incoming robot message. */
export function verifyRobotSignature(options: {
	timestamp: string | undefined;
	sign: string | undefined;
	secret: string;
	nowMs: number;
	windowMs?: number;
}): RobotSignatureCheck {
	const { timestamp, sign, secret, nowMs } = options;
	const windowMs = options.windowMs ?? ROBOT_SIGN_WINDOW_MS;
	if (!timestamp) return { valid: false, reason: 'missingTimestamp' };
	if (!sign) return { valid: false, reason: 'missingSign' };
	if (!/^\d{1,16}$/.test(timestamp)) return { valid: false, reason: 'badTimestamp' };
	if (Math.abs(nowMs - Number(timestamp)) > windowMs) {
		return { valid: false, reason: 'staleTimestamp' };
	}
	const expected = computeRobotSign(secret, timestamp);
	return constantTimeEqual(expected, sign)
		? { valid: true }
		: { valid: false, reason: 'signMismatch' };
}

/**
 * Accepts either the bare access token or the whole webhook URL that the DingTalk console shows
 * (`https://oapi.dingtalk.com/robot/send?access_token=...`) and returns the token.
 */
export function parseAccessToken(tokenOrUrl: string): string {
	const value = (tokenOrUrl ?? '').trim();
	const match = /[?&]access_token=([^&#\s]*)/.exec(value);
	const token = match ? decodeURIComponent(match[1]) : value;
	return token.trim();
}

/** Splits the credential's keyword field (comma, Chinese comma or newline separated). */
export function parseKeywords(keywords: string | undefined): string[] {
	if (!keywords) return [];
	return [
		...new Set(
			keywords
				.split(/[,，\n]/)
				.map((keyword) => keyword.trim())
				.filter((keyword) => keyword.length > 0),
		),
	];
}
