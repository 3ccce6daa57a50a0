// The workflows of one benchmark run, all imported into the same n8n.
import type { WorkflowFixture } from '../scripts/n8n-instance';
import {
	chain,
	dingTalkRobotSend,
	dingTalkStreamTrigger,
	dingTalkTrigger,
	handSignedHttpSend,
	noOp,
	splitMessages,
	wait,
	webhook,
	type RobotCredentialRef,
} from './lib/workflows';

export const FAST_ROBOT: RobotCredentialRef = {
	id: 'benchRobotFast01',
	name: 'Fast robot (bench)',
};
export const PACED_ROBOT: RobotCredentialRef = {
	id: 'benchRobotPaced1',
	name: 'Paced robot (bench)',
};
/** The robot that row 8's workflow answers with (its own fake, no rate limit). */
export const REPLY_ROBOT: RobotCredentialRef = {
	id: 'benchRobotReply1',
	name: 'Reply robot (bench)',
};

/** A workflow reachable at `path` (relative to /webhook/). */
export interface BenchWorkflow {
	workflow: WorkflowFixture;
	path: string;
	/** Node id of its DingTalk Trigger (scopes its duplicate cache). */
	triggerNodeId?: string;
}

function withTriggerId(workflow: WorkflowFixture, nodeId: string): WorkflowFixture {
	workflow.nodes[0].id = nodeId;
	return workflow;
}

export function benchWorkflows(options: {
	fastRobot: { baseUrl: string; accessToken: string; secret: string };
	pacing: { limit: number; windowSeconds: number };
}) {
	const webhookBaseline: BenchWorkflow = {
		workflow: chain('benchWebhook0001', 'Bench: Webhook node -> No Op', [
			webhook('b0e0c001-0000-4000-8000-000000000001', 'bench-webhook'),
			noOp(),
		]),
		path: 'bench-webhook',
	};
	const robotTrigger: BenchWorkflow = {
		workflow: withTriggerId(
			chain('benchTrigger0001', 'Bench: DingTalk Trigger (robot) -> No Op', [
				dingTalkTrigger('b0e0c001-0000-4000-8000-000000000002', { mode: 'robot' }),
				noOp(),
			]),
			'b0e0c001-1111-4000-8000-000000000002',
		),
		path: 'b0e0c001-0000-4000-8000-000000000002/webhook',
		triggerNodeId: 'b0e0c001-1111-4000-8000-000000000002',
	};
	const eventTrigger: BenchWorkflow = {
		workflow: chain('benchEvent000001', 'Bench: DingTalk Trigger (events) -> Wait 5 s', [
			dingTalkTrigger('b0e0c001-0000-4000-8000-000000000003', { mode: 'event' }),
			wait(5),
		]),
		path: 'b0e0c001-0000-4000-8000-000000000003/webhook',
	};
	const memoryTrigger: BenchWorkflow = {
		workflow: withTriggerId(
			chain('benchMemory00001', 'Bench: DingTalk Trigger (robot, memory) -> No Op', [
				dingTalkTrigger('b0e0c001-0000-4000-8000-000000000004', { mode: 'robot' }),
				noOp(),
			]),
			'b0e0c001-1111-4000-8000-000000000004',
		),
		path: 'b0e0c001-0000-4000-8000-000000000004/webhook',
		triggerNodeId: 'b0e0c001-1111-4000-8000-000000000004',
	};
	const sendWithNode: BenchWorkflow = {
		workflow: chain('benchSendNode001', 'Bench: send with DingTalk Robot', [
			webhook('b0e0c001-0000-4000-8000-000000000005', 'bench-send-node', 'lastNode'),
			splitMessages(),
			// Pacing raised out of the way: this row compares the cost of sending.
			dingTalkRobotSend(FAST_ROBOT, { rateLimit: 1_000_000, rateWindow: 1 }),
		]),
		path: 'bench-send-node',
	};
	const sendWithHttp: BenchWorkflow = {
		workflow: chain('benchSendHttp001', 'Bench: send with HTTP Request, signed by hand', [
			webhook('b0e0c001-0000-4000-8000-000000000006', 'bench-send-http', 'lastNode'),
			splitMessages(),
			...handSignedHttpSend(options.fastRobot),
		]),
		path: 'bench-send-http',
	};
	const paced: BenchWorkflow = {
		workflow: chain('benchPacing00001', 'Bench: 100 messages through pacing', [
			webhook('b0e0c001-0000-4000-8000-000000000007', 'bench-pacing', 'lastNode'),
			splitMessages(),
			dingTalkRobotSend(PACED_ROBOT, {
				rateLimit: options.pacing.limit,
				rateWindow: options.pacing.windowSeconds,
				rateLimitHandling: 'wait',
			}),
		]),
		path: 'bench-pacing',
	};
	// Row 7: one event, three ways in, each -> No Op.
	const streamEvents: BenchWorkflow = {
		workflow: chain('benchStream00001', 'Bench: DingTalk Stream Trigger (events) -> No Op', [
			dingTalkStreamTrigger({ receive: ['events'] }),
			noOp(),
		]),
		path: '',
	};
	const eventNoOp: BenchWorkflow = {
		workflow: chain('benchEventNoOp01', 'Bench: DingTalk Trigger (events) -> No Op', [
			dingTalkTrigger('b0e0c001-0000-4000-8000-000000000008', { mode: 'event' }),
			noOp(),
		]),
		path: 'b0e0c001-0000-4000-8000-000000000008/webhook',
	};
	const webhookEvents: BenchWorkflow = {
		workflow: chain('benchWebhookEvt1', 'Bench: Webhook node (event pushes) -> No Op', [
			webhook('b0e0c001-0000-4000-8000-000000000009', 'bench-webhook-events'),
			noOp(),
		]),
		path: 'bench-webhook-events',
	};
	// Row 8: a signed robot message answered through the custom robot, in one n8n and in queue mode.
	const robotReply: BenchWorkflow = {
		workflow: chain('benchRobotReply1', 'Bench: DingTalk Trigger (robot) -> DingTalk Robot', [
			dingTalkTrigger('b0e0c001-0000-4000-8000-00000000000a', { mode: 'robot' }),
			// Pacing out of the way (the fake has no limit); msgUuid = the message ID, to match.
			dingTalkRobotSend(REPLY_ROBOT, {
				rateLimit: 1_000_000,
				rateWindow: 1,
				msgUuid: '={{ $json.messageId }}',
			}),
		]),
		path: 'b0e0c001-0000-4000-8000-00000000000a/webhook',
	};
	return {
		streamEvents,
		eventNoOp,
		webhookEvents,
		robotReply,
		webhookBaseline,
		robotTrigger,
		eventTrigger,
		memoryTrigger,
		sendWithNode,
		sendWithHttp,
		paced,
	};
}

export type BenchWorkflows = ReturnType<typeof benchWorkflows>;

export function dedupeScope(workflow: BenchWorkflow): string {
	return `${workflow.workflow.id}:${workflow.triggerNodeId}:robot`;
}
