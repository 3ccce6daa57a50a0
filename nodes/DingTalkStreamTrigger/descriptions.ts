import type { INodeProperties } from 'n8n-workflow';

import {
	CHAT_TYPE_OPTION,
	COMMAND_PREFIX_OPTION,
	eventTypeFilterProperties,
	MESSAGE_TYPES_OPTION,
	TEXT_PATTERN_OPTION,
} from '../shared/triggerProperties';

function forRobotMessages(option: INodeProperties): INodeProperties {
	return { ...option, description: `Robot messages: ${option.description}` };
}

export const streamTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'n8n connects out to DingTalk, so no public URL is needed. In the DingTalk developer console set your app’s robot to Stream mode (消息接收模式 → Stream 模式) and, for events, Event Subscription (事件订阅) to Stream mode push (Stream 模式推送). DingTalk gives each message to ONE of an app’s open connections at random: use one Stream trigger per app, and know that a test run while the workflow is published takes a share.',
		name: 'streamNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Receive',
		name: 'receive',
		type: 'multiOptions',
		required: true,
		options: [
			{
				name: 'Card Callbacks',
				value: 'cardCallbacks',
				description: 'Clicks on interactive cards (互动卡片) the app sent',
			},
			{
				name: 'Events',
				value: 'events',
				description: 'The events ticked under Event Subscription (事件订阅) in the console',
			},
			{
				name: 'Robot Messages',
				value: 'robotMessages',
				description: 'Messages that @-mention the app robot in a group or are sent to it directly',
			},
		],
		default: ['robotMessages', 'events'],
		description: 'What starts the workflow',
	},
	...eventTypeFilterProperties({ show: { receive: ['events'] } }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Card Answer Address',
				name: 'cardAnswerBaseUrl',
				type: 'string',
				displayOptions: { show: { '/receive': ['cardCallbacks'] } },
				default: '',
				placeholder: 'e.g. http://localhost:5678',
				description:
					'Clicks on Send and Wait cards (DingTalk Robot → Send and Wait with Card Buttons) are handed to the waiting execution at this address. Empty: n8n’s own address (N8N_EDITOR_BASE_URL or WEBHOOK_URL). Set it when n8n cannot reach itself there, e.g. behind a proxy.',
			},
			{
				displayName: 'Card Update in Answer: For Everyone',
				name: 'cardAnswerPublic',
				type: 'json',
				displayOptions: { show: { '/receive': ['cardCallbacks'] } },
				default: '',
				placeholder: '{"status": "Handled by {userId}"}',
				description:
					'Card callbacks: variables DingTalk sets on the clicked card at once, for everyone, as a JSON object (other variables stay). The answer goes out when the click arrives, before the workflow runs, so it is fixed here; {userId}, {outTrackId}, {spaceId}, {spaceType}, {actionId} and {params.NAME} are filled from the click. For an answer that depends on the workflow, use the DingTalk Robot node’s Update Card with the item’s outTrackId.',
			},
			{
				displayName: 'Card Update in Answer: For the Clicker',
				name: 'cardAnswerPrivate',
				type: 'json',
				displayOptions: { show: { '/receive': ['cardCallbacks'] } },
				default: '',
				placeholder: '{"note": "You chose {params.action}"}',
				description:
					'Card callbacks: variables only the person who clicked sees, as a JSON object, with the same placeholders as For Everyone',
			},
			forRobotMessages(CHAT_TYPE_OPTION),
			forRobotMessages(COMMAND_PREFIX_OPTION),
			{
				displayName: 'Duplicate Window (Minutes)',
				name: 'dedupeMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 10,
				description:
					'A robot message or event ID seen again within this many minutes starts nothing (DingTalk pushes an event again until it is acknowledged). 0 turns the check off.',
			},
			{
				displayName: 'Include Raw Data',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add the data DingTalk sent, unchanged, as the raw field',
			},
			forRobotMessages(MESSAGE_TYPES_OPTION),
			{
				displayName: 'Silent Connection Timeout (Seconds)',
				name: 'watchdogSeconds',
				type: 'number',
				typeOptions: { minValue: 10 },
				default: 60,
				description:
					'Reconnect when nothing arrived for this long. DingTalk pings a healthy connection well within a minute.',
			},
			forRobotMessages(TEXT_PATTERN_OPTION),
		],
	},
];
