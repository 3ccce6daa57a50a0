import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	NodeHelpers,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { DingTalkRobot } from '../../nodes/DingTalkRobot/DingTalkRobot.node';
import { DingTalkStreamTrigger } from '../../nodes/DingTalkStreamTrigger/DingTalkStreamTrigger.node';
import { DingTalkTrigger } from '../../nodes/DingTalkTrigger/DingTalkTrigger.node';

/**
 * Structural checks of the importable example workflows in examples/: they must import into
 * n8n 2.8.4 and only use what our nodes define. Whether they run is the e2e suite's job.
 */

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const PACKAGE = 'n8n-nodes-dingtalk-robot';

const ourNodes: Record<string, INodeTypeDescription> = {
	[`${PACKAGE}.dingTalkRobot`]: new DingTalkRobot().description,
	[`${PACKAGE}.dingTalkTrigger`]: new DingTalkTrigger().description,
	[`${PACKAGE}.dingTalkStreamTrigger`]: new DingTalkStreamTrigger().description,
};

/** Versions of built-in nodes in n8n 2.8.4 (read from its n8n-nodes-base). Extend as needed. */
const BUILT_IN_VERSIONS: Record<string, number[]> = {
	aggregate: [1],
	code: [1, 2],
	dateTime: [1, 2],
	filter: [1, 2, 2.1, 2.2, 2.3],
	httpRequest: [1, 2, 3, 4, 4.1, 4.2, 4.3, 4.4],
	if: [1, 2, 2.1, 2.2, 2.3],
	manualTrigger: [1],
	merge: [1, 2, 2.1, 3, 3.1, 3.2],
	noOp: [1],
	respondToWebhook: [1, 1.1, 1.2, 1.3, 1.4, 1.5],
	scheduleTrigger: [1, 1.1, 1.2, 1.3],
	set: [1, 2, 3, 3.1, 3.2, 3.3, 3.4],
	splitOut: [1],
	stickyNote: [1],
	switch: [1, 2, 3, 3.1, 3.2, 3.3, 3.4],
	wait: [1, 1.1],
	webhook: [1, 1.1, 2, 2.1],
};

/** Versions of n8n's AI nodes (@n8n/n8n-nodes-langchain) in n8n 2.8.4, also in 2.41.1. */
const AI_NODE_VERSIONS: Record<string, number[]> = {
	agent: [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.1, 2.2, 3, 3.1],
	lmChatOpenAi: [1, 1.1, 1.2, 1.3],
	memoryBufferWindow: [1, 1.1, 1.2, 1.3],
};
const AI_PACKAGE = '@n8n/n8n-nodes-langchain.';
/** What an AI sub-node may plug into an agent with, besides the main connections. */
const AI_CONNECTIONS = ['ai_languageModel', 'ai_memory'];

/** The examples examples/README.md documents; any further file is checked too. */
const DOCUMENTED = [
	'ai-assistant-http.json',
	'ai-assistant-stream.json',
	'alert-acknowledge-card.json',
	'alert-recall-on-resolve.json',
	'alert-relay.json',
	'approval-before-deploy.json',
	'command-bot-long-job.json',
	'command-bot.json',
	'deploy-gate-card-approval.json',
	'employee-left-notify-manager.json',
	'github-to-dingtalk-markdown.json',
	'jira-to-dingtalk-action-card.json',
	'leave-request-approval.json',
	'new-employee-welcome.json',
	'stream-command-bot.json',
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ExampleNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: INodeParameters;
	webhookId?: string;
	credentials?: Record<string, { id: string; name: string }>;
}

interface Example {
	id?: string;
	name: string;
	nodes: ExampleNode[];
	connections: Record<
		string,
		Record<string, Array<Array<{ node: string; type: string; index: number }>>>
	>;
	settings: Record<string, unknown>;
}

const files = fs
	.readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort();

