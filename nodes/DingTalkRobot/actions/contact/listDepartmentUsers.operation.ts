import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { listDepartmentUsers } from '../../transport/contacts';
import { openApiClient } from '../openApiItem';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { contactOptions, departmentIdProperty } from './contact.descriptions';
import { readContactOptions, readDepartmentId, readLimit } from './contactParameters';

const properties: INodeProperties[] = [
	departmentIdProperty('The department whose direct members to list.'),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	contactOptions,
];

const displayOptions = { show: { resource: ['contact'], operation: ['listDepartmentUsers'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult[]> {
	const departmentId = readDepartmentId(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : readLimit(this, itemIndex);
	const client = await openApiClient(this, itemIndex, run);
	const users = await listDepartmentUsers(
		client,
		departmentId,
		limit,
		readContactOptions(this, itemIndex),
	);
	return users.map((json) => ({ json }));
}
