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
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { DingTalkAiSourceApi } from '../../credentials/DingTalkAiSourceApi.credentials';
import { DingTalkAppApi } from '../../credentials/DingTalkAppApi.credentials';
import { DingTalkRobotApi } from '../../credentials/DingTalkRobotApi.credentials';
import { DingTalkRobot } from '../../nodes/DingTalkRobot/DingTalkRobot.node';
import { authenticateGeneric } from './authenticateGeneric';

const credentialTypes: Record<string, ICredentialType> = {
	dingTalkRobotApi: new DingTalkRobotApi(),
	dingTalkAppApi: new DingTalkAppApi(),
	dingTalkAiSourceApi: new DingTalkAiSourceApi(),
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
	/** What the run left for n8n: the wait of a Send and Wait, and whether resumes are signed. */
	context: { waitTill?: Date; signatureValidationRequired?: boolean };
}

/** A credential's stored data with the defaults of fields it lacks, as n8n decrypts it. */
function withDefaults(type: string, data: ICredentialDataDecryptedObject) {
	const defaults = Object.fromEntries(
		(credentialTypes[type]?.properties ?? []).map((property) => [property.name, property.default]),
	);
	return { ...defaults, ...data } as ICredentialDataDecryptedObject;
}

/**
 * n8n's CredentialsHelper as far as nodes see it. preAuthentication() follows n8n's: it runs the
 * credential's preAuthentication() when the hidden expirable field is empty or n8n saw a 401,
 * and saves what it returned into the stored credential (the test's object, so tests see it).
 */
export function fakeCredentialsHelper(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	requests: IHttpRequestOptions[],
) {
	return {
		getParentTypes: () => [],
		getDecrypted: async (_data: unknown, _nodeCredentials: unknown, type: string) => {
			if (!credentials[type]) throw new Error(`test gave no credential of type ${type}`);
			return withDefaults(type, credentials[type]);
		},
		preAuthentication: async (
			helpers: IHttpRequestHelper,
			data: ICredentialDataDecryptedObject,
			type: string,
			_node: INode,
			expired: boolean,
		) => {
			const credentialType = credentialTypes[type];
			const expirable = credentialType?.properties.find(
				(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
			);
			if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
			if (data[expirable.name] !== '' && !expired) return undefined;
			const output = await credentialType.preAuthentication.call(helpers, data);
			if (output[expirable.name] === undefined) return undefined;
			Object.assign(credentials[type], output);
			return Object.assign(data, output);
		},
		authenticate: async (
			data: ICredentialDataDecryptedObject,
			type: string,
			requestOptions: IHttpRequestOptions,
		) => {
			const credentialType = credentialTypes[type];
			const authenticate = credentialType?.authenticate;
			const result =
				typeof authenticate === 'function'
					? await authenticate(data, requestOptions)
					: authenticate?.type === 'generic'
						? authenticateGeneric(authenticate, data, requestOptions)
						: requestOptions;
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
			Object.keys(options.credentials ?? {}).map((type) => [
				type,
				{ id: `cred-${type}`, name: type },
			]),
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
	const executeData: IExecuteData = {
		node,
		data: inputData,
		source: { main: [null] },
	} as unknown as IExecuteData;
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
	const { waitTill, validateSignature } = runExecutionData as {
		waitTill?: Date;
		validateSignature?: boolean;
	};
	return {
		output: (result as INodeExecutionData[][])[0],
		requests,
		context: { waitTill, signatureValidationRequired: validateSignature },
	};
}
