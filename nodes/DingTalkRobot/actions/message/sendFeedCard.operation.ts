import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import type { RobotMessage } from '../../domain/robotMessage';
import { requireText, requireUrl } from '../../domain/validation';
import { sendsMessage } from './send';
import { noMentionNotice, sendOptions } from './message.descriptions';

const properties: INodeProperties[] = [
	noMentionNotice,
	{
		displayName: 'Links',
		name: 'links',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		required: true,
		placeholder: 'Add Link',
		description: 'The entries of the feed card, from top to bottom',
		options: [
			{
				displayName: 'Link',
				name: 'link',
				values: [
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						description: 'Title of the entry',
					},
					{
						displayName: 'Message URL',
						name: 'messageUrl',
						type: 'string',
						default: '',
						description: 'Address opened when the entry is clicked',
					},
					{
						displayName: 'Picture URL',
						name: 'picUrl',
						type: 'string',
						default: '',
						description: 'Address of the image of the entry',
					},
				],
			},
		],
	},
	sendOptions(false),
];

const displayOptions = { show: { resource: ['message'], operation: ['sendFeedCard'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export function buildMessage(this: IExecuteFunctions, itemIndex: number): RobotMessage {
	const collection = this.getNodeParameter('links', itemIndex, {}) as IDataObject;
	const links = (collection.link as IDataObject[] | undefined) ?? [];
	if (links.length === 0) {
		throw new MessageFieldError(
			'links',
			'The feed card has no links',
			'Add at least one link with a title, a message URL and a picture URL.',
		);
	}
	return {
		msgtype: 'feedCard',
		feedCard: {
			// Feed cards spell these fields messageURL / picURL, unlike link messages.
			links: links.map((link, index) => ({
				title: requireText(link.title, `links[${index}].title`, `Link ${index + 1} Title`),
				messageURL: requireUrl(
					link.messageUrl,
					`links[${index}].messageUrl`,
					`Link ${index + 1} Message URL`,
				),
				picURL: requireUrl(
					link.picUrl,
					`links[${index}].picUrl`,
					`Link ${index + 1} Picture URL`,
					false,
				),
			})),
		},
	};
}

export const execute = sendsMessage(buildMessage, 'links');
