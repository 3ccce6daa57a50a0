import { DingTalkRobotApi } from '../../credentials/DingTalkRobotApi.credentials';
import { expectedSign } from '../fake-dingtalk/testClient';
import { testCredential } from './credentialTester';
import { addRobot, uniqueToken, useFakeDingTalk } from '../nodes/DingTalkRobot/support/robot';
import type { RobotCredential } from '../nodes/DingTalkRobot/support/robot';

let clockOffsetMs = 0;
const fake = useFakeDingTalk({ now: () => Date.now() + clockOffsetMs });
afterEach(() => {
	clockOffsetMs = 0;
});

const credentialType = new DingTalkRobotApi();

async function check(credential: RobotCredential) {
	const result = await testCredential(credentialType, credential);
	// Whatever the outcome, the probe never posts a message into the group.
	expect(fake().received).toHaveLength(0);
	expect(fake().requests).toHaveLength(1);
	return result;
}

describe('the credential test of DingTalk Robot API', () => {
	it('passes for a good token and secret, and posts nothing', async () => {
		const robot = addRobot(fake(), { secret: 'SEC-good' });
		const result = await check(robot.credential);

		expect(result).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		const [request] = fake().requests;
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/robot/send');
		expect(request.query.access_token).toBe(robot.token);
		expect(request.query.sign).toBe(expectedSign('SEC-good', request.query.timestamp));
		// DingTalk refused the probe only for its message type, after token, signature and IP passed.
		expect(request.response).toEqual({ errcode: 400105, errmsg: '不支持的消息类型' });
	});

	it('passes for a robot without 加签, a webhook URL as token and a Base URL with a trailing slash', async () => {
		const robot = addRobot(fake(), { keywords: ['alert'] }, { baseUrl: `${fake().baseUrl}/` });
		robot.credential.accessToken = `https://oapi.dingtalk.com/robot/send?access_token=${robot.token}`;
		const result = await check(robot.credential);
		expect(result.status).toBe('OK');
		expect(fake().requests[0].path).toBe('/robot/send');
		expect(fake().requests[0].query).toEqual({ access_token: robot.token });
	});

	it('fails for a wrong secret', async () => {
		const robot = addRobot(fake(), { secret: 'SEC-right' }, { secret: 'SEC-wrong' });
		const result = await check(robot.credential);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/^Signature rejected: the secret does not match the robot \(加签\)/,
		);
		expect(result.message).not.toContain('SEC-wrong');
	});

	it('fails for an unknown token', async () => {
		const robot = addRobot(fake());
		robot.credential.accessToken = uniqueToken('unknown');
		const result = await check(robot.credential);
		expect(result).toMatchObject({
			status: 'Error',
			message: 'Access token not found: copy the webhook URL again from the robot settings.',
		});
	});

	it('fails for a disabled robot', async () => {
		const robot = addRobot(fake(), { secret: 'SEC-off', disabled: true });
		const result = await check(robot.credential);
		expect(result).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/robot is disabled/),
		});
	});

	it('fails for a disbanded group', async () => {
		const robot = addRobot(fake(), { groupDisbanded: true });
		const result = await check(robot.credential);
		expect(result).toMatchObject({ status: 'Error', message: expect.stringMatching(/disbanded/) });
	});

	it('fails when the IP of n8n is not allowed', async () => {
		const robot = addRobot(fake(), { ipAllowList: ['10.9.8.7'] });
		const result = await check(robot.credential);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/IP allow-list does not include this n8n server/);
	});

	it('fails when the clocks are more than an hour apart', async () => {
		const robot = addRobot(fake(), { secret: 'SEC-clock' });
		clockOffsetMs = -61 * 60_000;
		const result = await check(robot.credential);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Timestamp rejected: .*clock is more than one hour off/);
	});

	it('fails when 加签 is on but the credential has no secret, and says that may be why', async () => {
		const robot = addRobot(fake(), { secret: 'SEC-needed' }, { secret: '' });
		const result = await check(robot.credential);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/no secret is set/);
	});

	it('reports a busy DingTalk', async () => {
		const robot = addRobot(fake());
		fake().injectFaults({ errcode: -1, errmsg: '系统繁忙' });
		const result = await check(robot.credential);
		expect(result).toMatchObject({ status: 'Error', message: expect.stringMatching(/busy/) });
	});
});
