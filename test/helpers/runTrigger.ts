/**
 * Activates a trigger node the way n8n does: n8n-core's TriggersAndPollers.runTrigger with a real
 * TriggerContext (parameters, credentials, helpers.httpRequest), so a test run (mode 'manual')
 * gets n8n's own replacement of emit and its manualTriggerResponse. Only the credential store,
 * the logger and the receivers of emit and emitError are the test's.
 */
import { TriggerContext } from 'n8n-core';
// Not exported from the package index; this is the class n8n's ActiveWorkflowManager calls.
import { TriggersAndPollers } from 'n8n-core/dist/execution-engine/triggers-and-pollers';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	ITriggerResponse,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { fakeCredentialsHelper } from './runNode';

export interface LogLine {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
	meta?: unknown;
}

export interface ActivatedTrigger {
	response: ITriggerResponse;
	/** Items of each emit, in order (mode 'trigger'). */
	emitted: IDataObject[][];
	errors: Error[];
	logs: LogLine[];
	close(): Promise<void>;
}

export interface ActivateTriggerOptions {
	nodeType: INodeType;
	typeName: string;
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	mode?: WorkflowExecuteMode;
	workflowId?: string;
	nodeId?: string;
	/** Called for every emit before it is recorded; throw to play a failed execution start. */
	onEmit?: (items: IDataObject[]) => void;
}

export async function activateTrigger(options: ActivateTriggerOptions): Promise<ActivatedTrigger> {
	const nodeTypes = {
		getByName: () => options.nodeType,
		getByNameAndVersion: () => options.nodeType,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const node: INode = {
		id: options.nodeId ?? 'trigger-under-test',
		name: 'Trigger',
		type: options.typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries(
			Object.keys(options.credentials).map((type) => [type, { id: `cred-${type}`, name: type }]),
		),
	};
	const workflow = new Workflow({
		id: options.workflowId ?? 'test-workflow',
		name: 'test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
	});
	const requests: IHttpRequestOptions[] = [];
	const additionalData = {
		credentialsHelper: fakeCredentialsHelper(options.credentials, requests),
		hooks: { addHandler: () => undefined },
		// n8n always sets it (N8N_EDITOR_BASE_URL or WEBHOOK_URL); the Stream trigger hands Send and
		// Wait card clicks there.
		instanceBaseUrl: 'http://127.0.0.1:5678',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const emitted: IDataObject[][] = [];
	const errors: Error[] = [];
	const logs: LogLine[] = [];
	const logger = Object.fromEntries(
		(['debug', 'info', 'warn', 'error'] as const).map((level) => [
			level,
			(message: string, meta?: unknown) => logs.push({ level, message, meta }),
		]),
	);
	const mode = options.mode ?? 'trigger';
	const response = await new TriggersAndPollers().runTrigger(
		workflow,
		node,
		(
			wf: Workflow,
			triggerNode: INode,
			data: IWorkflowExecuteAdditionalData,
			executeMode: WorkflowExecuteMode,
			activation: WorkflowActivateMode,
		) => {
			const context = new TriggerContext(
				wf,
				triggerNode,
				data,
				executeMode,
				activation,
				(items: INodeExecutionData[][]) => {
					const jsons = items[0].map((item) => item.json);
					options.onEmit?.(jsons);
					emitted.push(jsons);
				},
				(error: Error) => errors.push(error),
			);
			Object.defineProperty(context, 'logger', { value: logger });
			return context;
		},
		additionalData,
		mode,
		mode === 'manual' ? 'manual' : 'activate',
	);
	if (!response) throw new Error('the trigger returned nothing');
	return {
		response,
		emitted,
		errors,
		logs,
		close: async () => {
			await response.closeFunction?.();
		},
	};
}
