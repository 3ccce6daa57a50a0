import type { INodeProperties } from 'n8n-workflow';

import {
	CHAT_TYPE_OPTION,
	COMMAND_PREFIX_OPTION,
	eventTypeFilterProperties,
	MESSAGE_TYPES_OPTION,
	TEXT_PATTERN_OPTION,
} from '../shared/triggerProperties';

const showForRobot = { show: { mode: ['robot'] } };
const showForEvent = { show: { mode: ['event'] } };

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Paste the Production URL above into the DingTalk developer console: your app → Robot (机器人) → Message receiving mode (消息接收模式) HTTP → Message receiving URL (消息接收地址), then publish the robot (发布) in DingTalk and publish this workflow in n8n. For a custom robot with Outgoing, paste it as the Outgoing POST address.',
		name: 'robotNotice',
		type: 'notice',
		default: '',
		displayOptions: showForRobot,
	},
	{
		displayName:
			'Publish this workflow first (the Publish button in n8n), then in the DingTalk developer console open your app → Event Subscription (事件订阅) → HTTP push (HTTP 推送), enter the token and aes_key of the credential and paste the Production URL above as the Request URL (请求网址). DingTalk checks the URL when you save; this node answers that check without starting the workflow.',
		name: 'eventNotice',
		type: 'notice',
		default: '',
		displayOptions: showForEvent,
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Event Subscription',
				value: 'event',
				description: 'Encrypted events pushed by an app’s event subscription (事件订阅)',
			},
			{
				name: 'Robot Messages',
				value: 'robot',
				description: 'Messages that @-mention an app robot in a group or are sent to it directly',
			},
		],
		default: 'robot',
	},
	{
		displayName: 'Verification',
		name: 'robotVerification',
		type: 'options',
		noDataExpression: true,
		displayOptions: showForRobot,
		options: [
			{
				name: 'Signature (App Robot)',
				value: 'signature',
				description:
					'Check the timestamp and sign headers against the Client Secret of the credential',
			},
			{
				name: 'Outgoing Token (Custom Robot)',
				value: 'outgoingToken',
				description: 'Check the token header against the Outgoing token of the credential',
			},
		],
		default: 'signature',
	},
	{
		displayName: 'Reply',
		name: 'replyMode',
		type: 'options',
		noDataExpression: true,
		displayOptions: showForRobot,
		options: [
			{
				name: 'Acknowledge Immediately',
				value: 'acknowledge',
				description:
					'Answer {"msgtype":"empty"} at once. Reply later with the DingTalk Robot node through the message’s session webhook.',
			},
			{
				name: 'With Last Node Output',
				value: 'lastNode',
				description:
					'Answer with the JSON of the first item of the last node, which DingTalk posts into the chat, e.g. {"msgtype":"text","text":{"content":"Done"}}',
			},
		],
		default: 'acknowledge',
	},
	...eventTypeFilterProperties(showForEvent),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: showForRobot,
		default: {},
		options: [
			CHAT_TYPE_OPTION,
			COMMAND_PREFIX_OPTION,
			{
				displayName: 'Duplicate Window (Minutes)',
				name: 'dedupeMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10,
				description:
					'A message ID seen again within this many minutes starts nothing. 0 turns the check off.',
			},
			{
				displayName: 'Include Raw Body',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add the body DingTalk posted, unchanged, as the raw field',
			},
			MESSAGE_TYPES_OPTION,
			TEXT_PATTERN_OPTION,
			{
				displayName: 'Timestamp Tolerance (Seconds)',
				name: 'timestampToleranceSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 3600,
				description:
					'How far the signed timestamp may be from the n8n server clock. DingTalk documents one hour.',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'eventOptions',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: showForEvent,
		default: {},
		options: [
			{
				displayName: 'Duplicate Window (Minutes)',
				name: 'dedupeMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10,
				description:
					'An event ID seen again within this many minutes starts nothing (DingTalk retries after 10 s and 30 s). 0 turns the check off.',
			},
			{
				displayName: 'Include Raw Event',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add the decrypted JSON text as the raw field',
			},
			{
				displayName: 'Timestamp Tolerance (Seconds)',
				name: 'timestampToleranceSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 3600,
				description:
					'How far the timestamp of a push may be from the n8n server clock. 0 turns the check off.',
			},
		],
	},
];