function load(file: string): Example {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as Example;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Paths of `given` that n8n would drop: unknown parameters, or ones not shown with these values. */
function droppedPaths(given: unknown, kept: unknown, at: string): string[] {
	if (Array.isArray(given) && Array.isArray(kept)) {
		return given.flatMap((entry, index) => droppedPaths(entry, kept[index], `${at}[${index}]`));
	}
	if (!isPlainObject(given)) return [];
	if (!isPlainObject(kept)) return [at];
	return Object.entries(given).flatMap(([key, value]) =>
		key in kept ? droppedPaths(value, kept[key], `${at}.${key}`) : [`${at}.${key}`],
	);
}

/**
 * Values of options-type parameters that are not among their options. Expressions are left to
 * run time. Looks into collections and fixed collections too.
 */
function invalidOptionValues(
	properties: INodeProperties[],
	values: Record<string, unknown>,
	at: string,
	isShown: (property: INodeProperties) => boolean,
): string[] {
	const problems: string[] = [];
	for (const [name, value] of Object.entries(values)) {
		const property = properties.find((candidate) => candidate.name === name && isShown(candidate));
		if (!property) continue;
		const isExpression = typeof value === 'string' && value.startsWith('=');
		if ((property.type === 'options' || property.type === 'multiOptions') && !isExpression) {
			const allowed = (property.options ?? []).map(
				(option) => (option as { value: unknown }).value,
			);
			const chosen = property.type === 'multiOptions' && Array.isArray(value) ? value : [value];
			for (const entry of chosen) {
				if (!allowed.includes(entry)) problems.push(`${at}.${name} = ${JSON.stringify(entry)}`);
			}
		}
		if (property.type === 'collection' && isPlainObject(value)) {
			const nested = (property.options ?? []) as INodeProperties[];
			problems.push(...invalidOptionValues(nested, value, `${at}.${name}`, () => true));
		}
		if (property.type === 'fixedCollection' && isPlainObject(value)) {
			for (const group of (property.options ?? []) as Array<{
				name: string;
				values: INodeProperties[];
			}>) {
				const entries = value[group.name];
				for (const [index, entry] of (Array.isArray(entries) ? entries : [entries]).entries()) {
					if (isPlainObject(entry)) {
						problems.push(
							...invalidOptionValues(
								group.values,
								entry,
								`${at}.${name}.${group.name}[${index}]`,
								() => true,
							),
						);
					}
				}
			}
		}
	}
	return problems;
}

/** What n8n would make of the node's parameters, and what in them it would not accept. */
function checkAgainstDescription(node: ExampleNode, description: INodeTypeDescription) {
	const asNode = { ...node, parameters: node.parameters } as unknown as INode;
	const resolved = NodeHelpers.getNodeParameters(
		description.properties,
		node.parameters,
		true,
		false,
		asNode,
		description,
	) as Record<string, unknown>;
	const issues = NodeHelpers.getNodeParametersIssues(
		description.properties,
		{ ...asNode, parameters: resolved as INodeParameters },
		description,
	);
	const isShown = (property: INodeProperties) =>
		NodeHelpers.displayParameter(resolved as INodeParameters, property, asNode, description);
	return {
		resolved,
		dropped: droppedPaths(node.parameters, resolved, 'parameters'),
		invalidOptions: invalidOptionValues(
			description.properties,
			node.parameters,
			'parameters',
			isShown,
		),
		missingRequired: Object.keys(issues?.parameters ?? {}),
	};
}

function optionValues(
	description: INodeTypeDescription,
	name: string,
	resource?: string,
): unknown[] {
	return description.properties
		.filter(
			(property) =>
				property.name === name &&
				(!resource || property.displayOptions?.show?.resource?.includes(resource) !== false),
		)
		.flatMap((property) =>
			(property.options ?? []).map((option) => (option as { value: unknown }).value),
		);
}

it('ships every example examples/README.md documents', () => {
	expect(files).toEqual(expect.arrayContaining(DOCUMENTED));
});

it('documents every example file in examples/README.md, with a link to it', () => {
	const page = fs.readFileSync(path.join(EXAMPLES_DIR, 'README.md'), 'utf8');
	for (const file of files) expect(page).toContain(`](${file})`);
});

it('gives every webhook a workflow-wide unique id and every Webhook node a unique path', () => {
	const webhookIds = files.flatMap((file) =>
		load(file).nodes.flatMap((node) => (node.webhookId ? [node.webhookId] : [])),
	);
	const paths = files.flatMap((file) =>
		load(file)
			.nodes.filter((node) => node.type === 'n8n-nodes-base.webhook')
			.map((node) => String(node.parameters.path)),
	);
	expect(new Set(webhookIds).size).toBe(webhookIds.length);
	expect(new Set(paths).size).toBe(paths.length);
	const workflowIds = files.map((file) => load(file).id).filter((id) => id !== undefined);
	expect(new Set(workflowIds).size).toBe(workflowIds.length);
});

describe.each(files)('%s', (file) => {
	const example = load(file);
	const nodeNames = new Set(example.nodes.map((node) => node.name));

	it('is an importable workflow: name, nodes, connections and settings', () => {
		expect(typeof example.name).toBe('string');
		expect(example.name.trim()).not.toBe('');
		expect(Array.isArray(example.nodes)).toBe(true);
		expect(example.nodes.length).toBeGreaterThan(1);
		expect(isPlainObject(example.connections)).toBe(true);
		expect(isPlainObject(example.settings)).toBe(true);
		if (example.id !== undefined) expect(example.id).toMatch(/^[A-Za-z0-9]{1,36}$/);
	});

	it('gives every node a fixed UUID, a unique name and a position', () => {
		for (const node of example.nodes) {
			expect(node.id).toMatch(UUID);
			expect(node.position).toEqual([expect.any(Number), expect.any(Number)]);
			expect(isPlainObject(node.parameters)).toBe(true);
		}
		expect(new Set(example.nodes.map((node) => node.id)).size).toBe(example.nodes.length);
		expect(nodeNames.size).toBe(example.nodes.length);
	});

	it('uses only built-in nodes of n8n 2.8.4 and the nodes of this package', () => {
		for (const node of example.nodes) {
			const ours = ourNodes[node.type];
			if (ours) {
				expect([ours.version].flat()).toContain(node.typeVersion);
				continue;
			}
			if (node.type.startsWith(AI_PACKAGE)) {
				expect(AI_NODE_VERSIONS[node.type.slice(AI_PACKAGE.length)]).toContain(node.typeVersion);
				continue;
			}
			expect(node.type).toMatch(/^n8n-nodes-base\./);
			const versions = BUILT_IN_VERSIONS[node.type.slice('n8n-nodes-base.'.length)];
			expect({ node: node.name, known: versions !== undefined }).toEqual({
				node: node.name,
				known: true,
			});
			expect(versions).toContain(node.typeVersion);
		}
	});

	it('gives every webhook-based trigger a fixed UUID webhookId, and a Stream trigger none', () => {
		const triggers = example.nodes.filter(
			(node) =>
				node.type === 'n8n-nodes-base.webhook' || node.type === `${PACKAGE}.dingTalkTrigger`,
		);
		for (const trigger of triggers) expect(trigger.webhookId).toMatch(UUID);
		// n8n would wait for a webhook that a Stream trigger never registers.
		const streamTriggers = example.nodes.filter(
			(node) => node.type === `${PACKAGE}.dingTalkStreamTrigger`,
		);
		for (const trigger of streamTriggers) expect(trigger.webhookId).toBeUndefined();
	});

	it('connects only nodes that exist, through main outputs or an AI sub-node’s', () => {
		for (const [source, outputs] of Object.entries(example.connections)) {
			expect(nodeNames).toContain(source);
			for (const [type, branches] of Object.entries(outputs)) {
				expect(['main', ...AI_CONNECTIONS]).toContain(type);
				for (const target of branches.flat()) {
					expect(nodeNames).toContain(target.node);
					expect(target.type).toBe(type);
					expect(Number.isInteger(target.index) && target.index >= 0).toBe(true);
				}
			}
		}
		const connected = new Set([
			...Object.keys(example.connections),
			...Object.values(example.connections).flatMap((outputs) =>
				Object.values(outputs).flatMap((branches) => branches.flat().map((target) => target.node)),
			),
		]);
		const loose = example.nodes.filter(
			(node) => node.type !== 'n8n-nodes-base.stickyNote' && !connected.has(node.name),
		);
		expect(loose.map((node) => node.name)).toEqual([]);
	});

	it('explains itself in a sticky note', () => {
		const notes = example.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');
		expect(notes.length).toBeGreaterThan(0);
		expect(String(notes[0].parameters.content).length).toBeGreaterThan(200);
	});

	const ours = example.nodes.filter((node) => ourNodes[node.type]);

	it.each(ours.map((node) => [node.name, node] as const))(
		'%s: names an existing operation and sets only parameters the node defines',
		(_name, node) => {
			const description = ourNodes[node.type];
			if (node.type === `${PACKAGE}.dingTalkRobot`) {
				const resource = String(node.parameters.resource ?? 'message');
				expect(optionValues(description, 'resource')).toContain(resource);
				expect(optionValues(description, 'operation', resource)).toContain(
					node.parameters.operation,
				);
			} else if (node.type === `${PACKAGE}.dingTalkStreamTrigger`) {
				const receive = node.parameters.receive as string[];
				expect(receive.length).toBeGreaterThan(0);
				for (const kind of receive) expect(optionValues(description, 'receive')).toContain(kind);
			} else {
				expect(optionValues(description, 'mode')).toContain(node.parameters.mode);
			}
			const { dropped, invalidOptions, missingRequired } = checkAgainstDescription(
				node,
				description,
			);
			expect({ dropped, invalidOptions, missingRequired }).toEqual({
				dropped: [],
				invalidOptions: [],
				missingRequired: [],
			});
		},
	);

	it.each(ours.map((node) => [node.name, node] as const))(
		'%s: references credentials the node accepts by type, with a placeholder id and name',
		(_name, node) => {
			const description = ourNodes[node.type];
			const { resolved } = checkAgainstDescription(node, description);
			// Credentials can depend on parameters (the app robot resource needs the app credential).
			const shown = (description.credentials ?? []).filter((credential) =>
				NodeHelpers.displayParameter(
					resolved as INodeParameters,
					credential,
					node as unknown as INode,
					description,
				),
			);
			for (const [type, reference] of Object.entries(node.credentials ?? {})) {
				expect(shown.map((credential) => credential.name)).toContain(type);
				expect(reference).toEqual({ id: expect.any(String), name: expect.any(String) });
			}
			for (const credential of shown.filter((candidate) => candidate.required)) {
				expect(Object.keys(node.credentials ?? {})).toContain(credential.name);
			}
		},
	);
});

describe('the structural check itself', () => {
	const robot = ourNodes[`${PACKAGE}.dingTalkRobot`];
	const base: ExampleNode = {
		id: '00000000-0000-4000-8000-000000000000',
		name: 'Probe',
		type: `${PACKAGE}.dingTalkRobot`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'message', operation: 'sendText', content: 'hi', options: {} },
	};

	it('accepts a correct node', () => {
		const result = checkAgainstDescription(base, robot);
		expect([result.dropped, result.invalidOptions, result.missingRequired]).toEqual([[], [], []]);
	});

	it('catches unknown, hidden and misspelt parameters, bad option values and missing required ones', () => {
		const result = checkAgainstDescription(
			{
				...base,
				parameters: {
					resource: 'message',
					operation: 'sendActionCard',
					title: 'T',
					text: '',
					buttonMode: 'single',
					singleTitle: 'Go',
					singleUrl: 'https://example.com',
					btnOrientation: 'diagonal',
					content: 'only for text',
					options: { maxRetrys: 1, missingKeyword: 'ignore' },
				},
			},
			robot,
		);
		expect(result.dropped).toEqual(['parameters.content', 'parameters.options.maxRetrys']);
		expect(result.invalidOptions).toEqual([
			'parameters.btnOrientation = "diagonal"',
			'parameters.options.missingKeyword = "ignore"',
		]);
		expect(result.missingRequired).toEqual(['text']);
	});
});
