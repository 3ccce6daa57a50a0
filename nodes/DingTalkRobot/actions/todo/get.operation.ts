import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getTodo } from '../../transport/todo';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { todoOfPersonProperties, todoRetryOptions } from './todo.descriptions';
import { readTodoTarget } from './todoTarget';

const properties: INodeProperties[] = [...todoOfPersonProperties, todoRetryOptions];

const displayOptions = { show: { resource: ['todo'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const { taskId, retry, client, people, person } = await readTodoTarget(this, itemIndex, run);
	const task = await getTodo(client, person, taskId, retry);
	return { json: { ...task, ...people.summary() } };
}
