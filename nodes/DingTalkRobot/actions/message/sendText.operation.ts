import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RobotMessage } from '../../domain/robotMessage';
import { requireText } from '../../domain/validation';
import { mentionProperties, sendOptions } from './message.descriptions';
import { readMentions } from './readMentions';
import { sendsMessage } from './send';

const properties: INodeProperties[] = [
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. Deployment finished',
		description: 'Plain text of the message',
	},
	...mentionProperties,
	sendOptions(true),
];

const displayOptions = { show: { resource: ['message'], operation: ['sendText'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export function buildMessage(this: IExecuteFunctions, itemIndex: number): RobotMessage {
	return {
		msgtype: 'text',
		text: {
			content: requireText(this.getNodeParameter('content', itemIndex), 'content', 'Content'),
		},
		at: readMentions.call(this, itemIndex),
	};
}

export const execute = sendsMessage(buildMessage, 'content');
