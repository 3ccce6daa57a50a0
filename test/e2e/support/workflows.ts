// Small builders for the e2e workflows, so that each test names only what it is about. They
// produce the same JSON the n8n editor saves (fixed ids, webhookIds and credential references).
import { createHash } from 'node:crypto';

import type {
	CredentialFixture,
	WorkflowFixture,
	WorkflowNode,
} from '../../../scripts/n8n-instance';
import { PACKAGE_NAME } from '../../../scripts/n8n-runtime';

export const ROBOT_NODE = `${PACKAGE_NAME}.dingTalkRobot`;
export const TRIGGER_NODE = `${PACKAGE_NAME}.dingTalkTrigger`;
export const STREAM_TRIGGER_NODE = `${PACKAGE_NAME}.dingTalkStreamTrigger`;

/** A stable UUID derived from a name, for node ids and webhookIds. */
export function uuidFor(name: string): string {
	const hex = createHash('sha1').update(name).digest('hex');
	return [
		hex.slice(0, 8),
		hex.slice(8, 12),
		`4${hex.slice(13, 16)}`,
		`8${hex.slice(17, 20)}`,
		hex.slice(20, 32),
	].join('-');
}

export function credentialReference(credential: CredentialFixture) {
	return { [credential.type]: { id: credential.id, name: credential.name } };
}

function node(
	workflowId: string,
	name: string,
	type: string,
	typeVersion: number,
	index: number,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	return {
		id: uuidFor(`${workflowId}/${name}`),
		name,
		type,
		typeVersion,
		position: [index * 240, 0],
		parameters,
		...extra,
	};
}

