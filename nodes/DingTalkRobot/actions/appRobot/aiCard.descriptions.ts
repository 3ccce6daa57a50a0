import type { INodeProperties } from 'n8n-workflow';

/** A public AI card template; the fake DingTalk and the sandbox know it too. */
export const DEFAULT_AI_CARD_TEMPLATE = '382e4302-551d-4880-bf29-a30acfab2e71.schema';

/** Where an AI card goes: the conversation of a received message, a group or a person. */
export const aiCardTargetProperties: INodeProperties[] = [
	{
		displayName: 'Send To',
		name: 'aiCardSendTo',
		type: 'options',
		default: 'reply',
		options: [
			{
				name: 'Reply to Message',
				value: 'reply',
				description: 'The group of a received message, or its sender’s 1:1 chat with the robot',
			},
			{ name: 'Group', value: 'group', description: 'A group the robot is in' },
			{ name: 'User', value: 'user', description: 'A person’s 1:1 chat with the robot' },
		],
	},
	{
		displayName: 'Incoming Message',
		name: 'incomingMessage',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description:
			'The message to answer: an item of the DingTalk Trigger or DingTalk Stream Trigger',
		hint: 'After other nodes: {{ $("DingTalk Stream Trigger").item.json }}',
		displayOptions: { show: { aiCardSendTo: ['reply'] } },
	},
	{
		displayName: 'Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. cid6KeBBLoveMJOGXoYKF5x7EeiodoA==',
		description: 'The openConversationId of the group; the robot must be in the group',
		displayOptions: { show: { aiCardSendTo: ['group'] } },
	},
	{
		displayName: 'User ID',
		name: 'aiCardUserId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234',
		description: 'The DingTalk user ID (staff ID) of the person',
		displayOptions: { show: { aiCardSendTo: ['user'] } },
	},
];

export const aiCardTemplateProperty: INodeProperties = {
	displayName: 'Card Template ID',
	name: 'aiCardTemplateId',
	type: 'string',
	default: DEFAULT_AI_CARD_TEMPLATE,
	required: true,
	description:
		'An AI card template (卡片搭建平台 → AI 卡片). The default is a public template ID given as an example; create your own, link it to the app and put its ID here.',
};

/** The template's streaming and status variables (options of the AI card operations). */
export const aiCardVariableOptions: INodeProperties[] = [
	{
		displayName: 'Content Variable',
		name: 'contentKey',
		type: 'string',
		default: 'content',
		description: 'The template’s streaming variable that shows the answer',
	},
	{
		displayName: 'Status Variable',
		name: 'statusKey',
		type: 'string',
		default: 'flowStatus',
		description: 'The template’s status variable: 1 thinking, 2 typing, 3 finished, 5 failed',
	},
];
