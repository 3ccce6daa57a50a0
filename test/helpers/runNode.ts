/**
 * Runs a node's execute() inside n8n-core's real ExecuteContext, so parameters, expressions,
 * continueOnFail and HTTP requests (httpRequest / httpRequestWithAuthentication with the
 * credential's authenticate()) go through the same code as in n8n. Only the credential store
 * is replaced: it hands out the test's decrypted credential data.
 */
import { ExecuteContext } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { DingTalkAppApi } from '../../credentials/DingTalkAppApi.credentials';
import { DingTalkRobotApi } from '../../credentials/DingTalkRobotApi.credentials';
import { DingTalkRobot } from '../../nodes/DingTalkRobot/DingTalkRobot.node';

const credentialTypes: Record<string, ICredentialType> = {
	dingTalkRobotApi: new DingTalkRobotApi(),
	dingTalkAppApi: new DingTalkAppApi(),
};

export interface RunNodeOptions {
	parameters: INodeParameters;
	items?: IDataObject[];
	/** Whole input items, e.g. with binary data; takes precedence over `items`. */
	inputItems?: INodeExecutionData[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	nodeType?: INodeType;
	typeName?: string;
	/** The execution this run belongs to; a new one per run unless given (Retry On Fail reuses it). */
	executionId?: string;
}

export interface RunNodeResult {
	output: INodeExecutionData[];
	requests: IHttpRequestOptions[];
}

function fakeCredentialsHelper(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	requests: IHttpRequestOptions[],
) {
	return {
		getParentTypes: () => [],
		getDecrypted: async (_data: unknown, _nodeCredentials: unknown, type: string) => {
			if (!credentials[type]) throw new Error(`test gave no credential of type ${type}`);
			return { ...credentials[type] };
		},
		preAuthentication: async () => undefined,
		authenticate: async (
			data: ICredentialDataDecryptedObject,
			type: string,
			requestOptions: IHttpRequestOptions,
		) => {
			const credentialType = credentialTypes[type];
			const authenticate = credentialType?.authenticate;
			const result =
				typeof authenticate === 'function' ? await authenticate(data, requestOptions) : requestOptions;
			requests.push(result);
			return result;
		},
	};
}

let executionCounter = 0;

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const nodeType = options.nodeType ?? new DingTalkRobot();
	const typeName = options.typeName ?? 'n8n-nodes-dingtalk-robot.dingTalkRobot';
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const node: INode = {
		id: 'node-under-test',
		name: 'DingTalk Robot',
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		continueOnFail: options.continueOnFail,
		credentials: Object.fromEntries(
			Object.keys(options.credentials ?? {}).map((type) => [type, { id: `cred-${type}`, name: type }]),
		),
	};
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
	});
	const requests: IHttpRequestOptions[] = [];
	const additionalData = {
		credentialsHelper: fakeCredentialsHelper(options.credentials ?? {}, requests),
		currentNodeParameters: undefined,
		// Each run is a new execution, as each manual or triggered run is in n8n.
		executionId: options.executionId ?? `test-execution-${++executionCounter}`,
		restApiUrl: 'http://127.0.0.1/rest',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		instanceBaseUrl: 'http://127.0.0.1/',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;

	const items: INodeExecutionData[] =
		options.inputItems ?? (options.items ?? [{}]).map((json) => ({ json }));
	const inputData = { main: [items] };
	const executeData: IExecuteData = { node, data: inputData, source: { main: [null] } } as unknown as IExecuteData;
	const runExecutionData = {
		startData: {},
		resultData: { runData: {}, lastNodeExecuted: undefined },
		executionData: { contextData: {}, nodeExecutionStack: [], waitingExecution: {}, waitingExecutionSource: {}, metadata: {} },
	} as unknown as IRunExecutionData;

	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		runExecutionData,
		0,
		items,
		inputData,
		executeData,
		[],
	);
	const result = await nodeType.execute!.call(context);
	return { output: (result as INodeExecutionData[][])[0], requests };
}
