import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { deleteTodo } from '../../transport/todo';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText } from '../openApiItem';
import {
	peopleByProperty,
	personProperty,
	taskIdProperty,
	todoRetryOptions,
} from './todo.descriptions';
import { TodoPeople } from './todoPeople';

const properties: INodeProperties[] = [
	taskIdProperty,
	peopleByProperty,
	personProperty,
	todoRetryOptions,
];

const displayOptions = { show: { resource: ['todo'], operation: ['delete'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const taskId = requiredText(this, itemIndex, 'taskId', 'To-Do ID');
	const retry = readRetryOptions(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const client = await openApiClient(this, itemIndex, run);
	const people = TodoPeople.read(this, itemIndex, client, retry);
	const person = await people.unionId(this.getNodeParameter('person', itemIndex, ''), {
		name: 'person',
		label: 'As Person',
	});
	const answer = await deleteTodo(client, person, taskId, retry);
	return { json: { id: taskId, deleted: answer.result === true, ...people.summary() } };
}
