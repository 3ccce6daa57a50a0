import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { createTodo } from '../../transport/todo';
import { readTimestamp } from '../../domain/timestamp';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions } from '../openApiItem';
import { dueTimeProperty, peopleByProperty, todoRetryOptions } from './todo.descriptions';
import {
	definedFields,
	readDescription,
	readDetailUrl,
	readPriority,
	readSubject,
} from './todoFields';
import { TodoPeople } from './todoPeople';

const properties: INodeProperties[] = [
	peopleByProperty,
	{
		displayName: 'Creator',
		name: 'creator',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234',
		description:
			'The person the to-do is created as: DingTalk shows them as its creator. By user ID or unionId as People By says.',
	},
	{
		displayName: 'Assignees',
		name: 'executors',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. user001, user002',
		description:
			'The people who should do it (executorIds): one, several separated by commas, or a list from an expression',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Review OPS-12: Disk full',
		description: 'The title of the to-do, at most 1024 characters',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: [
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				typeOptions: { rows: 4 },
				default: '',
				description: 'Details of the to-do, at most 4096 characters',
			},
			dueTimeProperty,
			{
				displayName: 'Link',
				name: 'detailUrl',
				type: 'string',
				default: '',
				placeholder: 'e.g. https://jira.example.com/browse/OPS-12',
				description:
					'A link back to the source system, opened from the to-do (DingTalk’s detailUrl, for the app and the PC client)',
			},
			{
				displayName: 'Only Shown to Assignees',
				name: 'isOnlyShowExecutor',
				type: 'boolean',
				default: false,
				description: 'Whether the to-do appears only in the assignees’ lists, not the creator’s',
			},
			{
				displayName: 'Participants',
				name: 'participants',
				type: 'string',
				default: '',
				description:
					'People who follow the to-do without doing it (participantIds), given like Assignees',
			},
			{
				displayName: 'PC Link',
				name: 'pcDetailUrl',
				type: 'string',
				default: '',
				description: 'A different link for the PC client; without it the PC client opens Link',
			},
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'options',
				options: [
					{ name: 'Low', value: 10 },
					{ name: 'Normal', value: 20 },
					{ name: 'Urgent', value: 30 },
					{ name: 'Very Urgent', value: 40 },
				],
				default: 20,
			},
			{
				displayName: 'Source ID',
				name: 'sourceId',
				type: 'string',
				default: '',
				placeholder: 'e.g. OPS-12',
				description: 'The ID of the item in the source system (DingTalk’s sourceId)',
			},
		],
	},
	todoRetryOptions,
];

const displayOptions = { show: { resource: ['todo'], operation: ['create'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const retry = readRetryOptions(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const subject = readSubject(this.getNodeParameter('subject', itemIndex, ''));
	const text = {
		description: readDescription(fields.description),
		dueTime: readTimestamp(fields.dueTime),
		priority: readPriority(fields.priority),
		detailUrl: readDetailUrl(fields),
	};
	const client = await openApiClient(this, itemIndex, run);
	const people = TodoPeople.read(this, itemIndex, client, retry);
	const creator = await people.unionId(this.getNodeParameter('creator', itemIndex, ''), {
		name: 'creator',
		label: 'Creator',
	});
	const executorIds = await people.unionIds(this.getNodeParameter('executors', itemIndex, ''), {
		name: 'executors',
		label: 'Assignees',
		required: true,
	});
	const participantIds = await people.unionIds(fields.participants, {
		name: 'participants',
		label: 'Participants',
		required: false,
	});
	const sourceId = String(fields.sourceId ?? '').trim();
	const body = definedFields({
		subject,
		creatorId: creator,
		executorIds,
		participantIds: participantIds.length > 0 ? participantIds : undefined,
		...text,
		sourceId: sourceId || undefined,
		isOnlyShowExecutor: fields.isOnlyShowExecutor === true ? true : undefined,
	});
	const task = await createTodo(client, creator, body, retry);
	return { json: { ...task, ...people.summary() } };
}
