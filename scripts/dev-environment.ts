// The environment `npm run dev` runs (and the examples e2e suite tests): the DingTalk sandbox (the
// fake DingTalk server with its web page and the enterprise OpenAPI), and a real n8n with this
// package installed from its packed tarball, credentials that point at the sandbox, the example
// workflows, and an owner account. n8n's data stays in <devDir>/n8n-user between runs.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { FakeAiCards } from '../test/fake-dingtalk/aiCards';
import { FakeCards } from '../test/fake-dingtalk/cards';
import { FakeChatModel } from '../test/fake-dingtalk/fakeChatModel';
import { FakeContacts } from '../test/fake-dingtalk/contacts';
import { FakeOpenApi } from '../test/fake-dingtalk/openApi';
import { FakeRobotRecall } from '../test/fake-dingtalk/robotRecall';
import {
	SANDBOX_DEPARTMENTS,
	SANDBOX_HR_ROWS,
	SANDBOX_USER_ID,
	sandboxPeople,
	sandboxUsers,
} from '../test/fake-dingtalk/sandboxPeople';
import { sandboxApprovals } from '../test/fake-dingtalk/sandboxApprovals';
import { sandboxTodos } from '../test/fake-dingtalk/sandboxTodos';
import { sandboxCards } from '../test/fake-dingtalk/sandboxCards';
import { FakeTodo } from '../test/fake-dingtalk/todo';
import { FakeWorkflow } from '../test/fake-dingtalk/workflow';
import { StandInDirectory } from '../test/fake-dingtalk/standInDirectory';
import { startSandbox, type RunningSandbox } from '../test/fake-dingtalk/startSandbox';
import { loadDevState, saveDevState, type DevState } from './dev-state';
import { databaseFile, queryDatabase } from './n8n-database';
import {
	APP_CREDENTIAL_TYPE,
	ROBOT_CREDENTIAL_TYPE,
	credentialReferences,
	credentialsFor,
	loadExamples,
	triggerEndpoints,
	withStandInHrSystem,
	type CredentialReference,
	type ExampleWorkflow,
	type TriggerEndpoint,
} from './n8n-examples';
import { N8nInstance, type CredentialFixture } from './n8n-instance';
import { ensureOwner } from './n8n-owner';
import { PACKAGE_NAME, freePort } from './n8n-runtime';

