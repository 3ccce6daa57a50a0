import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { listSubDepartments } from '../../transport/contacts';
import { openApiClient } from '../openApiItem';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { contactOptions, departmentIdProperty } from './contact.descriptions';
import { readContactOptions, readDepartmentId } from './contactParameters';

const properties: INodeProperties[] = [
	departmentIdProperty('The department whose direct sub-departments to list.'),
	contactOptions,
];

const displayOptions = { show: { resource: ['contact'], operation: ['listSubDepartments'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult[]> {
	const departmentId = readDepartmentId(this, itemIndex);
	const client = await openApiClient(this, itemIndex, run);
	const departments = await listSubDepartments(
		client,
		departmentId,
		readContactOptions(this, itemIndex),
	);
	return departments.map((json) => ({ json }));
}
