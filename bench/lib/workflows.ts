// Workflows and credentials the benchmarks and the load test import into n8n. Built in code so
// that ids, webhook ids and options are visible where they are measured.
import { randomUUID } from 'node:crypto';

import type { CredentialFixture, WorkflowFixture, WorkflowNode } from '../../scripts/n8n-instance';
import type { TestCredentials } from '../../test/nodes/DingTalkTrigger/support/requests';

const PACKAGE_NODE = 'n8n-nodes-dingtalk-robot';

export const APP_CREDENTIAL = { id: 'benchAppCred0001', name: 'DingTalk app (bench)' };

/** The app of the Stream trigger: its own Client ID, connections/open on the fake gateway. */
export const STREAM_APP_CREDENTIAL = {
	id: 'benchStreamApp01',
	name: 'DingTalk app, Stream (bench)',
};

export function appCredential(credentials: TestCredentials): CredentialFixture {
	return { ...APP_CREDENTIAL, type: 'dingTalkAppApi', data: { ...credentials } };
}

export function streamAppCredential(app: {
	clientId: string;
	clientSecret: string;
	apiBaseUrl: string;
}): CredentialFixture {
	return {
		...STREAM_APP_CREDENTIAL,
		type: 'dingTalkAppApi',
		data: { appKey: app.clientId, appSecret: app.clientSecret, apiBaseUrl: app.apiBaseUrl },
	};
}

export interface RobotCredentialRef {
	id: string;
	name: string;
}

export function robotCredential(
	ref: RobotCredentialRef,
	data: { accessToken: string; secret: string; baseUrl: string },
): CredentialFixture {
	return { ...ref, type: 'dingTalkRobotApi', data: { keywords: '', ...data } };
}

/** A workflow whose nodes are connected one after the other. */
export function chain(id: string, name: string, nodes: WorkflowNode[]): WorkflowFixture {
	const connections: Record<string, unknown> = {};
	nodes.forEach((node, index) => {
		node.id ??= randomUUID();
		node.position = [index * 220, 0];
		const next = nodes[index + 1];
		if (next) connections[node.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
	});
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

function node(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Partial<WorkflowNode> = {},
): WorkflowNode {
	return { name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

/** DingTalk Trigger, answering at once ({"msgtype":"empty"} or the encrypted success). */
export function dingTalkTrigger(
	webhookId: string,
	parameters: Record<string, unknown>,
): WorkflowNode {
	return node('DingTalk Trigger', `${PACKAGE_NODE}.dingTalkTrigger`, 1, parameters, {
		webhookId,
		credentials: { dingTalkAppApi: APP_CREDENTIAL },
	});
}

/** DingTalk Stream Trigger on the Stream app credential (no webhook: it connects out). */
export function dingTalkStreamTrigger(parameters: Record<string, unknown>): WorkflowNode {
	return node('DingTalk Stream Trigger', `${PACKAGE_NODE}.dingTalkStreamTrigger`, 1, parameters, {
		credentials: { dingTalkAppApi: STREAM_APP_CREDENTIAL },
	});
}

/** The built-in Webhook node; `responseMode` onReceived answers before the workflow runs. */
export function webhook(
	webhookId: string,
	path: string,
	responseMode: 'onReceived' | 'lastNode' = 'onReceived',
): WorkflowNode {
	return node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path, responseMode, options: {} },
		{ webhookId },
	);
}

export function noOp(name = 'No Operation'): WorkflowNode {
	return node(name, 'n8n-nodes-base.noOp', 1, {});
}

/** Waits in-process (below 65 s n8n does not offload the execution). */
export function wait(seconds: number): WorkflowNode {
	return node('Wait', 'n8n-nodes-base.wait', 1.1, {
		resume: 'timeInterval',
		amount: seconds,
		unit: 'seconds',
	});
}

/** One item per element of body.messages, each { text, uuid }. */
export function splitMessages(): WorkflowNode {
	return node('Split Out', 'n8n-nodes-base.splitOut', 1, {
		fieldToSplitOut: 'body.messages',
		include: 'noOtherFields',
		options: {},
	});
}

/** dingTalkRobot sendText of {{$json.text}} with {{$json.uuid}} as msgUuid. */
export function dingTalkRobotSend(
	credential: RobotCredentialRef,
	options: Record<string, unknown>,
): WorkflowNode {
	return node(
		'DingTalk Robot',
		`${PACKAGE_NODE}.dingTalkRobot`,
		1,
		{
			resource: 'message',
			operation: 'sendText',
			sendTo: 'robot',
			content: '={{ $json.text }}',
			options: { msgUuid: '={{ $json.uuid }}', ...options },
		},
		{ credentials: { dingTalkRobotApi: credential } },
	);
}

/**
 * What a user builds without this package: a timestamp, the HMAC-SHA256 sign from the Crypto node
 * (n8n expressions have no HMAC), and the HTTP Request node posting the same JSON with them.
 */
export function handSignedHttpSend(options: {
	baseUrl: string;
	accessToken: string;
	secret: string;
}): WorkflowNode[] {
	return [
		node('Timestamp', 'n8n-nodes-base.set', 3.4, {
			assignments: {
				assignments: [
					{
						id: 'b0000000-0000-4000-8000-000000000001',
						name: 'ts',
						value: '={{ Date.now() }}',
						type: 'number',
					},
				],
			},
			includeOtherFields: true,
			options: {},
		}),
		node('Sign', 'n8n-nodes-base.crypto', 1, {
			action: 'hmac',
			type: 'SHA256',
			value: `={{ $json.ts + "\\n" + ${JSON.stringify(options.secret)} }}`,
			dataPropertyName: 'sign',
			secret: options.secret,
			encoding: 'base64',
		}),
		node('HTTP Request', 'n8n-nodes-base.httpRequest', 4.2, {
			method: 'POST',
			url: `${options.baseUrl}/robot/send`,
			sendQuery: true,
			queryParameters: {
				parameters: [
					{ name: 'access_token', value: options.accessToken },
					{ name: 'timestamp', value: '={{ $json.ts }}' },
					{ name: 'sign', value: '={{ $json.sign }}' },
				],
			},
			sendBody: true,
			specifyBody: 'json',
			jsonBody:
				'={{ JSON.stringify({ msgtype: "text", text: { content: $json.text }, msgUuid: $json.uuid }) }}',
			options: {},
		}),
	];
}
