import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../node.type';
import * as addComment from './addComment.operation';
import * as get from './get.operation';
import * as listIds from './listIds.operation';
import * as start from './start.operation';

export const operations: ResourceOperations<'approval'> = { addComment, get, listIds, start };

export const description: INodeProperties[] = [
	{
		displayName:
			'Starts and reads DingTalk OA approvals (审批) with the DingTalk App API credential. The app needs Workflow.Instance.Write to start and comment, and Workflow.Instance.Read to get and list. Approval results arrive as bpms_instance_change events at the DingTalk Trigger or Stream Trigger.',
		name: 'approvalNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['approval'] } },
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['approval'] } },
		options: [
			{
				name: 'Add Comment',
				value: 'addComment',
				description: 'Comment on an approval',
				action: 'Add a comment to an approval',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an approval: status, result, form values, tasks and who acted',
				action: 'Get an approval',
			},
			{
				name: 'List IDs',
				value: 'listIds',
				description: 'List the IDs of a form’s approvals started in a time range',
				action: 'List approvals',
			},
			{
				name: 'Start',
				value: 'start',
				description: 'Start an approval of a form with its values, for a person',
				action: 'Start an approval',
			},
		],
		default: 'start',
	},
	...addComment.description,
	...get.description,
	...listIds.description,
	...start.description,
];
