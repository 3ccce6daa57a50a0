import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { requireText } from '../domain/validation';
import { OpenApiClient } from '../transport/openApi';
import type { RetryOptions } from '../transport/openApi';
import type { NodeRun } from './nodeRun';

/** The OpenAPI client of one item, for the app of the node's credential. */
export async function openApiClient(
	context: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<OpenApiClient> {
	return new OpenApiClient(context, itemIndex, await run.appContext(itemIndex));
}

/** The Max Retries and Retry Delay options of an item. */
export function readRetryOptions(options: IDataObject): RetryOptions {
	return {
		maxRetries: Number(options.maxRetries ?? 3),
		retryDelayMs: Number(options.retryDelay ?? 1000),
	};
}

/** The robot code option, else `fallback` (the AppKey, or the robot of an incoming message). */
export function robotCodeOf(options: IDataObject, fallback: string): string {
	const value = String(options.robotCode ?? '').trim();
	return value || fallback;
}

/** A text parameter DingTalk requires, trimmed; empty fails the item naming the parameter. */
export function requiredText(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	fallback = '',
): string {
	return requireText(context.getNodeParameter(name, itemIndex, fallback), name, label).trim();
}
