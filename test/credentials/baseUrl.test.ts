/**
 * Hardening: a credential whose Base URL has no http(s) scheme sends nothing, and says which
 * field to fix, in the credential test and in the nodes.
 */
import { DingTalkAppApi } from '../../credentials/DingTalkAppApi.credentials';
import { DingTalkRobotApi } from '../../credentials/DingTalkRobotApi.credentials';
import { testCredential } from './credentialTester';

const BAD_BASE_URLS = ['oapi.dingtalk.com', 'ftp://oapi.dingtalk.com', 'file:///etc/passwd', '//x'];

describe('credentials refuse a Base URL without an http(s) scheme', () => {
	it.each(BAD_BASE_URLS)('DingTalk Robot API with Base URL %s', async (baseUrl) => {
		const result = await testCredential(new DingTalkRobotApi(), {
			accessToken: 'token-base-url',
			secret: 'SEC-base-url',
			keywords: '',
			baseUrl,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Base URL must be an http\(s\) URL/);
		expect(result.requests).toHaveLength(0);
	});

	it.each(BAD_BASE_URLS)('DingTalk App API with API Base URL %s', async (apiBaseUrl) => {
		const result = await testCredential(new DingTalkAppApi(), {
			appKey: 'ding-base-url',
			appSecret: 'secret-base-url',
			apiBaseUrl,
			oapiBaseUrl: 'https://oapi.dingtalk.com',
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/API Base URL must be an http\(s\) URL/);
		expect(result.requests).toHaveLength(0);
	});

	it('DingTalk App API with a Legacy API Base URL that is not http(s)', async () => {
		const result = await testCredential(new DingTalkAppApi(), {
			appKey: 'ding-base-url',
			appSecret: 'secret-base-url',
			apiBaseUrl: 'https://api.dingtalk.com',
			oapiBaseUrl: 'oapi.dingtalk.com',
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Legacy API Base URL must be an http\(s\) URL/);
		expect(result.requests).toHaveLength(0);
	});
});
