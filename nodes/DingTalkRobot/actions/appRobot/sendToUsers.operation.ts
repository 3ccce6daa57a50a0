import { updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readAppContext } from '../../helpers/appRobot/openApi';
import { runItems } from '../../helpers/appRobot/runItems';
import { sendToUserBatches } from '../../helpers/appRobot/send';
import { MessageFieldError } from '../../helpers/interfaces';
import { parseMentionList } from '../../helpers/mentions';
import {
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

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await runItems.call(this, items, async function (itemIndex) {
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
		const app = await readAppContext.call(this, itemIndex);
		const robotCode = robotCodeOf(options, app.appKey);
		const report = await sendToUserBatches.call(
			this,
			itemIndex,
			app,
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
	});
}
