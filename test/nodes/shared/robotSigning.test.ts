import {
	computeRobotSign,
	constantTimeEqual,
	parseAccessToken,
	parseKeywords,
	verifyRobotSignature,
} from '../../../nodes/shared/robotSigning';

// Published inputs of DingTalk's signing docs; the output was cross-checked in Node and Python.
const VECTOR = {
	timestamp: '1577262236757',
	secret: 'this is a secret',
	sign: 'DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=',
};

describe('computeRobotSign', () => {
	it('matches the published vector', () => {
		expect(computeRobotSign(VECTOR.secret, VECTOR.timestamp)).toBe(VECTOR.sign);
		expect(computeRobotSign(VECTOR.secret, Number(VECTOR.timestamp))).toBe(VECTOR.sign);
	});

	it('changes with the timestamp and the secret', () => {
		expect(computeRobotSign(VECTOR.secret, '1577262236758')).not.toBe(VECTOR.sign);
		expect(computeRobotSign('this is a secreT', VECTOR.timestamp)).not.toBe(VECTOR.sign);
	});
});

describe('verifyRobotSignature', () => {
	const now = Number(VECTOR.timestamp);
	const check = (overrides: Partial<Parameters<typeof verifyRobotSignature>[0]>) =>
		verifyRobotSignature({
			timestamp: VECTOR.timestamp,
			sign: VECTOR.sign,
			secret: VECTOR.secret,
			nowMs: now,
			...overrides,
		});

	it('accepts the vector within the window, up to exactly one hour either way', () => {
		expect(check({})).toEqual({ valid: true });
		expect(check({ nowMs: now + 3_600_000 })).toEqual({ valid: true });
		expect(check({ nowMs: now - 3_600_000 })).toEqual({ valid: true });
	});

	it('refuses one millisecond outside the window, and honours a custom window', () => {
		expect(check({ nowMs: now + 3_600_001 })).toEqual({ valid: false, reason: 'staleTimestamp' });
		expect(check({ nowMs: now - 3_600_001 })).toEqual({ valid: false, reason: 'staleTimestamp' });
		expect(check({ nowMs: now + 5_001, windowMs: 5_000 })).toEqual({
			valid: false,
			reason: 'staleTimestamp',
		});
	});

	it('names what is missing or malformed', () => {
		expect(check({ timestamp: undefined })).toEqual({ valid: false, reason: 'missingTimestamp' });
		expect(check({ sign: '' })).toEqual({ valid: false, reason: 'missingSign' });
		expect(check({ timestamp: '15772622367x7' })).toEqual({ valid: false, reason: 'badTimestamp' });
		expect(check({ timestamp: '-1' })).toEqual({ valid: false, reason: 'badTimestamp' });
	});

	it('refuses a wrong, URL-encoded or truncated sign', () => {
		expect(check({ secret: 'another secret' })).toEqual({ valid: false, reason: 'signMismatch' });
		expect(check({ sign: encodeURIComponent(VECTOR.sign) })).toEqual({
			valid: false,
			reason: 'signMismatch',
		});
		expect(check({ sign: VECTOR.sign.slice(0, -1) })).toEqual({
			valid: false,
			reason: 'signMismatch',
		});
	});
});

describe('constantTimeEqual', () => {
	it('compares content and length', () => {
		expect(constantTimeEqual('abc', 'abc')).toBe(true);
		expect(constantTimeEqual('abc', 'abd')).toBe(false);
		expect(constantTimeEqual('abc', 'abcd')).toBe(false);
		expect(constantTimeEqual('', '')).toBe(true);
	});
});

describe('parseAccessToken', () => {
	it('takes the token from a whole webhook URL or returns a bare token trimmed', () => {
		expect(parseAccessToken('https://oapi.dingtalk.com/robot/send?access_token=abc123')).toBe(
			'abc123',
		);
		expect(
			parseAccessToken(' https://oapi.dingtalk.com/robot/send?foo=1&access_token=abc%2B1&x=2 '),
		).toBe('abc+1');
		expect(parseAccessToken('  abc123\n')).toBe('abc123');
		expect(parseAccessToken('')).toBe('');
	});
});

describe('parseKeywords', () => {
	it('splits on commas, Chinese commas and new lines, dropping blanks and repeats', () => {
		expect(parseKeywords('alert, 告警，alert\n\n deploy ')).toEqual(['alert', '告警', 'deploy']);
		expect(parseKeywords(undefined)).toEqual([]);
		expect(parseKeywords(' , ')).toEqual([]);
	});
});
