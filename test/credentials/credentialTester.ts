/**
 * Tests a credential the way n8n's CredentialsTester does for a credential with a `test` request:
 * a temporary node whose only property routes that request, run by n8n-core's RoutingNode inside a
 * real ExecuteContext (so `={{$credentials...}}` expressions resolve and the request goes through
 * httpRequestWithAuthentication and the credential's authenticate()); then the `responseSuccessBody`
 * rules in order, failing with a rule's message when get(body, key) === value.
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsDecrypted,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { authenticateGeneric } from '../helpers/authenticateGeneric';

const get = jest.requireActual<(object: unknown, path: string) => unknown>('lodash/get');

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
	/** The requests as authenticate() returned them, for inspection. */
	requests: IHttpRequestOptions[];
}

export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const testRequest = credentialType.test;
	if (!testRequest) throw new Error(`${credentialType.name} has no test request`);
	const requests: IHttpRequestOptions[] = [];

	// n8n borrows the NoOp node's description and replaces its properties.
	const nodeType: INodeType = {
		description: {
			displayName: 'No Operation',
			name: 'n8n-nodes-base.noOp',
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	} as INodeType;
	const nodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;

	const credentialsDecrypted: ICredentialsDecrypted = {
		id: 'credential-under-test',
		name: 'Credential under test',
		type: credentialType.name,
		data,
	};
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeType.description.name,
		typeVersion: 1,
		position: [0, 0],
		credentials: {
			[credentialType.name]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name },
		},
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });

	const credentialsHelper = {
		getParentTypes: () => [],
		getDecrypted: async () => ({ ...data }),
		preAuthentication: async () => undefined,
		authenticate: async (
			credentials: ICredentialDataDecryptedObject,
			_type: string,
			options: IHttpRequestOptions,
		) => {
			const authenticate = credentialType.authenticate;
			const authenticated =
				typeof authenticate === 'function'
					? await authenticate(credentials, options)
					: authenticate?.type === 'generic'
						? authenticateGeneric(authenticate, credentials, options)
						: options;
			requests.push(authenticated);
			return authenticated;
		},
	};
	const additionalData = {
		credentialsHelper,
		executionId: 'credential-test',
		restApiUrl: 'http://127.0.0.1/rest',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		instanceBaseUrl: 'http://127.0.0.1/',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;

	const inputData = { main: [[{ json: {} }]] };
	const runExecutionData = {
		startData: {},
		resultData: { runData: {}, lastNodeExecuted: undefined },
		executionData: {
			contextData: {},
			nodeExecutionStack: [],
			waitingExecution: {},
			waitingExecutionSource: {},
			metadata: {},
		},
	} as unknown as IRunExecutionData;
	const executeData = { node, data: {}, source: null } as unknown as IExecuteData;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		inputData.main[0],
		inputData,
		executeData,
		[],
	);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(context, nodeType, credentialsDecrypted).runNode();
	} catch (caught) {
		const error = caught as Error & { cause?: { response?: { status: number }; code?: string } };
		const status = error.cause?.response?.status;
		if (status !== undefined && (status < 199 || status > 299)) {
			return { status: 'Error', message: `Received HTTP status code: ${status}`, requests };
		}
		if (error.cause?.code) return { status: 'Error', message: error.cause.code, requests };
		return { status: 'Error', message: error.message, requests };
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const body = response![0][0].json;
		if (get(body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message, requests };
		}
	}
	return { status: 'OK', message: 'Connection successful!', requests };
}
