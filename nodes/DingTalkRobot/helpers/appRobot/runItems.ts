import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeApiError,
} from 'n8n-workflow';

import { MessageFieldError } from '../interfaces';

/** Output of one item: its JSON, and binary data for downloads. */
export type ItemResult = { json: IDataObject; binary?: INodeExecutionData['binary'] };

function toNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof MessageFieldError) {
		return new NodeOperationError(this.getNode(), `${error.message} [item ${itemIndex}]`, {
			itemIndex,
			description: `${error.fix ?? ''} (parameter: ${error.field})`.trim(),
		});
	}
	return error as NodeApiError | NodeOperationError;
}

/**
 * The item loop of the App Robot operations: one output item per input item, paired with it.
 * With "Continue On Fail" a failed item becomes `{error, code, description}` (plus any
 * per-recipient report the error carries) and the next items still run.
 */
export async function runItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	handle: (this: IExecuteFunctions, itemIndex: number) => Promise<ItemResult>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await handle.call(this, itemIndex);
			output.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (caught) {
			const error = toNodeError.call(this, caught, itemIndex);
			if (!this.continueOnFail()) throw error;
			const context = error.context ?? {};
			const json: IDataObject = {
				error: error.message,
				code: (context.code as string) ?? null,
				description: error.description ?? null,
			};
			if (context.report) Object.assign(json, context.report as IDataObject);
			output.push({ json, pairedItem: { item: itemIndex } });
		}
	}
	return output;
}
