import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import { appRobotCard } from '../../domain/sendAndWait/card';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { sendAndWaitProperties } from '../sendAndWait/descriptions';
import { executeReader, readSendAndWaitConfig } from '../sendAndWait/readConfig';
import { resumeUrls, waitForResponse, waitTill } from '../sendAndWait/wait';
import { retryOptions, robotCodeOption } from './appRobot.descriptions';
import { readChosenTarget } from './readTarget';
import { sendToTarget } from './sendToTarget';
import { templateMessage } from './templateMessage';

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

/**
 * Sends the card as the app robot's sampleActionCard template to a group, people or the
 * conversation of a received message, then waits.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const config = readSendAndWaitConfig(executeReader(this));
	const until = waitTill(this);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const target = readChosenTarget(this, itemIndex, 'sendAndWaitTo', options);
	const card = appRobotCard(config, resumeUrls(this));
	const message = templateMessage(card.msgKey, card.params);
	const json = await sendToTarget(this, itemIndex, run, target, message, options);
	if (target.to === 'users' && (json.deliveredUserIds as string[]).length === 0) {
		throw new MessageFieldError(
			'userIds',
			`DingTalk delivered the question to none of ${target.userIds.join(', ')}`,
			'Check the user IDs (invalidStaffIdList) and that the people can receive robot messages.',
		);
	}
	await waitForResponse(this, until);
	return { json };
}
