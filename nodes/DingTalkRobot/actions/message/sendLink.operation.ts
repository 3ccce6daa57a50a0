import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RobotMessage } from '../../domain/robotMessage';
import { optionalUrl, requireText, requireUrl } from '../../domain/validation';
import { sendsMessage } from './send';
import { noMentionNotice, sendOptions } from './message.descriptions';

const properties: INodeProperties[] = [
	noMentionNotice,
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Release notes 2.0',
		description: 'Title of the link card',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'Summary under the title; DingTalk shortens long text',
	},
	{
		displayName: 'Message URL',
		name: 'messageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/release-notes',
		description: 'Address opened when the card is clicked',
	},
	{
		displayName: 'Picture URL',
		name: 'picUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/cover.png',
		description: 'Address of an image shown on the card (optional)',
	},
	sendOptions(false),
];

const displayOptions = { show: { resource: ['message'], operation: ['sendLink'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export function buildMessage(this: IExecuteFunctions, itemIndex: number): RobotMessage {
	const link: IDataObject = {
		title: requireText(this.getNodeParameter('title', itemIndex), 'title', 'Title'),
		text: requireText(this.getNodeParameter('text', itemIndex), 'text', 'Text'),
		messageUrl: requireUrl(
			this.getNodeParameter('messageUrl', itemIndex),
			'messageUrl',
			'Message URL',
		),
	};
	const picUrl = optionalUrl(
		this.getNodeParameter('picUrl', itemIndex, ''),
		'picUrl',
		'Picture URL',
	);
	if (picUrl) link.picUrl = picUrl;
	return { msgtype: 'link', link };
}

export const execute = sendsMessage(buildMessage, 'text');
