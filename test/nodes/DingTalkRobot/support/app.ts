/**
 * Shared set-up of the App Robot tests: a FakeDingTalk on loopback with the enterprise-app
 * OpenAPI plugged in, apps with fresh keys per test, node parameters, and access to what the
 * fake received. Everything runs through runNode, so through n8n's own request path.
 */
import { randomBytes } from 'node:crypto';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { appTokenCache } from '../../../../nodes/DingTalkRobot/transport/accessTokenCache';
import {
	FakeCards,
	FakeContacts,
	FakeDingTalk,
	FakeOpenApi,
	FakeRobotRecall,
	FakeTodo,
	FakeWorkflow,
} from '../../../fake-dingtalk';
import type {
	FakeApp,
	FakeCardsOptions,
	FakeProcess,
	FakeContactsOptions,
	FakeDingTalkOptions,
	FakeOpenApiOptions,
	RecordedRequest,
} from '../../../fake-dingtalk';
import { send } from './robot';

export const TOKEN_PATH = '/v1.0/oauth2/accessToken';
export const GROUP_PATH = '/v1.0/robot/groupMessages/send';
export const BATCH_PATH = '/v1.0/robot/oToMessages/batchSend';

export type AppOperation =
	| 'sendToGroup'
	| 'sendToUsers'
	| 'reply'
	| 'uploadMedia'
	| 'downloadFile'
	| 'sendCard'
	| 'updateCard'
	| 'recall'
	| 'replyWithAiCard'
	| 'createAiCard'
	| 'updateAiCard';

export interface AppCredential extends ICredentialDataDecryptedObject {
	appKey: string;
	appSecret: string;
	apiBaseUrl: string;
	oapiBaseUrl: string;
}

export interface TestApp {
	appKey: string;
	appSecret: string;
	credential: AppCredential;
	/** Ready for runNode's `credentials`. */
	credentials: { dingTalkAppApi: AppCredential };
}

export interface TestServer {
	fake: FakeDingTalk;
	openApi: FakeOpenApi;
	contacts: FakeContacts;
	cards: FakeCards;
	todo: FakeTodo;
	workflow: FakeWorkflow;
}

let counter = 0;

/** Starts a fake with the OpenAPI per test file; resets it and the node's token cache before each test. */
export function useFakeOpenApi(
	options: {
		fake?: FakeDingTalkOptions;
		openApi?: FakeOpenApiOptions;
		contacts?: FakeContactsOptions;
		cards?: FakeCardsOptions;
		processes?: FakeProcess[];
	} = {},
): () => TestServer {
	let server: TestServer | undefined;
	beforeAll(async () => {
		const fake = new FakeDingTalk(options.fake);
		const openApi = new FakeOpenApi(options.openApi);
		const contacts = new FakeContacts(openApi, options.contacts);
		const cards = new FakeCards(openApi, options.cards);
		fake.use(openApi);
		fake.use(contacts);
		fake.use(cards);
		fake.use(new FakeRobotRecall(openApi));
		const todo = new FakeTodo(openApi, contacts);
		fake.use(todo);
		const workflow = new FakeWorkflow(openApi, contacts, options.processes);
		fake.use(workflow);
		await fake.start();
		server = { fake, openApi, contacts, cards, todo, workflow };
	});
	afterAll(async () => {
		await server?.fake.stop();
	});
	beforeEach(() => {
		server?.fake.reset();
		appTokenCache.clear();
	});
	return () => {
		if (!server) throw new Error('the fake DingTalk is not started yet');
		return server;
	};
}

/** Registers an app with a fresh AppKey and secret, and returns a credential pointing at the fake. */
export function addApp(
	server: TestServer,
	app: Partial<FakeApp> = {},
	credential: Partial<AppCredential> = {},
): TestApp {
	counter += 1;
	const appKey = app.appKey ?? `dingapp${counter}${randomBytes(4).toString('hex')}`;
	const appSecret = app.appSecret ?? `secret-${randomBytes(12).toString('hex')}`;
	server.openApi.addApp({ ...app, appKey, appSecret });
	const data: AppCredential = {
		appKey,
		appSecret,
		apiBaseUrl: server.fake.baseUrl,
		oapiBaseUrl: server.fake.baseUrl,
		...credential,
	};
	return { appKey, appSecret, credential: data, credentials: { dingTalkAppApi: data } };
}

/** Node parameters of the App Robot resource. */
export function appParams(
	operation: AppOperation,
	fields: INodeParameters = {},
	options: IDataObject = {},
): INodeParameters {
	return { resource: 'appRobot', operation, ...fields, options: options as INodeParameters };
}

// Running the node is the same for an app as for a custom robot.
export { send as run, sendExpectingError as runExpectingError } from './robot';

export function requestsTo(server: TestServer, path: string): RecordedRequest[] {
	return server.fake.requests.filter((request) => request.path === path);
}

export function bodyOf(request: RecordedRequest): IDataObject {
	return JSON.parse(request.rawBody) as IDataObject;
}

/** A DingTalk Trigger item for a message received in a group or a 1:1 chat. */
export function triggerItem(
	server: TestServer,
	app: TestApp,
	options: {
		type: 'group' | 'single';
		conversationId?: string;
		staffId?: string;
		sessionExpiresAt: number;
		sessionId?: string;
	},
): IDataObject {
	const sessionWebhook = server.fake.addSession(options.sessionExpiresAt, options.sessionId);
	return {
		messageId: `msg${randomBytes(6).toString('hex')}`,
		messageType: 'text',
		text: '/report',
		createdAt: options.sessionExpiresAt - 5_400_000,
		sender: { nick: '小钉', staffId: options.staffId ?? 'staff-alice', id: '$:LWCP_v1:$x' },
		conversation: {
			id: options.conversationId ?? 'cid-group-1',
			type: options.type,
			title: options.type === 'group' ? '测试群' : '',
		},
		robotCode: app.appKey,
		sessionWebhook,
		sessionWebhookExpiresAt: options.sessionExpiresAt,
		downloadCodes: [],
	};
}

/** Uploads a file through the node's Upload Media operation and returns its mediaId. */
export async function uploadThroughNode(
	app: TestApp,
	mediaType: 'image' | 'voice' | 'video' | 'file',
	fileName: string,
	mimeType: string,
	data: Buffer = Buffer.from(`${fileName} bytes`),
): Promise<string> {
	const output = await send(
		app,
		appParams('uploadMedia', { binaryPropertyName: 'data', mediaType }),
		{
			inputItems: [binaryItem(data, fileName, mimeType)],
		},
	);
	return output[0].json.mediaId as string;
}

export function binaryItem(
	data: Buffer,
	fileName: string,
	mimeType: string,
	property = 'data',
): INodeExecutionData {
	return {
		json: {},
		binary: { [property]: { data: data.toString('base64'), mimeType, fileName } },
	};
}
