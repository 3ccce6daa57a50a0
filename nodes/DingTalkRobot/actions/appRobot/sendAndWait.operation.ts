import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readRobotMessageReference } from '../../../shared/robotMessage';
import { parseMentionList } from '../../domain/mentions';
import { MessageFieldError } from '../../domain/robotMessage';
import { appRobotCard } from '../../domain/sendAndWait/card';
import { encodeMsgParam } from '../../domain/templates/msgParam';
import { sendGroupMessage, sendToUserBatches } from '../../transport/robotOpenApi';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { executeReader, readSendAndWaitConfig } from '../sendAndWait/config';
import { sendAndWaitProperties } from '../sendAndWait/descriptions';
import { resumeUrls, waitForResponse, waitTill } from '../sendAndWait/wait';
import {
	openApiClient,
	readRetryOptions,
	requiredText,
	retryOptions,
	robotCodeOf,
	robotCodeOption,
} from './common.descriptions';
import { sendReply } from './reply.operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Send To',
		name: 'sendAndWaitTo',
		type: 'options',
		default: 'group',
		options: [
			{ name: 'Group', value: 'group', description: 'A group the robot is in' },
			{ name: 'Users', value: 'users', description: 'People, in their 1:1 chat with the robot' },
			{
				name: 'Reply to Message',
				value: 'reply',
				description:
					'The conversation of a message from the DingTalk Trigger: its session webhook while valid, the OpenAPI after',
			},
		],
	},
	{
		displayName: 'Incoming Message',
		name: 'incomingMessage',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description: 'The message to answer: an item of the DingTalk Trigger',
		hint: 'After other nodes: {{ $("DingTalk Trigger").item.json }}',
		displayOptions: { show: { sendAndWaitTo: ['reply'] } },
	},
	{
		displayName: 'Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. cid6KeBBLoveMJOGXoYKF5x7EeiodoA==',
		description: 'The openConversationId of the group; the robot must be in it',
		displayOptions: { show: { sendAndWaitTo: ['group'] } },
	},
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234',
		description: 'DingTalk user IDs (staff IDs) of the people to ask, separated by commas',
		displayOptions: { show: { sendAndWaitTo: ['users'] } },
	},
	...sendAndWaitProperties([...retryOptions, robotCodeOption]),
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['sendAndWait'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** Sends the card as the app robot's sampleActionCard template to a group or people, then waits. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const config = readSendAndWaitConfig(executeReader(this));
	const until = waitTill(this);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const card = appRobotCard(config, resumeUrls(this));
	const client = await openApiClient(this, itemIndex, run);
	const message = {
		robotCode: robotCodeOf(options, client.app.appKey),
		msgKey: card.msgKey,
		msgParam: encodeMsgParam(card.params),
	};
	const retry = readRetryOptions(options);
	let json: IDataObject;
	const to = this.getNodeParameter('sendAndWaitTo', itemIndex, 'group');
	if (to === 'reply') {
		const incoming = readRobotMessageReference(this.getNodeParameter('incomingMessage', itemIndex));
		const template = { msgKey: card.msgKey, params: card.params, msgParam: message.msgParam };
		json = await sendReply(this, itemIndex, run, incoming, template, options);
	} else if (to === 'users') {
		const userIds = parseMentionList(this.getNodeParameter('userIds', itemIndex, ''));
		if (userIds.length === 0) {
			throw new MessageFieldError('userIds', '"User IDs" is empty', 'Give at least one user ID.');
		}
		const report = await sendToUserBatches(client, message, userIds, retry);
		if (report.deliveredUserIds.length === 0) {
			throw new MessageFieldError(
				'userIds',
				`DingTalk delivered the question to none of ${userIds.join(', ')}`,
				'Check the user IDs (invalidStaffIdList) and that the people can receive robot messages.',
			);
		}
		json = { sentTo: 'oToMessages', msgKey: message.msgKey, ...report };
	} else {
		const openConversationId = requiredText(
			this,
			itemIndex,
			'openConversationId',
			'Conversation ID',
		);
		const sent = await sendGroupMessage(client, { ...message, openConversationId }, retry);
		json = { sentTo: 'groupMessages', msgKey: message.msgKey, openConversationId, ...sent };
	}
	await waitForResponse(this, until);
	return { json };
}
