import type { INodeProperties } from 'n8n-workflow';

import * as appRobotSendAndWait from '../appRobot/sendAndWait.operation';
import type { Operation, ResourceOperations } from '../node.type';
import {
	appRobotFieldsInTool,
	askThroughProperties,
	hiddenWhenAskingThroughApp,
} from '../sendAndWait/askThrough';
import * as sendActionCard from './sendActionCard.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as sendFeedCard from './sendFeedCard.operation';
import * as sendLink from './sendLink.operation';
import * as sendMarkdown from './sendMarkdown.operation';
import * as sendRaw from './sendRaw.operation';
import * as sendText from './sendText.operation';

// Every Message operation sends through sendsMessage, which keeps the requests in item order.
const readingAhead = (operation: Operation): Operation => ({ ...operation, readsAhead: true });

export const operations: ResourceOperations<'message'> = {
	sendActionCard: readingAhead(sendActionCard),
	sendAndWait: { ...sendAndWait, runsOnce: true },
	sendFeedCard: readingAhead(sendFeedCard),
	sendLink: readingAhead(sendLink),
	sendMarkdown: readingAhead(sendMarkdown),
	sendRaw: readingAhead(sendRaw),
	sendText: readingAhead(sendText),
};

const operation: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['message'] } },
	options: [
		{
			name: 'Send Action Card',
			value: 'sendActionCard',
			description: 'Send a card with a markdown body and one or several buttons',
			action: 'Send an action card',
		},
		{
			name: 'Send and Wait for Response',
			value: 'sendAndWait',
			description:
				'Send a card with link buttons, and wait until someone answers (an approval, a text, a form). Custom robots cannot send interactive cards: for card buttons that answer over Stream, use the App Robot’s Send and Wait.',
			action: 'Send a card and wait for a response',
		},
		{
			name: 'Send Feed Card',
			value: 'sendFeedCard',
			description: 'Send a list of links with pictures',
			action: 'Send a feed card',
		},
		{
			name: 'Send Link',
			value: 'sendLink',
			description: 'Send a link card with title, summary and picture',
			action: 'Send a link',
		},
		{
			name: 'Send Markdown',
			value: 'sendMarkdown',
			description: 'Send a formatted message that can @ people',
			action: 'Send a markdown message',
		},
		{
			name: 'Send Raw JSON',
			value: 'sendRaw',
			description: 'Send a message body written as JSON, for anything the forms do not cover',
			action: 'Send a raw JSON message',
		},
		{
			name: 'Send Text',
			value: 'sendText',
			description: 'Send a plain text message that can @ people',
			action: 'Send a text message',
		},
	],
	default: 'sendText',
};

/** The custom robot's fields, which a Human in the Loop tool asking through the App Robot hides. */
const customRobotFields: INodeProperties[] = [
	{
		displayName: 'Send To',
		name: 'sendTo',
		type: 'options',
		noDataExpression: true,
		default: 'robot',
		description: 'Where the message goes',
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Robot Webhook',
				value: 'robot',
				description: 'The group of the custom robot in the selected credential (signed)',
			},
			{
				name: 'Session Webhook (Reply)',
				value: 'sessionWebhook',
				description:
					'The conversation of a message received by the DingTalk Trigger, through its sessionWebhook; no credential needed',
			},
		],
	},
	{
		displayName: 'Session Webhook',
		name: 'sessionWebhook',
		type: 'string',
		default: '={{ $json.sessionWebhook }}',
		required: true,
		displayOptions: { show: { resource: ['message'], sendTo: ['sessionWebhook'] } },
		description:
			'The sessionWebhook URL of the received message (https://oapi.dingtalk.com/robot/sendBySession?session=...)',
	},
	{
		displayName: 'Session Webhook Expires At',
		name: 'sessionWebhookExpiredTime',
		type: 'string',
		// The DingTalk Trigger outputs sessionWebhookExpiresAt; DingTalk's own payload says
		// sessionWebhookExpiredTime.
		default: '={{ $json.sessionWebhookExpiresAt ?? $json.sessionWebhookExpiredTime }}',
		displayOptions: { show: { resource: ['message'], sendTo: ['sessionWebhook'] } },
		description:
			'When the session webhook expires (milliseconds): sessionWebhookExpiresAt of a DingTalk Trigger item, or sessionWebhookExpiredTime of a raw robot message. The node fails clearly instead of sending when it has passed. Leave empty to skip the check.',
	},
	...sendActionCard.description,
	...sendAndWait.description,
	...sendFeedCard.description,
	...sendLink.description,
	...sendMarkdown.description,
	...sendRaw.description,
	...sendText.description,
];

export const description: INodeProperties[] = [
	operation,
	...askThroughProperties,
	...hiddenWhenAskingThroughApp(customRobotFields),
	...appRobotFieldsInTool(appRobotSendAndWait.description),
];
