import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { retryOptions, robotCodeOption, templateProperties } from './appRobot.descriptions';
import { readReplyTarget } from './readTarget';
import { sendToTarget } from './sendToTarget';
import { readTemplateMessage } from './templateMessage';

const properties: INodeProperties[] = [
	{
		displayName: 'Incoming Message',
		name: 'incomingMessage',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description:
			'The message to answer: an item of the DingTalk Trigger. The default takes the input item; after other nodes, map the trigger’s item with an expression such as the one in the hint.',
		hint: 'After other nodes: {{ $("DingTalk Trigger").item.json }}',
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
				displayName: 'Fall Back to OpenAPI',
				name: 'fallBack',
				type: 'boolean',
				default: true,
				description:
					'Whether to send through the robot OpenAPI (group or 1:1 chat, from the conversation type) when the session webhook has expired. Off: the item fails instead.',
			},
			{
				displayName: 'Mention Sender',
				name: 'mentionSender',
				type: 'boolean',
				default: true,
				description:
					'Whether to @ the sender of the message in a group reply. DingTalk supports this for text and markdown sent through the session webhook only; the OpenAPI cannot @.',
			},
			...retryOptions,
			robotCodeOption,
		],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['reply'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/**
 * Answers a received message with a template: through its session webhook while valid, through
 * the robot OpenAPI after (option fallBack), @-mentioning a group sender (option mentionSender).
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const target = readReplyTarget(this, itemIndex);
	const message = readTemplateMessage.call(this, itemIndex);
	return { json: await sendToTarget(this, itemIndex, run, target, message, options) };
}
