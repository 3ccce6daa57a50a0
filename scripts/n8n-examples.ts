// The example workflows in examples/*.json, and the credentials they reference, for `npm run dev`
// and the e2e suite: both import them into a real n8n with credentials that point at the fake
// DingTalk server.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { CredentialFixture, WorkflowFixture } from './n8n-instance';
import { PACKAGE_NAME, repoRoot } from './n8n-runtime';

export const ROBOT_CREDENTIAL_TYPE = 'dingTalkRobotApi';
export const APP_CREDENTIAL_TYPE = 'dingTalkAppApi';
export const TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.dingTalkTrigger`;

export interface ExampleWorkflow extends WorkflowFixture {
	/** File name in examples/, e.g. command-bot.json. */
	file: string;
}

export function examplesDir(): string {
	return path.join(repoRoot(), 'examples');
}

/** Every examples/*.json, sorted by file name; none when the folder does not exist. */
export function loadExamples(dir = examplesDir()): ExampleWorkflow[] {
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			const workflow = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as WorkflowFixture;
			if (!workflow.id || !Array.isArray(workflow.nodes)) {
				throw new Error(`examples/${file} is not a workflow with an id and nodes`);
			}
			return { ...workflow, file };
		});
}

/** The host the contact examples use for "your HR system"; `npm run dev` points it at the sandbox. */
export const EXAMPLE_HR_SYSTEM = 'https://hr.example.com';

/** The examples with their stand-in HR system at `standInUrl` (the sandbox's stand-in directory). */
export function withStandInHrSystem(
	examples: ExampleWorkflow[],
	standInUrl: string,
): ExampleWorkflow[] {
	return examples.map(
		(example) =>
			JSON.parse(
				JSON.stringify(example).split(EXAMPLE_HR_SYSTEM).join(standInUrl),
			) as ExampleWorkflow,
	);
}

export interface CredentialReference {
	type: string;
	id: string;
	name: string;
}

/** The credentials the workflows' nodes select, each once. */
export function credentialReferences(workflows: WorkflowFixture[]): CredentialReference[] {
	const found = new Map<string, CredentialReference>();
	for (const workflow of workflows) {
		for (const node of workflow.nodes) {
			for (const [type, reference] of Object.entries(node.credentials ?? {})) {
				if (!reference?.id) {
					throw new Error(
						`${workflow.name}: node "${node.name}" selects a ${type} credential without an id`,
					);
				}
				found.set(`${type}:${reference.id}`, { type, id: reference.id, name: reference.name });
			}
		}
	}
	return [...found.values()];
}

/** Plain data of the credentials, by type. */
export interface CredentialData {
	[ROBOT_CREDENTIAL_TYPE]: Record<string, unknown>;
	[APP_CREDENTIAL_TYPE]: Record<string, unknown>;
}

/** One credential per reference, filled with the data of its id in `byId`, else of its type. */
export function credentialsFor(
	references: CredentialReference[],
	data: CredentialData,
	byId: Record<string, Record<string, unknown>> = {},
): CredentialFixture[] {
	return references.map((reference) => {
		const values = byId[reference.id] ?? data[reference.type as keyof CredentialData];
		if (!values) throw new Error(`No data for a ${reference.type} credential (${reference.name})`);
		return { ...reference, data: values };
	});
}

export interface TriggerEndpoint {
	workflow: ExampleWorkflow;
	mode: 'robot' | 'event';
	/** Path under /webhook/: <webhookId>/webhook. */
	path: string;
}

/** The DingTalk Trigger nodes of the examples with the webhook path each one listens on. */
export function triggerEndpoints(examples: ExampleWorkflow[]): TriggerEndpoint[] {
	return examples.flatMap((workflow) =>
		workflow.nodes
			.filter((node) => node.type === TRIGGER_NODE_TYPE && !node.disabled && node.webhookId)
			.map((node) => ({
				workflow,
				mode: node.parameters.mode === 'event' ? ('event' as const) : ('robot' as const),
				path: `${node.webhookId}/webhook`,
			})),
	);
}
