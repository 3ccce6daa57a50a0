import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { addProcessInstanceComment } from '../../transport/workflow';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText } from '../openApiItem';
import { approvalRetryOptions, processInstanceIdProperty } from './approval.descriptions';

const properties: INodeProperties[] = [
	processInstanceIdProperty,
	{
		displayName: 'Comment User ID',
		name: 'commentUserId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234',
		description: 'The DingTalk user ID the comment is written as',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'The comment',
	},
	approvalRetryOptions,
];

const displayOptions = { show: { resource: ['approval'], operation: ['addComment'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const comment = {
		processInstanceId: requiredText(this, itemIndex, 'processInstanceId', 'Approval Instance ID'),
		commentUserId: requiredText(this, itemIndex, 'commentUserId', 'Comment User ID'),
		text: requiredText(this, itemIndex, 'text', 'Text'),
	};
	const retry = readRetryOptions(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const client = await openApiClient(this, itemIndex, run);
	const answer = await addProcessInstanceComment(client, comment, retry);
	return { json: { ...comment, result: answer.result ?? null, success: answer.success ?? null } };
}
