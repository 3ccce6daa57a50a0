import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { retryOptions, robotCodeOption, templateProperties } from './appRobot.descriptions';
import { readGroupTarget } from './readTarget';
import { sendToTarget } from './sendToTarget';
import { readTemplateMessage } from './templateMessage';

const properties: INodeProperties[] = [
	{
		displayName: 'Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. cid6KeBBLoveMJOGXoYKF5x7EeiodoA==',
		description:
			'The openConversationId of the group, e.g. the conversation ID of a message the robot received there. The robot must be in the group.',
	},
	...templateProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Cool App Code',
				name: 'coolAppCode',
				type: 'string',
				default: '',
				placeholder: 'e.g. COOLAPP-1-...',
				description:
					'Only when the robot was added to the group as a group cool app (群聊酷应用): its coolAppCode',
			},
			...retryOptions,
			robotCodeOption,
		],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['sendToGroup'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const target = readGroupTarget(this, itemIndex, options);
	const message = readTemplateMessage.call(this, itemIndex);
	return { json: await sendToTarget(this, itemIndex, run, target, message, options) };
}
