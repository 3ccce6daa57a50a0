import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RobotMessage } from '../../domain/robotMessage';
import { requireText } from '../../domain/validation';
import { mentionProperties, sendOptions } from './message.descriptions';
import { readMentions } from './readMentions';
import { sendsMessage } from './send';

const properties: INodeProperties[] = [
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Build #42 failed',
		description:
			'Shown in the conversation list and the notification; DingTalk does not render it in the message body',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		placeholder: 'e.g. #### Build failed\n> [Open the log](https://ci.example.com/42)',
		description:
			'Markdown body. DingTalk supports headings, quotes, bold, italic, links, images, and ordered and unordered lists; Coloured text through an HTML font tag works in the mobile app.',
	},
	...mentionProperties,
	sendOptions(true),
];

const displayOptions = { show: { resource: ['message'], operation: ['sendMarkdown'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export function buildMessage(this: IExecuteFunctions, itemIndex: number): RobotMessage {
	return {
		msgtype: 'markdown',
		markdown: {
			title: requireText(this.getNodeParameter('title', itemIndex), 'title', 'Title'),
			text: requireText(this.getNodeParameter('text', itemIndex), 'text', 'Text'),
		},
		at: readMentions.call(this, itemIndex),
	};
}

export const execute = sendsMessage(buildMessage, 'text');
