/**
 * Hardening: errors never keep upstream text that echoes the request URL. A proxy's error page
 * or an old endpoint's errmsg can repeat `access_token=…` and `sign=…`; n8n stores the error of
 * a failed execution, shows it in the editor and logs it.
 */
import { inspect } from 'node:util';

import { appTokenCache } from '../../../../nodes/DingTalkRobot/transport/accessTokenCache';
import { redactSecrets } from '../../../../nodes/shared/http';
import { params, send, sendExpectingError, uniqueToken } from '../support/robot';
import { useScriptedServer } from '../support/scriptedServer';
import type { SeenRequest } from '../support/scriptedServer';

const proxy = useScriptedServer();

const SECRET = 'SEC-redaction-secret';

function robot() {
	const accessToken = uniqueToken('redact');
	return {
		accessToken,
		credentials: {
			dingTalkRobotApi: { accessToken, secret: SECRET, keywords: '', baseUrl: proxy().baseUrl },
		},
	};
}

/** Everything n8n could keep of an error: message, description, context, cause and response. */
function everything(value: unknown): string {
	return inspect(value, { depth: 20, showHidden: true, getters: true });
}

function signOf(request: SeenRequest): string {
	return new URL(request.target, 'http://x').searchParams.get('sign') ?? '';
}

beforeEach(() => appTokenCache.clear());

describe('redaction of secrets echoed by upstream text', () => {
	it('a proxy page that repeats the robot URL keeps neither the token nor the sign', async () => {
		proxy().answerWith((request, response) => {
			response.writeHead(200, { 'Content-Type': 'text/html' });
			response.end(`<html><body>Blocked: POST ${request.target}</body></html>`);
		});
		const { accessToken, credentials } = robot();
		const error = await sendExpectingError({ credentials }, params('sendText', { content: 'x' }));
		const sign = signOf(proxy().seen[0]);
		expect(sign.length).toBeGreaterThan(20);
		const kept = everything(error);
		expect(kept).toContain('access_token=***');
		expect(kept).not.toContain(accessToken);
		expect(kept).not.toContain(sign);
		expect(kept).not.toContain(encodeURIComponent(sign));
	});

	it('with Continue On Fail the failed item keeps neither the token nor the sign', async () => {
		proxy().answerWith((request, response) => {
			response.end(JSON.stringify({ errcode: 310000, errmsg: `bad request ${request.target}` }));
		});
		const { accessToken, credentials } = robot();
		const output = await send({ credentials }, params('sendText', { content: 'x' }), {
			continueOnFail: true,
		});
		const sign = signOf(proxy().seen[0]);
		const kept = JSON.stringify(output);
		expect(output[0].json.code).toBe(310000);
		expect(kept).toContain('access_token=***');
		expect(kept).not.toContain(accessToken);
		expect(kept).not.toContain(encodeURIComponent(sign));
	});

	it('an OpenAPI errmsg repeating the upload URL keeps no app token', async () => {
		proxy().answerWith((request, response) => {
			if (request.target.startsWith('/v1.0/oauth2/accessToken')) {
				response.end(JSON.stringify({ accessToken: 'app-token-never-shown', expireIn: 7200 }));
				return;
			}
			response.end(JSON.stringify({ errcode: 40004, errmsg: `invalid type: ${request.target}` }));
		});
		const error = await sendExpectingError(
			{
				credentials: {
					dingTalkAppApi: {
						appKey: `ding${uniqueToken('app')}`,
						appSecret: 'app-secret',
						apiBaseUrl: proxy().baseUrl,
						oapiBaseUrl: proxy().baseUrl,
					},
				},
			},
			{ resource: 'appRobot', operation: 'uploadMedia', mediaType: 'image' },
			{
				inputItems: [
					{
						json: {},
						binary: {
							data: {
								data: Buffer.from('png').toString('base64'),
								mimeType: 'image/png',
								fileName: 'a.png',
							},
						},
					},
				],
			},
		);
		expect(proxy().seen.some((request) => request.target.includes('app-token-never-shown'))).toBe(
			true,
		);
		const kept = everything(error);
		expect(kept).toContain('access_token=***');
		expect(kept).not.toContain('app-token-never-shown');
	});

	it('redactSecrets masks the query values and the token header, and nothing else', () => {
		expect(
			redactSecrets(
				'POST /robot/send?access_token=abc&timestamp=1&sign=x%2By%3D and /robot/sendBySession?session=s1 x-acs-dingtalk-access-token: tok',
			),
		).toBe(
			'POST /robot/send?access_token=***&timestamp=1&sign=*** and /robot/sendBySession?session=*** x-acs-dingtalk-access-token: ***',
		);
	});
});
