import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getUser } from '../../transport/contacts';
import { openApiClient, requiredText } from '../openApiItem';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { contactOptions } from './contact.descriptions';
import { readContactOptions } from './contactParameters';

const properties: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.userId[0] }}',
		description:
			'The DingTalk user ID (userid, staffId) of the person: what events such as user_add_org carry in userId, and messages in sender.staffId',
	},
	contactOptions,
];

const displayOptions = { show: { resource: ['contact'], operation: ['getUser'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const userId = requiredText(this, itemIndex, 'userId', 'User ID');
	const client = await openApiClient(this, itemIndex, run);
	return { json: await getUser(client, userId, readContactOptions(this, itemIndex)) };
}
