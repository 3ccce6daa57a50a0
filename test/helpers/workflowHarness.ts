/**
 * A workflow-JSON-driven node test in the spirit of n8n's NodeTestHarness: a workflow file holds
 * the nodes under test with their parameters, the input of each (the pinData of the node before
 * it) and the expected output (the node's own pinData). Each node runs through n8n-core's real
 * ExecuteContext (runNode), its requests go to the fake DingTalk, and its output must equal the
 * pinned one; the string "<any>" in the expected output matches any value.
 */
import { readFileSync } from 'node:fs';

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { runNode } from './runNode';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: INodeParameters;
	credentials?: Record<string, { id: string; name: string }>;
	continueOnFail?: boolean;
	onError?: string;
}

export interface TestWorkflow {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
	pinData: Record<string, IDataObject[]>;
}

export function loadWorkflow(path: string): TestWorkflow {
	return JSON.parse(readFileSync(path, 'utf8')) as TestWorkflow;
}

/** The nodes of `type` with the node whose output feeds each. */
export function nodesUnderTest(workflow: TestWorkflow, type: string) {
	return workflow.nodes
		.filter((node) => node.type === type)
		.map((node) => {
			const parent = Object.entries(workflow.connections).find(([, outputs]) =>
				outputs.main.some((targets) => targets.some((target) => target.node === node.name)),
			)?.[0];
			return { node, parent };
		});
}

/** Replaces the "<any>" of the expected output by what the node gave, for a readable diff. */
export function expectedWith(expected: unknown, actual: unknown): unknown {
	if (expected === '<any>') return actual;
	if (Array.isArray(expected) && Array.isArray(actual)) {
		return expected.map((entry, index) => expectedWith(entry, actual[index]));
	}
	if (expected && typeof expected === 'object' && actual && typeof actual === 'object') {
		return Object.fromEntries(
			Object.entries(expected).map(([key, value]) => [
				key,
				expectedWith(value, (actual as IDataObject)[key]),
			]),
		);
	}
	return expected;
}

export async function runWorkflowNode(
	workflow: TestWorkflow,
	name: string,
	credentialsByName: Record<string, ICredentialDataDecryptedObject>,
): Promise<{ output: INodeExecutionData[]; expected: IDataObject[] }> {
	const entry = nodesUnderTest(workflow, workflow.nodes.find((n) => n.name === name)!.type).find(
		(candidate) => candidate.node.name === name,
	)!;
	const { node, parent } = entry;
	const credentials = Object.fromEntries(
		Object.entries(node.credentials ?? {}).map(([type, reference]) => [
			type,
			credentialsByName[reference.name],
		]),
	);
	const { output } = await runNode({
		parameters: node.parameters,
		items: parent ? workflow.pinData[parent] : [{}],
		credentials,
		continueOnFail: node.continueOnFail || node.onError === 'continueRegularOutput',
	});
	return { output, expected: workflow.pinData[name] ?? [] };
}
