import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { findUserIdByUnionId } from '../../transport/contacts';
import { openApiClient, requiredText } from '../openApiItem';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { contactOptions } from './contact.descriptions';
import { readContactOptions } from './contactParameters';
import { userFoundBy } from './lookUpUser';

const properties: INodeProperties[] = [
	{
		displayName: 'Union ID',
		name: 'unionId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.unionid }}',
		description:
			'The unionId of the person: the same across all apps of the organisation, unlike the user ID of another organisation',
	},
	contactOptions,
];

const displayOptions = { show: { resource: ['contact'], operation: ['getUserByUnionId'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const unionId = requiredText(this, itemIndex, 'unionId', 'Union ID');
	const client = await openApiClient(this, itemIndex, run);
	const options = readContactOptions(this, itemIndex);
	const user = await userFoundBy(
		client,
		async () => await findUserIdByUnionId(client, unionId, options),
		{
			field: 'unionId',
			what: `the unionId ${unionId}`,
			fix: 'A unionId is not a user ID; use Get User for a user ID (staffId).',
		},
		options,
	);
	return { json: user };
}
