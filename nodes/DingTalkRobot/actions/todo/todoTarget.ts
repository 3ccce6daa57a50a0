import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText } from '../openApiItem';
import { TodoPeople } from './todoPeople';

/** The to-do an item names and the person it is read or changed as (Get, Update, Delete). */
export async function readTodoTarget(context: IExecuteFunctions, itemIndex: number, run: NodeRun) {
	const taskId = requiredText(context, itemIndex, 'taskId', 'To-Do ID');
	const retry = readRetryOptions(context.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const client = await openApiClient(context, itemIndex, run);
	const people = TodoPeople.read(context, itemIndex, client, retry);
	const person = await people.unionId(context.getNodeParameter('person', itemIndex, ''), {
		name: 'person',
		label: 'As Person',
	});
	return { taskId, retry, client, people, person };
}
