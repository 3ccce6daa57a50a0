import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { deleteTodo } from '../../transport/todo';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { todoOfPersonProperties, todoRetryOptions } from './todo.descriptions';
import { readTodoTarget } from './todoTarget';

const properties: INodeProperties[] = [...todoOfPersonProperties, todoRetryOptions];

const displayOptions = { show: { resource: ['todo'], operation: ['delete'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const { taskId, retry, client, people, person } = await readTodoTarget(this, itemIndex, run);
	const answer = await deleteTodo(client, person, taskId, retry);
	return { json: { id: taskId, deleted: answer.result === true, ...people.summary() } };
}