/** Connects the nodes one after the other. */
function chain(nodes: WorkflowNode[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let index = 0; index + 1 < nodes.length; index++) {
		connections[nodes[index].name] = {
			main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return connections;
}

function workflow(id: string, name: string, nodes: WorkflowNode[]): WorkflowFixture {
	if (!/^[A-Za-z0-9]{16}$/.test(id)) throw new Error(`Workflow id ${id} is not 16 letters/digits`);
	return {
		id,
		name,
		nodes,
		connections: chain(nodes),
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** A node after the trigger: any node type, with the credential it selects. */
export interface NextNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credential?: CredentialFixture;
}

/**
 * Webhook (POST /webhook/<path>, answering with the last node's first item, or its first binary
 * with `response: 'binary'`, or at once with `'immediately'`) → the given nodes;
 * `{{ $json.body.x }}` reads the posted JSON.
 */
export function webhookWorkflow(options: {
	id: string;
	path: string;
	then: NextNode[];
	response?: 'json' | 'binary' | 'immediately';
}): WorkflowFixture {
	const { id, path } = options;
	return workflow(
		id,
		`E2E ${path}: Webhook -> ${options.then.map((next) => next.name).join(' -> ')}`,
		[
			node(
				id,
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				0,
				{
					httpMethod: 'POST',
					path,
					responseMode: options.response === 'immediately' ? 'onReceived' : 'lastNode',
					...(options.response === 'binary' ? { responseData: 'firstEntryBinary' } : {}),
					options: {},
				},
				{ webhookId: uuidFor(`${id}/webhook`) },
			),
			...options.then.map((next, index) =>
				node(
					id,
					next.name,
					next.type,
					next.typeVersion,
					index + 1,
					next.parameters,
					next.credential ? { credentials: credentialReference(next.credential) } : {},
				),
			),
		],
	);
}

/**
 * Webhook (answering at once) → DingTalk Robot "Ask" (Send and Wait for Response with the given
 * parameters) → No Operation "After the Answer", which shows what the workflow resumed with.
 */
export function sendAndWaitWorkflow(options: {
	id: string;
	path: string;
	ask: Record<string, unknown>;
	credential: CredentialFixture;
}): WorkflowFixture {
	return webhookWorkflow({
		id: options.id,
		path: options.path,
		response: 'immediately',
		then: [
			robotNode('Ask', { operation: 'sendAndWait', ...options.ask }, options.credential),
			{ name: 'After the Answer', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
		],
	});
}

/** Webhook → DingTalk Robot with the given parameters. */
export function webhookToRobot(options: {
	id: string;
	path: string;
	robot: Record<string, unknown>;
	credential?: CredentialFixture;
}): WorkflowFixture {
	return webhookWorkflow({
		id: options.id,
		path: options.path,
		then: [robotNode('DingTalk Robot', options.robot, options.credential)],
	});
}

/** A DingTalk Robot node (resource `message` unless the parameters say otherwise). */
export function robotNode(
	name: string,
	parameters: Record<string, unknown>,
	credential?: CredentialFixture,
): NextNode {
	return {
		name,
		type: ROBOT_NODE,
		typeVersion: 1,
		parameters: { resource: 'message', ...parameters },
		credential,
	};
}

/** Manual Trigger → DingTalk Robot, for `n8n execute`. */
export function manualToRobot(options: {
	id: string;
	robot: Record<string, unknown>;
	credential: CredentialFixture;
}): WorkflowFixture {
	const { id } = options;
	return workflow(id, 'E2E manual: Manual Trigger -> DingTalk Robot', [
		node(id, 'Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
		node(
			id,
			'DingTalk Robot',
			ROBOT_NODE,
			1,
			1,
			{ resource: 'message', ...options.robot },
			{ credentials: credentialReference(options.credential) },
		),
	]);
}

/** DingTalk Trigger → the given nodes (a No Operation node when none is given). */
export function triggerWorkflow(options: {
	id: string;
	name: string;
	trigger: Record<string, unknown>;
	credential: CredentialFixture;
	then?: Array<{ name: string; type: string; typeVersion: number; parameters: object }>;
}): WorkflowFixture {
	const { id } = options;
	const then = options.then ?? [
		{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	];
	return workflow(id, options.name, [
		node(id, 'DingTalk Trigger', TRIGGER_NODE, 1, 0, options.trigger, {
			webhookId: uuidFor(`${id}/trigger`),
			credentials: credentialReference(options.credential),
		}),
		...then.map((next, index) =>
			node(
				id,
				next.name,
				next.type,
				next.typeVersion,
				index + 1,
				next.parameters as Record<string, unknown>,
			),
		),
	]);
}

/** Path of a DingTalk Trigger's production webhook: <webhookId>/webhook. */
export function triggerPath(fixture: WorkflowFixture): string {
	const trigger = fixture.nodes.find((candidate) => candidate.type === TRIGGER_NODE);
	if (!trigger?.webhookId) throw new Error(`${fixture.id} has no DingTalk Trigger`);
	return `${trigger.webhookId}/webhook`;
}

/** A node after a Stream trigger, with its credential references as the editor saves them. */
export interface StreamStep {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

/** DingTalk Stream Trigger → the given nodes, as the editor saves it (no webhookId: no webhook). */
export function streamWorkflow(options: {
	id: string;
	name: string;
	trigger: Record<string, unknown>;
	credential: CredentialFixture;
	then: StreamStep[];
}): WorkflowFixture {
	const steps: StreamStep[] = [
		{
			name: 'DingTalk Stream Trigger',
			type: STREAM_TRIGGER_NODE,
			typeVersion: 1,
			parameters: options.trigger,
			credentials: credentialReference(options.credential),
		},
		...options.then,
	];
	const nodes = steps.map((step, index) => ({
		id: uuidFor(`${options.id}/${step.name}`),
		position: [index * 240, 0] as [number, number],
		...step,
	}));
	const connections: Record<string, unknown> = {};
	for (let index = 0; index + 1 < nodes.length; index++) {
		connections[nodes[index].name] = {
			main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return {
		id: options.id,
		name: options.name,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}
