import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../node.type';
import * as create from './create.operation';
import * as deleteTodo from './delete.operation';
import * as get from './get.operation';
import * as update from './update.operation';

export const operations: ResourceOperations<'todo'> = {
	create,
	delete: deleteTodo,
	get,
	update,
};

export const description: INodeProperties[] = [
	{
		displayName:
			'Creates and changes DingTalk to-dos (待办) with the DingTalk App API credential. The app needs the to-do permissions (Todo.Todo.Write, and Todo.Todo.Read to get one) in the developer console; people given by user ID also need the contacts permission qyapi_get_member.',
		name: 'todoNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['todo'] } },
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['todo'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description:
					'Create a to-do for one or more people, with a due time, priority and a link back to the source',
				action: 'Create a todo',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a to-do',
				action: 'Delete a todo',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a to-do: subject, assignees, due time, done or not',
				action: 'Get a todo',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Mark a to-do done or not done, or change its fields',
				action: 'Update a todo',
			},
		],
		default: 'create',
	},
	...create.description,
	...deleteTodo.description,
	...get.description,
	...update.description,
];