export const STREAM_TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.dingTalkStreamTrigger`;

/**
 * The DingTalk Stream Trigger needs Node's global WebSocket, which Node 20 only has with
 * --experimental-websocket (Node 22 and newer have it always). n8n runs on this process's Node.
 */
export function webSocketNodeOptions(nodeVersion = process.versions.node): Record<string, string> {
	return Number(nodeVersion.split('.')[0]) < 22 ? { NODE_OPTIONS: '--experimental-websocket' } : {};
}

/** Imported when no example selects a credential of the type; the examples use these ids. */
export const DEFAULT_CREDENTIALS: CredentialReference[] = [
	{ type: ROBOT_CREDENTIAL_TYPE, id: 'dtSandboxRobot01', name: 'DingTalk Robot account' },
	{ type: APP_CREDENTIAL_TYPE, id: 'dtSandboxApp0001', name: 'DingTalk App account' },
];

/**
 * The DingTalk App API credential of the sandbox's second app (the card examples'): its own Stream
 * connection for card callbacks, as DingTalk gives each message of an app to one connection.
 */
export const CARD_APP_CREDENTIAL_ID = 'dtSandboxApp0002';
/** Long ago, and its name "DingTalk App 2 account" sorts first: see credentialsForSandbox. */
const CARD_APP_CREDENTIAL_CHANGED_AT = '2020-01-01T00:00:00.000Z';

/** The conversation of the sandbox's robot @-messages, known to the fake OpenAPI. */
const SANDBOX_GROUP = 'cidSandboxGroup0001==';

/** The approval form of the sandbox: a leave request its user's manager (the sandbox user) approves. */
const SANDBOX_PROCESSES = [
	{
		processCode: 'PROC-SANDBOX-LEAVE',
		name: 'Leave request',
		requiredFields: ['Reason'],
		approvers: [SANDBOX_USER_ID],
	},
];

export interface DevEnvironmentOptions {
	/** Holds n8n-user/, state.json and n8n.log. */
	devDir: string;
	/** Default: a free ephemeral port. */
	n8nPort?: number;
	/** Default: a free ephemeral port. */
	sandboxPort?: number;
	/** The stand-in OpenAI-compatible chat model's port. Default: a free ephemeral port. */
	modelPort?: number;
	/** Progress messages. */
	log?: (line: string) => void;
	/** Where n8n's log and a summary go when preparing or starting fails. Default: devDir. */
	artifactsDir?: string;
	/** Names the folder under artifactsDir. Default: last-failure. */
	name?: string;
	/**
	 * Filled in as soon as each part runs, so that a Ctrl-C during start-up can stop what is
	 * already running.
	 */
	started?: { n8n?: N8nInstance; sandbox?: RunningSandbox; model?: FakeChatModel };
}

export interface SandboxTargets {
	robot?: TriggerEndpoint;
	event?: TriggerEndpoint;
	/** The examples the sandbox's Stream form reaches (through the gateway, not a URL). */
	stream: ExampleWorkflow[];
	robotUrl?: string;
	eventUrl?: string;
	/** The DingTalk Trigger subscribed to bpms_instance_change, for the page's approvals. */
	approvalEventUrl?: string;
}

export interface DevEnvironment {
	n8n: N8nInstance;
	sandbox: RunningSandbox;
	openApi: FakeOpenApi;
	/** The interactive and AI cards sent to the sandbox. */
	cards: FakeCards;
	/** The to-dos workflows created in the sandbox. */
	todo: FakeTodo;
	/** The approvals workflows started in the sandbox. */
	workflow: FakeWorkflow;
	/** An OpenAI-compatible chat model for n8n's OpenAI Chat Model node, with no network. */
	model: FakeChatModel;
	/** The stand-in for the examples' HR system. */
	hrDirectory: StandInDirectory;
	state: DevState;
	examples: ExampleWorkflow[];
	credentials: CredentialFixture[];
	/** The triggers the sandbox page fires at by default. */
	targets: SandboxTargets;
	/** Whether the owner account was created by this run. */
	owner: 'created' | 'existing';
	devDir: string;
	logFile: string;
	stop(): Promise<void>;
}

/** The robot trigger of the command bot (else the first one) and the first event trigger. */
function sandboxTargets(examples: ExampleWorkflow[], n8nUrl: string): SandboxTargets {
	const endpoints = triggerEndpoints(examples);
	const robot =
		endpoints.find(
			(endpoint) => endpoint.mode === 'robot' && endpoint.workflow.file === 'command-bot.json',
		) ?? endpoints.find((endpoint) => endpoint.mode === 'robot');
	const event =
		endpoints.find(
			(endpoint) =>
				endpoint.mode === 'event' && endpoint.workflow.file === 'new-employee-welcome.json',
		) ?? endpoints.find((endpoint) => endpoint.mode === 'event');
	const url = (endpoint?: TriggerEndpoint) =>
		endpoint ? `${n8nUrl}/webhook/${endpoint.path}` : undefined;
	const stream = robotMessageStreamExamples(examples);
	// Approval results go to the trigger that subscribes to them.
	const approvalEvent = endpoints.find(
		(endpoint) =>
			endpoint.mode === 'event' &&
			endpoint.workflow.nodes.some((node) =>
				((node.parameters.eventTypes as string[] | undefined) ?? []).includes(
					'bpms_instance_change',
				),
			),
	);
	return {
		robot,
		event,
		stream,
		robotUrl: url(robot),
		eventUrl: url(event),
		approvalEventUrl: url(approvalEvent),
	};
}

function streamTriggers(example: ExampleWorkflow) {
	return example.nodes.filter((node) => node.type === STREAM_TRIGGER_NODE_TYPE && !node.disabled);
}

/** The App API credential id a Stream example's trigger connects with. */
function streamAppOf(example: ExampleWorkflow): string {
	return String(streamTriggers(example)[0]?.credentials?.[APP_CREDENTIAL_TYPE]?.id ?? '');
}

/**
 * The Stream examples that hold the connection of their sandbox app, one per app: DingTalk hands
 * each message to one of an app's connections, so a second published Stream trigger of the same
 * app would take messages at random. The first app's is the Stream command bot; the card app's
 * ({@link CARD_APP_CREDENTIAL_ID}) answers the alert card's Acknowledge button.
 */
export const PUBLISHED_STREAM_EXAMPLES = ['stream-command-bot.json', 'alert-acknowledge-card.json'];

/** One Stream example per app: the listed one, else the first. */
export function streamExamples(examples: ExampleWorkflow[]): ExampleWorkflow[] {
	const byApp = new Map<string, ExampleWorkflow[]>();
	for (const example of examples.filter((candidate) => streamTriggers(candidate).length > 0)) {
		byApp.set(streamAppOf(example), [...(byApp.get(streamAppOf(example)) ?? []), example]);
	}
	return [...byApp.values()].map(
		(all) => all.find((example) => PUBLISHED_STREAM_EXAMPLES.includes(example.file)) ?? all[0],
	);
}

/** The examples whose Stream trigger receives robot messages: the page's Send over Stream reaches them. */
function robotMessageStreamExamples(examples: ExampleWorkflow[]): ExampleWorkflow[] {
	return streamExamples(examples).filter((example) =>
		streamTriggers(example).some((node) =>
			((node.parameters.receive as string[] | undefined) ?? []).includes('robotMessages'),
		),
	);
}

/**
 * What n8n-instance publishes by default (a webhook-based trigger), and the examples with a
 * Stream trigger, which registers no webhook but connects out to the sandbox's gateway.
 */
export function examplesToPublish(examples: ExampleWorkflow[]): string[] {
	const stream = streamExamples(examples);
	return examples
		.filter((example) =>
			// An example with a Stream trigger only when it holds the app's one connection.
			streamTriggers(example).length > 0
				? stream.includes(example)
				: example.nodes.some(
						(node) =>
							!node.disabled &&
							node.webhookId !== undefined &&
							(node.type === 'n8n-nodes-base.webhook' || /trigger$/i.test(node.type)),
					),
		)
		.map((example) => example.id);
}

/**
 * Waits until every published Stream example holds a live connection to the sandbox's gateway.
 * Says so, without failing, when one does not: the example may have been changed to another
 * credential, and the banner shows the count.
 */
async function waitForStreamConnections(
	sandbox: RunningSandbox,
	n8n: N8nInstance,
	examples: ExampleWorkflow[],
	log: (line: string) => void,
	timeoutMs = 30_000,
): Promise<void> {
	const expected = examples
		.filter((example) => n8n.published.includes(example.id))
		.reduce((count, example) => count + streamTriggers(example).length, 0);
	const deadline = Date.now() + timeoutMs;
	while (sandbox.stream.liveConnections().length < expected) {
		if (Date.now() > deadline) {
			log(
				`Warning: ${expected} published Stream trigger(s), but ${sandbox.stream.liveConnections().length} connected to the sandbox's Stream gateway after ${timeoutMs / 1000} s; see n8n's log.`,
			);
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

function credentialsForSandbox(
	examples: ExampleWorkflow[],
	sandbox: RunningSandbox,
): CredentialFixture[] {
	// The examples' OpenAI credential is the stand-in chat model's, added with the model.
	const references = credentialReferences(examples).filter(
		(reference) => reference.type !== 'openAiApi',
	);
	for (const fallback of DEFAULT_CREDENTIALS) {
		if (!references.some((reference) => reference.type === fallback.type)) {
			references.push(fallback);
		}
	}
	const app = {
		...sandbox.appCredentialData,
		// Session webhooks and media uploads of the app robot go to the sandbox as well.
		oapiBaseUrl: sandbox.fake.baseUrl,
	};
	// New nodes in the editor keep the first app's credential: of several of a type, n8n preselects
	// the most recently changed (2.41), or, with no change times in its list, the last by name (2.8).
	const credentials = credentialsFor(
		references,
		{ [ROBOT_CREDENTIAL_TYPE]: sandbox.robotCredentialData, [APP_CREDENTIAL_TYPE]: app },
		{
			[CARD_APP_CREDENTIAL_ID]: {
				...app,
				appKey: sandbox.secrets.cardAppKey,
				appSecret: sandbox.secrets.cardAppSecret,
				eventToken: '',
				eventAesKey: '',
			},
		},
	);
	return credentials.map((credential) =>
		credential.id === CARD_APP_CREDENTIAL_ID
			? { ...credential, updatedAt: CARD_APP_CREDENTIAL_CHANGED_AT }
			: credential,
	);
}

/** Credentials are imported again only when they changed or one is missing from the database. */
async function credentialsToImport(
	userFolder: string,
	credentials: CredentialFixture[],
	state: DevState,
): Promise<{ credentials: CredentialFixture[]; hash: string }> {
	const hash = createHash('sha256').update(JSON.stringify(credentials)).digest('hex');
	if (hash !== state.credentialsHash || !fs.existsSync(databaseFile(userFolder))) {
		return { credentials, hash };
	}
	const stored = await queryDatabase<{ id: string }>(
		userFolder,
		'SELECT id FROM credentials_entity',
	).catch(() => []);
	const missing = credentials.some((credential) => !stored.some((row) => row.id === credential.id));
	return { credentials: missing ? credentials : [], hash };
}

export async function startDevEnvironment(options: DevEnvironmentOptions): Promise<DevEnvironment> {
	const log = options.log ?? (() => undefined);
	const started = options.started ?? {};
	const { devDir } = options;
	const userFolder = path.join(devDir, 'n8n-user');
	const stateFile = path.join(devDir, 'state.json');
	const logFile = path.join(devDir, 'n8n.log');
	const stop = async () => {
		await started.n8n?.stop();
		await started.sandbox?.stop();
		await started.model?.stop();
	};

	try {
		const state = loadDevState(stateFile, userFolder);
		const openApi = new FakeOpenApi({
			apps: [
				{
					appKey: state.secrets.appKey,
					appSecret: state.secrets.appSecret,
					robotCode: state.secrets.appKey,
					groups: [SANDBOX_GROUP],
					users: [SANDBOX_USER_ID],
				},
				{
					appKey: state.secrets.cardAppKey,
					appSecret: state.secrets.cardAppSecret,
					robotCode: state.secrets.cardAppKey,
					groups: [SANDBOX_GROUP],
					users: [SANDBOX_USER_ID],
				},
			],
		});
		// The trigger URLs need n8n's port before n8n runs; the instance takes the same one.
		const n8nPort = options.n8nPort ?? (await freePort());
		const shipped = loadExamples();
		const targets = sandboxTargets(shipped, `http://127.0.0.1:${n8nPort}`);
		const sandbox = await startSandbox({
			port: options.sandboxPort ?? 0,
			secrets: state.secrets,
			robotTriggerUrl: targets.robotUrl,
			eventTriggerUrl: targets.eventUrl,
			appRobotMessages: () => openApi.messages,
			people: sandboxPeople(),
			cards: true,
			approvals: true,
			todos: true,
		});
		started.sandbox = sandbox;
		sandbox.stream.addApp({
			clientId: state.secrets.cardAppKey,
			clientSecret: state.secrets.cardAppSecret,
		});
		sandbox.fake.use(openApi);
		// The sandbox has no card builder: every card template ID exists.
		const cards = new FakeCards(openApi, { acceptAnyTemplate: true, gateway: sandbox.stream });
		sandbox.fake.use(cards);
		sandbox.fake.use(sandboxCards(cards, [state.secrets.appKey, state.secrets.cardAppKey]));
		// AI cards stream into the same cards, at the lower end of the limits users report.
		sandbox.fake.use(new FakeAiCards(openApi, cards, { qpsLimit: 20 }));
		const contacts = new FakeContacts(openApi, {
			departments: SANDBOX_DEPARTMENTS,
			users: sandboxUsers(),
		});
		sandbox.fake.use(contacts);
		sandbox.fake.use(new FakeRobotRecall(openApi));
		const todo = new FakeTodo(openApi, contacts);
		sandbox.fake.use(todo);
		sandbox.fake.use(sandboxTodos({ todo, contacts }));
		const workflow = new FakeWorkflow(openApi, contacts, SANDBOX_PROCESSES);
		sandbox.fake.use(workflow);
		sandbox.fake.use(
			sandboxApprovals({
				workflow,
				appKey: state.secrets.appKey,
				eventToken: state.secrets.eventToken,
				eventAesKey: state.secrets.eventAesKey,
				eventTriggerUrl: targets.approvalEventUrl ?? targets.eventUrl,
				stream: sandbox.stream,
			}),
		);
		const hrDirectory = new StandInDirectory(SANDBOX_HR_ROWS);
		sandbox.fake.use(hrDirectory);
		const examples = withStandInHrSystem(shipped, `${sandbox.fake.baseUrl}/stand-in/hr`);
		log(`DingTalk sandbox listening on ${sandbox.pageUrl}`);
		const model = new FakeChatModel();
		started.model = model;
		await model.start(options.modelPort ?? 0);
		log(`Stand-in chat model (OpenAI-compatible, any API key) at ${model.baseUrl}`);

		const credentials = [
			...credentialsForSandbox(examples, sandbox),
			// For the OpenAI Chat Model node of an AI Agent: answers with no network and no key.
			{
				id: 'sandboxChatModel',
				name: 'Sandbox stand-in chat model',
				type: 'openAiApi',
				data: { apiKey: 'sk-sandbox-stand-in', url: model.baseUrl },
			},
		];
		const toImport = await credentialsToImport(userFolder, credentials, state);
		log(
			`Preparing n8n in ${userFolder}: installing the packed package` +
				(toImport.credentials.length
					? `, importing ${toImport.credentials.length} credentials`
					: '') +
				`, adding the example workflows it does not have yet (${examples.length} in examples/)...`,
		);
		fs.mkdirSync(devDir, { recursive: true });
		fs.writeFileSync(logFile, '');
		const n8n = await N8nInstance.create({
			name: options.name ?? 'last-failure',
			artifactsDir: options.artifactsDir ?? devDir,
			userFolder,
			port: n8nPort,
			credentials: toImport.credentials,
			workflows: examples,
			publish: examplesToPublish(examples),
			keepExistingWorkflows: true,
			logFile,
			env: { N8N_ENCRYPTION_KEY: state.encryptionKey, ...webSocketNodeOptions() },
		});
		started.n8n = n8n;
		saveDevState(stateFile, { ...state, credentialsHash: toImport.hash });

		log(`Starting n8n on ${n8n.baseUrl} (log: ${logFile})...`);
		await n8n.start({ timeoutMs: 180_000 });
		await waitForStreamConnections(sandbox, n8n, examples, log);
		const owner = await ensureOwner(n8n.baseUrl, state.owner);
		return {
			n8n,
			sandbox,
			openApi,
			cards,
			todo,
			workflow,
			model,
			hrDirectory,
			state,
			examples,
			credentials,
			targets,
			owner,
			devDir,
			logFile,
			stop,
		};
	} catch (error) {
		await started.n8n?.stop({
			failures: [`starting the dev environment: ${(error as Error).message.split('\n')[0]}`],
		});
		await started.sandbox?.stop();
		await started.model?.stop();
		throw error;
	}
}
