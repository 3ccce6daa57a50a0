import { redactSecrets } from '../../../nodes/shared/redactSecrets';

describe('redactSecrets', () => {
	const secret = 'Zx9+Qw3/Er5=Ty7Ui9Op1As3Df5Gh7';

	it('removes each known secret as it is, URL-encoded and JSON-escaped', () => {
		const text = `a ${secret} b ${encodeURIComponent(secret)} c ${JSON.stringify({ s: secret })}`;
		const redacted = redactSecrets(text, [secret]);
		expect(redacted).not.toContain(secret);
		expect(redacted).not.toContain(encodeURIComponent(secret));
		expect(redacted).toBe('a *** b *** c {"s":"***"}');
	});

	it('masks named secrets in queries, JSON and header dumps, whatever their value', () => {
		expect(
			redactSecrets(
				'{"appKey":"dingkey","appSecret":"s1"} client_secret=s2&x=1 "clientSecret": "s3" ' +
					'accessToken=t1 x-acs-dingtalk-access-token: t2 "ticket":"t3" /robot/send?access_token=t4&sign=s4',
			),
		).toBe(
			'{"appKey":"dingkey","appSecret":"***"} client_secret=***&x=1 "clientSecret": "***" ' +
				'accessToken=*** x-acs-dingtalk-access-token: *** "ticket":"***" /robot/send?access_token=***&sign=***',
		);
	});

	it('leaves other text alone and ignores empty or short "secrets"', () => {
		const text = 'DingTalk says: invalid robotCode (errcode 400), design the sign-up page';
		expect(redactSecrets(text, ['', undefined, 'e', 'abc', 42])).toBe(text);
	});
});
