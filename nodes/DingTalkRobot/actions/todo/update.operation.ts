import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import { readTimestamp } from '../../domain/timestamp';
import { updateTodo } from '../../transport/todo';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { dueTimeProperty, todoOfPersonProperties, todoRetryOptions } from './todo.descriptions';
import { definedFields, readDescription, readSubject } from './todoFields';
import { readTodoTarget } from './todoTarget';

const properties: INodeProperties[] = [
	...todoOfPersonProperties,
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Done', value: 'done', description: 'Mark the to-do as done' },
			{ name: 'Not Done', value: 'notDone', description: 'Open the to-do again' },
			{ name: 'Leave Unchanged', value: 'unchanged' },
		],
		default: 'done',
	},
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: [
			{
				displayName: 'Assignees',
				name: 'executors',
				type: 'string',
				default: '',
				description:
					'The new assignees (executorIds), replacing the old ones, given like As Person',
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
			},
			dueTimeProperty,
			{
				displayName: 'Participants',
				name: 'participants',
				type: 'string',
				default: '',
				description: 'The new participants (participantIds), replacing the old ones',
			},
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
			},
		],
	},
	todoRetryOptions,
];

const displayOptions = { show: { resource: ['todo'], operation: ['update'] } };

export const description = updateDisplayOptions(displayOptions, properties);

const DONE: Record<string, boolean | undefined> = { done: true, notDone: false };

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const update = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const done = DONE[this.getNodeParameter('status', itemIndex, 'done') as string];
	const { taskId, retry, client, people, person } = await readTodoTarget(this, itemIndex, run);
	const listed = async (name: string, label: string) =>
		update[name] === undefined
			? undefined
			: await people.unionIds(update[name], { name, label, required: true });
	const fields = definedFields({
		subject: update.subject === undefined ? undefined : readSubject(update.subject),
		description: readDescription(update.description),
		dueTime: readTimestamp(update.dueTime),
		executorIds: await listed('executors', 'Assignees'),
		participantIds: await listed('participants', 'Participants'),
		done,
	});
	if (Object.keys(fields).length === 0) {
		throw new MessageFieldError(
			'updateFields',
			'Nothing to update',
			'Set Status to Done or Not Done, or add a field under "Update Fields".',
		);
	}
	const answer = await updateTodo(client, person, taskId, fields, retry);
	return {
		json: { id: taskId, updated: answer.result === true, ...fields, ...people.summary() },
	};
}
