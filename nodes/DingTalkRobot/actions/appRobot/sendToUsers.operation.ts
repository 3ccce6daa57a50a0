import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { retryOptions, robotCodeOption, templateProperties } from './appRobot.descriptions';
import { readPeopleTarget } from './readTarget';
import { sendToTarget } from './sendToTarget';
import { readTemplateMessage } from './templateMessage';

const properties: INodeProperties[] = [
	{
		displayName: 'Recipients By',
		name: 'recipientsBy',
		type: 'options',
		default: 'userIds',
		options: [
			{
				name: 'User IDs',
				value: 'userIds',
				description: 'DingTalk user IDs (staff IDs), as messages and events carry them',
			},
			{
				name: 'Mobile Numbers',
				value: 'mobiles',
				description:
					'Mobile numbers; the node looks up each person’s user ID first (needs the contacts permission qyapi_get_member_by_mobile)',
			},
		],
	},
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234, 0147xxxx8602',
		description:
			'DingTalk user IDs (staff IDs) of the people to message in their 1:1 chat with the robot, separated by commas or new lines (an expression may also give an array). Any number: the node sends 20 per request, as DingTalk allows.',
		displayOptions: { show: { recipientsBy: ['userIds'] } },
	},
	{
		displayName: 'Mobile Numbers',
		name: 'mobiles',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 13800138000, 13900139000',
		description:
			'Mobile numbers of the people to message, separated by commas or new lines (or an array). For mainland China without +86. Numbers DingTalk does not know are listed in unknownMobiles of the output.',
		displayOptions: { show: { recipientsBy: ['mobiles'] } },
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
	const target = readPeopleTarget(this, itemIndex);
	const message = readTemplateMessage.call(this, itemIndex);
	return { json: await sendToTarget(this, itemIndex, run, target, message, options) };
}
