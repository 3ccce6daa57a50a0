/**
 * Hardening: no request of the node or its credentials follows a redirect. A 307 from a
 * configured host would make n8n send the same request (the robot's access token and sign, the
 * Client Secret of the token exchange, the message) to whatever host the answer names.
 */
import { DingTalkAppApi } from '../../../../credentials/DingTalkAppApi.credentials';
import { DingTalkRobotApi } from '../../../../credentials/DingTalkRobotApi.credentials';
import { testCredential } from '../../../credentials/credentialTester';
import { appTokenCache } from '../../../../nodes/DingTalkRobot/transport/accessTokenCache';
import { params, sendExpectingError, uniqueToken } from '../support/robot';
import { redirectTo, useScriptedServer } from '../support/scriptedServer';

const redirector = useScriptedServer();
const elsewhere = useScriptedServer();

const robotCredential = () => ({
	accessToken: uniqueToken(),
	secret: 'SEC-redirect-secret',
	keywords: '',
	baseUrl: redirector().baseUrl,
});

const appCredential = () => ({
	appKey: `ding${uniqueToken('app')}`,
	appSecret: 'app-secret-never-elsewhere',
	apiBaseUrl: redirector().baseUrl,
	oapiBaseUrl: redirector().baseUrl,
});

beforeEach(() => {
	appTokenCache.clear();
	redirector().answerWith(redirectTo(() => elsewhere().baseUrl));
});

describe('redirects', () => {
	it.each([301, 302, 307, 308])(
		'a robot message answered with %i fails clearly and reaches no other host',
		async (status) => {
			redirector().answerWith(redirectTo(() => elsewhere().baseUrl, status));
			const error = await sendExpectingError(
				{ credentials: { dingTalkRobotApi: robotCredential() } },
				params('sendText', { content: 'hello' }),
			);
			expect(error.message).toBe(
				`DingTalk answered HTTP ${status} (a redirect), which the node does not follow [item 0]`,
			);
			expect(redirector().seen).toHaveLength(1);
			expect(elsewhere().seen).toHaveLength(0);
		},
	);

	it('an App Robot token exchange answered with 307 sends the Client Secret nowhere else', async () => {
		const error = await sendExpectingError(
			{ credentials: { dingTalkAppApi: appCredential() } },
			{
				resource: 'appRobot',
				operation: 'sendToGroup',
				openConversationId: 'cid-redirect',
				msgKey: 'sampleText',
				content: 'hello',
			},
		);
		expect(error.message).toMatch(/^DingTalk did not issue an app access token: .*\[item 0\]$/);
		expect(redirector().seen.map((request) => request.target)).toEqual(['/v1.0/oauth2/accessToken']);
		expect(elsewhere().seen).toHaveLength(0);
	});

	it('the credential tests of both credentials do not follow a redirect', async () => {
		const robot = await testCredential(new DingTalkRobotApi(), robotCredential());
		const app = await testCredential(new DingTalkAppApi(), appCredential());
		expect(robot.status).toBe('Error');
		expect(app.status).toBe('Error');
		expect(redirector().seen).toHaveLength(2);
		expect(elsewhere().seen).toHaveLength(0);
	});
});
