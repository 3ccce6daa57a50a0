import { computeRobotSign } from '../../nodes/shared/robotSigning';
import { nodeOutput } from '../../scripts/n8n-executions';
import { FakeDingTalk } from '../fake-dingtalk';
import { loadWorkflow, robotCredential } from './support/fixtures';
import { useN8n } from './support/n8n';

const ROBOT = {
	token: 'e2e-robot-token-0001',
	secret: 'SECe2e0000000000000000000000000000000000000000000000000000000000',
	keywords: ['e2e'],
};
const workflow = loadWorkflow('action-send-text');

describe('DingTalk Robot in a real n8n: send text', () => {
	const fake = new FakeDingTalk({ robots: [ROBOT] });
	// `n8n execute` runs the workflow in its own process; no `n8n start` needed.
	const n8n = useN8n(
		async () => ({
			name: 'action-send-text',
			credentials: [
				robotCredential({
					accessToken: ROBOT.token,
					secret: ROBOT.secret,
					keywords: ROBOT.keywords.join(','),
					baseUrl: await fake.start(),
				}),
			],
			workflows: [workflow],
		}),
		{ start: false },
	);
	afterAll(async () => await fake.stop());

	it('delivers one signed text message and outputs DingTalk’s answer', async () => {
		const result = await n8n().execute(workflow.id);
		expect({ exitCode: result.exitCode, status: result.status }).toEqual({
			exitCode: 0,
			status: 'success',
		});

		// The fake accepts a message only with the robot's token, a fresh timestamp and a valid sign.
		expect(fake.received).toHaveLength(1);
		const [message] = fake.received;
		expect(message).toMatchObject({ via: 'robot', token: ROBOT.token, msgtype: 'text' });
		expect(message.body.text.content).toBe('Deployment finished: e2e build 42 is live');

		const [request] = fake.requests;
		expect(request).toMatchObject({ method: 'POST', path: '/robot/send', status: 200 });
		expect(request.query.sign).toBe(computeRobotSign(ROBOT.secret, request.query.timestamp));

		const [output] = nodeOutput(result.data, 'DingTalk Robot');
		expect(output).toMatchObject({
			errcode: 0,
			sentTo: 'robotWebhook',
			msgUuid: message.body.msgUuid,
		});

		// n8n also saved the run; the harness reads it back from the database.
		const [saved] = await n8n().executions.waitFor(workflow.id, 1, { settleMs: 0 });
		expect(saved).toMatchObject({ mode: 'cli', status: 'success' });
		expect(nodeOutput(saved.data, 'DingTalk Robot')).toEqual([output]);
	});
});
