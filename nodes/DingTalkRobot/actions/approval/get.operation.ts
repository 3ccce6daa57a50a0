import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getProcessInstance } from '../../transport/workflow';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText } from '../openApiItem';
import { approvalRetryOptions, processInstanceIdProperty } from './approval.descriptions';

const properties: INodeProperties[] = [processInstanceIdProperty, approvalRetryOptions];

const displayOptions = { show: { resource: ['approval'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const processInstanceId = requiredText(
		this,
		itemIndex,
		'processInstanceId',
		'Approval Instance ID',
	);
	const retry = readRetryOptions(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const client = await openApiClient(this, itemIndex, run);
	const instance = await getProcessInstance(client, processInstanceId, retry);
	return { json: { processInstanceId, ...instance } };
}
