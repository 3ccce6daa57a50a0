import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { MessageFieldError } from '../domain/robotMessage';
import type { DingTalkErrorContext } from '../transport/errors';
import * as approval from './approval/Approval.resource';
import * as appRobot from './appRobot/AppRobot.resource';
import * as contact from './contact/Contact.resource';
import * as message from './message/Message.resource';
import * as todo from './todo/Todo.resource';
import type { DingTalkRobotResource, ItemResult, Operation, ResourceOperations } from './node.type';
import { NodeRun } from './nodeRun';
import { effectiveResource } from './sendAndWait/askThrough';

const resources: { [R in DingTalkRobotResource]: ResourceOperations<R> } = {
	message: message.operations,
	appRobot: appRobot.operations,
	contact: contact.operations,
	todo: todo.operations,
	approval: approval.operations,
};

function isResource(value: string): value is DingTalkRobotResource {
	return Object.prototype.hasOwnProperty.call(resources, value);
}

function findOperation(node: INode, resource: string, operation: string): Operation {
	const operations: Record<string, Operation> | undefined = isResource(resource)
		? resources[resource]
		: undefined;
	const handler =
		operations && Object.prototype.hasOwnProperty.call(operations, operation)
			? operations[operation]
			: undefined;
	if (!handler) {
		throw new NodeOperationError(
			node,
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	return handler;
}

/** A failure of one item as n8n shows it: field problems name the parameter to fix. */
export function toItemError(node: INode, caught: unknown, itemIndex: number) {
	if (caught instanceof MessageFieldError) {
		return new NodeOperationError(node, `${caught.message} [item ${itemIndex}]`, {
			itemIndex,
			description: `${caught.fix ?? ''} (parameter: ${caught.field})`.trim(),
		});
	}
	if (caught instanceof NodeApiError || caught instanceof NodeOperationError) return caught;
	return new NodeOperationError(node, caught as Error, { itemIndex });
}

/**
 * The item of a failed input with Continue On Fail, the same for every resource:
 * `{ error, code, dingTalkMessage, description }`, plus the per-recipient report of a send to
 * several people.
 */
export function continueOnFailJson(error: NodeApiError | NodeOperationError): IDataObject {
	const context = error.context as Partial<DingTalkErrorContext>;
	const json: IDataObject = {
		error: error.message,
		code: context.code ?? null,
		dingTalkMessage: context.dingTalkMessage ?? null,
		description: error.description ?? null,
	};
	if (context.requestId) json.requestId = context.requestId;
	if (context.report) Object.assign(json, context.report);
	return json;
}

type Settled = { ok: true; result: ItemResult | ItemResult[] } | { ok: false; error: unknown };

async function settle(promise: Promise<ItemResult | ItemResult[]>): Promise<Settled> {
	try {
		return { ok: true, result: await promise };
	} catch (error) {
		return { ok: false, error };
	}
}

/** A failed item: thrown, or with Continue On Fail its error item, and the run moves on. */
function failedItem(
	context: IExecuteFunctions,
	run: NodeRun,
	caught: unknown,
	itemIndex: number,
): INodeExecutionData {
	const error = toItemError(context.getNode(), caught, itemIndex);
	if (!context.continueOnFail()) {
		run.stop(itemIndex);
		throw error;
	}
	run.done(itemIndex);
	return { json: continueOnFailJson(error), pairedItem: { item: itemIndex } };
}

/**
 * The one item loop of the node: one output item per input item (one per record for lists),
 * paired with it, in order.
 * For operations that read ahead, the next item's parameters are read and its message built
 * while the current item's request is in flight; the requests themselves still go one by one.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as string;
	const resource = effectiveResource(
		this.getNodeParameter('resource', 0) as string,
		operation,
		this.getNodeParameter('askThrough', 0, 'customRobot'),
	);
	const handler = findOperation(this.getNode(), resource, operation);
	const run = new NodeRun(this);
	const start = (itemIndex: number) => settle(handler.execute.call(this, itemIndex, run));

	if (handler.runsOnce === true && items.length > 0) {
		const settled = await start(0);
		if (!settled.ok) return [[failedItem(this, run, settled.error, 0)]];
		run.done(0);
		return [items.map((item, itemIndex) => ({ ...item, pairedItem: { item: itemIndex } }))];
	}

	const output: INodeExecutionData[] = [];
	const readsAhead = handler.readsAhead === true;
	let next = readsAhead && items.length > 0 ? start(0) : undefined;
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const current = next ?? start(itemIndex);
		next = readsAhead && itemIndex + 1 < items.length ? start(itemIndex + 1) : undefined;
		const settled = await current;
		if (settled.ok) {
			const results = Array.isArray(settled.result) ? settled.result : [settled.result];
			for (const result of results) output.push({ ...result, pairedItem: { item: itemIndex } });
			run.done(itemIndex);
			continue;
		}
		output.push(failedItem(this, run, settled.error, itemIndex));
	}
	return [output];
}
