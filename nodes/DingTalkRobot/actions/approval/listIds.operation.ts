import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseIdList } from '../../domain/idList';
import { MessageFieldError } from '../../domain/robotMessage';
import { readTimestamp } from '../../domain/timestamp';
import { listProcessInstanceIds } from '../../transport/workflow';
import type { InstanceIdsQuery } from '../../transport/workflow';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText } from '../openApiItem';
import { approvalRetryOptions, processCodeProperty } from './approval.descriptions';

const properties: INodeProperties[] = [
	processCodeProperty,
	{
		displayName: 'Started After',
		name: 'startTime',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'List approvals started at or after this time (DingTalk’s startTime)',
	},
	{
		displayName: 'Started Before',
		name: 'endTime',
		type: 'dateTime',
		default: '',
		description: 'List approvals started before this time; empty for up to now',
	},
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
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [
			{
				displayName: 'Originator User IDs',
				name: 'userIds',
				type: 'string',
				default: '',
				description: 'Only approvals these people started (comma-separated user IDs)',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Running', value: 'RUNNING' },
					{ name: 'Terminated (Withdrawn)', value: 'TERMINATED' },
					{ name: 'Completed', value: 'COMPLETED' },
				],
				default: [],
			},
		],
	},
	approvalRetryOptions,
];

const displayOptions = { show: { resource: ['approval'], operation: ['listIds'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function readTime(context: IExecuteFunctions, itemIndex: number, name: string, label: string) {
	return readTimestamp(context.getNodeParameter(name, itemIndex, ''), name, label);
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult[]> {
	const retry = readRetryOptions(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const startTime = readTime(this, itemIndex, 'startTime', 'Started After');
	if (startTime === undefined) {
		throw new MessageFieldError(
			'startTime',
			'"Started After" is empty',
			'Pick when the listed approvals start, e.g. {{ $now.minus({ days: 7 }) }}.',
		);
	}
	const query: InstanceIdsQuery = {
		processCode: requiredText(this, itemIndex, 'processCode', 'Process Code'),
		startTime,
	};
	const endTime = readTime(this, itemIndex, 'endTime', 'Started Before');
	if (endTime !== undefined) query.endTime = endTime;
	const userIds = parseIdList(filters.userIds);
	if (userIds.length > 0) query.userIds = userIds;
	const statuses = parseIdList(filters.statuses);
	if (statuses.length > 0) query.statuses = statuses;
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : Number(this.getNodeParameter('limit', itemIndex, 50));
	const client = await openApiClient(this, itemIndex, run);
	const ids = await listProcessInstanceIds(client, query, limit, retry);
	return ids.map((processInstanceId) => ({ json: { processInstanceId } }));
}
