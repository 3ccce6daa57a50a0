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
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Approve the release?',
		description: 'Shown in the conversation list and the notification',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		required: true,
		description: 'Markdown body of the card',
	},
	{
		displayName: 'Buttons',
		name: 'buttonMode',
		type: 'options',
		default: 'single',
		description: 'Whether the card has one button for the whole card or several buttons',
		options: [
			{
				name: 'Single Button',
				value: 'single',
				description: 'One button; clicking anywhere on the card opens its URL (整体跳转)',
			},
			{
				name: 'Several Buttons',
				value: 'multiple',
				description: 'Each button opens its own URL (独立跳转)',
			},
		],
	},
	{
		displayName: 'Button Title',
		name: 'singleTitle',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Read more',
		displayOptions: { show: { buttonMode: ['single'] } },
		description: 'Label of the button',
	},
	{
		displayName: 'Button URL',
		name: 'singleUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/release',
		displayOptions: { show: { buttonMode: ['single'] } },
		description: 'Address opened by the button',
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		placeholder: 'Add Button',
		displayOptions: { show: { buttonMode: ['multiple'] } },
		description: 'The buttons, each with a label and the address it opens',
		options: [
			{
				displayName: 'Button',
				name: 'button',
				values: [
					{
						displayName: 'Title',
						name: 'title',
						type: 'string',
						default: '',
						description: 'Label of the button',
					},
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						description: 'Address opened by the button',
					},
				],
			},
		],
	},
	{
		displayName: 'Button Layout',
		name: 'btnOrientation',
		type: 'options',
		default: '0',
		description: 'How the buttons are arranged',
		options: [
			{ name: 'Horizontal', value: '1' },
			{ name: 'Vertical', value: '0' },
		],
	},
	{
		displayName: 'Hide Sender Avatar',
		name: 'hideAvatar',
		type: 'boolean',
		default: false,
		description: "Whether to hide the robot's avatar next to the card",
	},
	sendOptions(false),
];

const displayOptions = { show: { resource: ['message'], operation: ['sendActionCard'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function readButtons(this: IExecuteFunctions, itemIndex: number): IDataObject[] {
	const collection = this.getNodeParameter('buttons', itemIndex, {}) as IDataObject;
	const buttons = (collection.button as IDataObject[] | undefined) ?? [];
	if (buttons.length === 0) {
		throw new MessageFieldError(
			'buttons',
			'The card has no buttons',
			'Add at least one button with a title and a URL, or choose "Single Button".',
		);
	}
	return buttons.map((button, index) => ({
		title: requireText(button.title, `buttons[${index}].title`, `Button ${index + 1} Title`),
		actionURL: requireUrl(button.url, `buttons[${index}].url`, `Button ${index + 1} URL`),
	}));
}

export function buildMessage(this: IExecuteFunctions, itemIndex: number): RobotMessage {
	const actionCard: IDataObject = {
		title: requireText(this.getNodeParameter('title', itemIndex), 'title', 'Title'),
		text: requireText(this.getNodeParameter('text', itemIndex), 'text', 'Text'),
	};
	if (this.getNodeParameter('buttonMode', itemIndex) === 'single') {
		actionCard.singleTitle = requireText(
			this.getNodeParameter('singleTitle', itemIndex),
			'singleTitle',
			'Button Title',
		);
		actionCard.singleURL = requireUrl(
			this.getNodeParameter('singleUrl', itemIndex),
			'singleUrl',
			'Button URL',
		);
	} else {
		actionCard.btns = readButtons.call(this, itemIndex);
	}
	actionCard.btnOrientation = String(this.getNodeParameter('btnOrientation', itemIndex, '0'));
	actionCard.hideAvatar = this.getNodeParameter('hideAvatar', itemIndex, false) ? '1' : '0';
	return { msgtype: 'actionCard', actionCard };
}

export const execute = sendsMessage(buildMessage, 'text');
