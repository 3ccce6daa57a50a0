import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	INode,
	INodeParameters,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { DingTalkTrigger } from '../../../../nodes/DingTalkTrigger/DingTalkTrigger.node';

/** The parts of an express response the trigger touches, recording what it was told. */
export interface RecordedResponse {
	statusCode?: number;
	body?: unknown;
	statusCalls: number;
	status: jest.Mock;
	json: jest.Mock;
	send: jest.Mock;
	end: jest.Mock;
}

export interface RecordedLogger {
	warn: jest.Mock;
	debug: jest.Mock;
	info: jest.Mock;
	error: jest.Mock;
	verbose: jest.Mock;
}

export interface WebhookRequestSpec {
	/** Node parameters; missing ones fall back to the default the node passes. */
	parameters?: IDataObject;
	credentials?: ICredentialDataDecryptedObject;
	/** When set, getCredentials rejects with this message. */
	credentialsError?: string;
	headers?: Record<string, string | string[] | undefined>;
	query?: IDataObject;
	/** Raw bytes on the request; leave undefined to test the getBodyData() fallback. */
	rawBody?: Buffer | string;
	bodyData?: unknown;
	workflowId?: string;
	nodeId?: string;
}

export interface WebhookRun {
	result: IWebhookResponseData;
	response: RecordedResponse;
	logger: RecordedLogger;
}

function createResponse(): RecordedResponse {
	const response = { statusCalls: 0 } as RecordedResponse;
	response.status = jest.fn((code: number) => {
		response.statusCode = code;
		response.statusCalls++;
		return response;
	});
	response.json = jest.fn((body: unknown) => {
		response.body = body;
		return response;
	});
	response.send = jest.fn((body: unknown) => {
		response.body = body;
		return response;
	});
	response.end = jest.fn(() => response);
	return response;
}

function createLogger(): RecordedLogger {
	return {
		warn: jest.fn(),
		debug: jest.fn(),
		info: jest.fn(),
		error: jest.fn(),
		verbose: jest.fn(),
	};
}

function createNode(spec: WebhookRequestSpec): INode {
	return {
		id: spec.nodeId ?? 'node-1',
		name: 'DingTalk Trigger',
		type: 'n8n-nodes-dingtalk-robot.dingTalkTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: (spec.parameters ?? {}) as INodeParameters,
	};
}

function parameterReader(spec: WebhookRequestSpec) {
	return (name: string, fallback?: unknown) => {
		const value = spec.parameters?.[name];
		return value === undefined ? fallback : value;
	};
}

async function readCredentials(spec: WebhookRequestSpec) {
	if (spec.credentialsError) throw new Error(spec.credentialsError);
	return (spec.credentials ?? {}) as ICredentialDataDecryptedObject;
}

/** A hand-built IWebhookFunctions (jest-mock-extended is not installed). */
export function createWebhookContext(spec: WebhookRequestSpec): {
	context: IWebhookFunctions;
	response: RecordedResponse;
	logger: RecordedLogger;
} {
	const response = createResponse();
	const logger = createLogger();
	const node = createNode(spec);
	const request: IDataObject = { headers: spec.headers ?? {}, query: spec.query ?? {} };
	if (spec.rawBody !== undefined) {
		request.rawBody = Buffer.isBuffer(spec.rawBody) ? spec.rawBody : Buffer.from(spec.rawBody);
	}
	const context = {
		logger,
		getNode: () => node,
		getWorkflow: () => ({ id: spec.workflowId ?? 'workflow-1', name: 'Test', active: true }),
		getNodeParameter: jest.fn(parameterReader(spec)),
		getCredentials: jest.fn(async () => await readCredentials(spec)),
		getHeaderData: () => spec.headers ?? {},
		getQueryData: () => spec.query ?? {},
		getBodyData: () => spec.bodyData ?? {},
		getRequestObject: () => request,
		getResponseObject: () => response,
		getWebhookName: () => 'default',
		getMode: () => 'webhook',
		getNodeWebhookUrl: () => 'http://127.0.0.1:5678/webhook/abc/webhook',
	} as unknown as IWebhookFunctions;
	return { context, response, logger };
}

export async function runWebhook(spec: WebhookRequestSpec): Promise<WebhookRun> {
	const { context, response, logger } = createWebhookContext(spec);
	const result = await new DingTalkTrigger().webhook.call(context);
	return { result, response, logger };
}

/** A hand-built IHookFunctions for the webhook lifecycle methods. */
export function createHookContext(spec: WebhookRequestSpec): IHookFunctions {
	const node = createNode(spec);
	return {
		logger: createLogger(),
		getNode: () => node,
		getNodeParameter: jest.fn(parameterReader(spec)),
		getCredentials: jest.fn(async () => await readCredentials(spec)),
		getWebhookName: () => 'default',
		getMode: () => 'trigger',
		getActivationMode: () => 'activate',
		getNodeWebhookUrl: () => 'http://127.0.0.1:5678/webhook/abc/webhook',
	} as unknown as IHookFunctions;
}

/** Every string the logger and the HTTP reply received, for "no secret leaks" assertions. */
export function everythingSaid(run: WebhookRun): string {
	const logged = Object.values(run.logger).flatMap((fn: jest.Mock) => fn.mock.calls);
	return JSON.stringify([logged, run.response.body, run.result]);
}

/** The trigger answered `status` with `reason` itself, logged why, and said no secret. */
export function expectRefusedWithoutSecrets(
	run: WebhookRun,
	status: number,
	reason: string,
	secrets: string[],
): void {
	expect(run.result).toEqual({ noWebhookResponse: true });
	expect(run.response.status).toHaveBeenCalledTimes(1);
	expect(run.response.statusCode).toBe(status);
	expect(run.response.body).toEqual({ error: reason, message: expect.any(String) });
	expect(run.logger.warn).toHaveBeenCalledWith(
		expect.stringContaining(`${status} ${reason}`),
		expect.objectContaining({ reason }),
	);
	const said = everythingSaid(run);
	for (const secret of secrets) expect(said).not.toContain(secret);
}
