import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseMentionList } from '../../domain/mentions';
import { MessageFieldError } from '../../domain/robotMessage';
import { sendToUserBatches } from '../../transport/robotOpenApi';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import {
	openApiClient,
	readRetryOptions,
	readTemplateMessage,
	retryOptions,
	robotCodeOf,
	robotCodeOption,
	templateProperties,
} from './common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234, 0147xxxx8602',
		description:
			'DingTalk user IDs (staff IDs) of the people to message in their 1:1 chat with the robot, separated by commas or new lines (an expression may also give an array). Any number: the node sends 20 per request, as DingTalk allows.',
	},
	...templateProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...retryOptions, robotCodeOption],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['sendToUsers'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const userIds = parseMentionList(this.getNodeParameter('userIds', itemIndex, ''));
	if (userIds.length === 0) {
		throw new MessageFieldError(
			'userIds',
			'"User IDs" is empty',
			'Give at least one DingTalk user ID (staff ID), e.g. {{ $json.sender.staffId }}.',
		);
	}
	const message = readTemplateMessage.call(this, itemIndex);
	const client = await openApiClient(this, itemIndex, run);
	const robotCode = robotCodeOf(options, client.app.appKey);
	const report = await sendToUserBatches(
		client,
		{ robotCode, msgKey: message.msgKey, msgParam: message.msgParam },
		userIds,
		readRetryOptions(options),
	);
	return {
		json: {
			sentTo: 'oToMessages',
			robotCode,
			msgKey: message.msgKey,
			msgParam: message.params,
			...report,
		},
	};
}
