import type { WorkflowFixture } from '../../scripts/n8n-instance';
import {
	chain,
	dingTalkRobotSend,
	dingTalkTrigger,
	noOp,
	splitMessages,
	webhook,
	type RobotCredentialRef,
} from '../../bench/lib/workflows';
import type { Target } from './corpus';

export const SEND_ROBOT: RobotCredentialRef = {
	id: 'loadRobotCred001',
	name: 'Robot behind a lossy proxy',
};

export interface LoadWorkflows {
	triggers: Record<Target, { workflow: WorkflowFixture; path: string }>;
	send: { workflow: WorkflowFixture; path: string };
}

function triggerWorkflow(id: string, webhookId: string, parameters: Record<string, unknown>) {
	return {
		workflow: chain(id, `Load: DingTalk Trigger (${JSON.stringify(parameters)}) -> No Op`, [
			dingTalkTrigger(webhookId, parameters),
			noOp(),
		]),
		path: `${webhookId}/webhook`,
	};
}

export function loadWorkflows(): LoadWorkflows {
	return {
		triggers: {
			robot: triggerWorkflow('loadTrigRobot001', '10ad0000-0000-4000-8000-000000000001', {
				mode: 'robot',
			}),
			outgoing: triggerWorkflow('loadTrigOutgo001', '10ad0000-0000-4000-8000-000000000002', {
				mode: 'robot',
				robotVerification: 'outgoingToken',
			}),
			event: triggerWorkflow('loadTrigEvent001', '10ad0000-0000-4000-8000-000000000003', {
				mode: 'event',
			}),
		},
		send: {
			// Retries, their delay and the msgUuid come with each message, so one workflow serves
			// every fault scenario.
			workflow: chain('loadSendFaults01', 'Load: send through faults', [
				webhook('10ad0000-0000-4000-8000-000000000004', 'load-send', 'lastNode'),
				splitMessages(),
				dingTalkRobotSend(SEND_ROBOT, {
					rateLimit: 1000,
					rateWindow: 1,
					maxRetries: '={{ $json.maxRetries }}',
					retryDelay: '={{ $json.retryDelay }}',
				}),
			]),
			path: 'load-send',
		},
	};
}
