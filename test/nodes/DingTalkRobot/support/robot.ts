/**
 * Shared set-up of the action-node tests: a FakeDingTalk on loopback, robots with a fresh token
 * per test (the node's pacer is process-global and keyed by token), node parameters, and checks
 * for the errors the node throws. Everything runs through runNode, so n8n's own request path.
 */
import { randomBytes } from 'node:crypto';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';

import { FakeDingTalk } from '../../../fake-dingtalk';
import type { FakeDingTalkOptions, FakeRobot } from '../../../fake-dingtalk';
import { runNode } from '../../../helpers/runNode';
import type { RunNodeOptions } from '../../../helpers/runNode';

export type Operation =
	| 'sendText'
	| 'sendMarkdown'
	| 'sendLink'
	| 'sendActionCard'
	| 'sendFeedCard'
	| 'sendRaw';

export interface RobotCredential extends ICredentialDataDecryptedObject {
	accessToken: string;
	secret: string;
	keywords: string;
	baseUrl: string;
}

export interface TestRobot {
	token: string;
	credential: RobotCredential;
	/** Ready for runNode's `credentials`. */
	credentials: { dingTalkRobotApi: RobotCredential };
}

let tokenCounter = 0;

/** A token no other test uses, so the process-wide pacer never links two tests. */
export function uniqueToken(label = 'robot'): string {
	tokenCounter += 1;
	return `${label}-${tokenCounter}-${randomBytes(6).toString('hex')}`;
}

/** Starts a fake per test file; `reset()` runs before each test. */
export function useFakeDingTalk(options: FakeDingTalkOptions = {}): () => FakeDingTalk {
	let fake: FakeDingTalk | undefined;
	beforeAll(async () => {
		fake = new FakeDingTalk(options);
		await fake.start();
	});
	afterAll(async () => {
		await fake?.stop();
	});
	beforeEach(() => fake?.reset());
	return () => {
		if (!fake) throw new Error('the fake DingTalk is not started yet');
		return fake;
	};
}

/**
 * Registers a robot with a fresh token on the fake and returns a credential for it. The fake
 * robot's secret is also the credential's unless `credential` overrides it.
 */
export function addRobot(
	fake: FakeDingTalk,
	robot: Omit<FakeRobot, 'token'> & { token?: string } = {},
	credential: Partial<RobotCredential> = {},
): TestRobot {
	const token = robot.token ?? uniqueToken();
	fake.addRobot({ ...robot, token });
	const data: RobotCredential = {
		accessToken: token,
		secret: robot.secret ?? '',
		keywords: '',
		baseUrl: fake.baseUrl,
		...credential,
	};
	return { token, credential: data, credentials: { dingTalkRobotApi: data } };
}

/** Node parameters of the message resource; the Workflow fills in every default not given. */
export function params(
	operation: Operation,
	fields: INodeParameters = {},
	options: IDataObject = {},
): INodeParameters {
	return { resource: 'message', operation, ...fields, options: options as INodeParameters };
}

/** Anything that carries the credentials a test run hands to the node (a robot, an app). */
export type WithCredentials = Pick<RunNodeOptions, 'credentials'>;

export async function send(
	robot: WithCredentials | undefined,
	parameters: INodeParameters,
	extra: Omit<RunNodeOptions, 'parameters' | 'credentials'> = {},
): Promise<INodeExecutionData[]> {
	const { output } = await runNode({
		...extra,
		parameters,
		credentials: robot ? robot.credentials : undefined,
	});
	return output;
}

/** Runs the node and returns what it threw; fails the test when it did not throw. */
export async function sendExpectingError(
	robot: WithCredentials | undefined,
	parameters: INodeParameters,
	extra: Omit<RunNodeOptions, 'parameters' | 'credentials'> = {},
): Promise<Error & { description?: string | null; context?: IDataObject }> {
	let output: INodeExecutionData[] | undefined;
	try {
		output = await send(robot, parameters, extra);
	} catch (error) {
		return error as Error;
	}
	throw new Error(`the node did not throw; it returned ${JSON.stringify(output)}`);
}

/** A validation failure: NodeOperationError naming the item in the message and the parameter in the description. */
export function expectFieldError(
	error: Error,
	expected: { item: number; parameter: string; message?: string | RegExp },
): NodeOperationError {
	expect(error).toBeInstanceOf(NodeOperationError);
	const nodeError = error as NodeOperationError;
	expect(nodeError.message).toContain(`[item ${expected.item}]`);
	expect(nodeError.description).toContain(`(parameter: ${expected.parameter})`);
	expect(nodeError.context.itemIndex).toBe(expected.item);
	if (expected.message) expect(nodeError.message).toMatch(expected.message);
	return nodeError;
}

/** A DingTalk refusal: NodeApiError with the errcode in the message and the hint in the description. */
export function expectApiError(
	error: Error,
	expected: { errcode: number; hint: string | RegExp; errmsg?: string },
): NodeApiError {
	expect(error).toBeInstanceOf(NodeApiError);
	const apiError = error as NodeApiError;
	expect(apiError.message).toContain(`(errcode ${expected.errcode})`);
	expect(apiError.description).toMatch(expected.hint);
	expect(apiError.context.code).toBe(expected.errcode);
	if (expected.errmsg !== undefined) {
		expect(apiError.message).toContain(expected.errmsg);
		expect(apiError.context.dingTalkMessage).toBe(expected.errmsg);
	}
	return apiError;
}

/** The JSON bodies of the /robot/send and /robot/sendBySession requests the fake answered. */
export function postedBodies(fake: FakeDingTalk): IDataObject[] {
	return fake.requests.map((request) => JSON.parse(request.rawBody) as IDataObject);
}
