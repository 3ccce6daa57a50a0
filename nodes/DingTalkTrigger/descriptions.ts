import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

const showForRobot = { show: { mode: ['robot'] } };
const showForEvent = { show: { mode: ['event'] } };

function eventType(name: string, value: string): INodePropertyOptions {
	return { name, value, description: `EventType ${value}` };
}

/** Common event types offered in the filter; any other type can be typed in as free text. */
const COMMON_EVENT_TYPES: INodePropertyOptions[] = [
	eventType('Approval Instance Changed', 'bpms_instance_change'),
	eventType('Approval Task Changed', 'bpms_task_change'),
	eventType('Attendance Check Record', 'attendance_check_record'),
	eventType('Check-in', 'check_in'),
	eventType('Department Created', 'org_dept_create'),
	eventType('Department Modified', 'org_dept_modify'),
	eventType('Department Removed', 'org_dept_remove'),
	eventType('Employee Activated', 'user_active_org'),
	eventType('Employee Added', 'user_add_org'),
	eventType('Employee Left', 'user_leave_org'),
	eventType('Employee Modified', 'user_modify_org'),
	eventType('Group Disbanded', 'chat_disband'),
	eventType('Group Member Added', 'chat_add_member'),
	eventType('Group Member Quit', 'chat_quit'),
	eventType('Group Member Removed', 'chat_remove_member'),
	eventType('Group Owner Changed', 'chat_update_owner'),
	eventType('Group Title Changed', 'chat_update_title'),
	eventType('Robot Message Read', 'robot_msg_read'),
	eventType('Robot Message Recalled', 'robot_msg_recall'),
	eventType('To-Do Created', 'todo_task_create'),
	eventType('To-Do Deleted', 'todo_task_delete'),
	eventType('To-Do Updated', 'todo_task_update'),
	eventType('Workflow Instance Changed', 'workflow_instance_change_broadcast'),
	eventType('Workflow Task Changed', 'workflow_task_change_broadcast'),
];

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
	{
		displayName: 'Event Types',
		name: 'eventTypes',
		type: 'multiOptions',
		displayOptions: showForEvent,
		options: COMMON_EVENT_TYPES,
		default: [],
		description:
			'Start the workflow only for these event types. Leave both this and Other Event Types empty for every event.',
	},
	{
		displayName: 'Other Event Types',
		name: 'customEventTypes',
		type: 'string',
		displayOptions: showForEvent,
		default: '',
		placeholder: 'e.g. calendar_event_change, storage_dentry_create',
		description: 'More event types to accept, separated by commas',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		displayOptions: showForRobot,
		default: {},
		options: [
			{
				displayName: 'Chat Type',
				name: 'chatType',
				type: 'options',
				options: [
					{ name: 'All Chats', value: 'all' },
					{ name: 'Group Chats Only', value: 'group' },
					{ name: 'Single Chats Only', value: 'single' },
				],
				default: 'all',
				description: 'Start the workflow only for messages from this kind of conversation',
			},
			{
				displayName: 'Command Prefix',
				name: 'commandPrefix',
				type: 'string',
				default: '',
				placeholder: 'e.g. /deploy',
				description:
					'Start the workflow only when the text (after the @-mention) starts with this prefix',
			},
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
			{
				displayName: 'Message Types',
				name: 'messageTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Audio', value: 'audio' },
					{ name: 'File', value: 'file' },
					{ name: 'Picture', value: 'picture' },
					{ name: 'Rich Text', value: 'richText' },
					{ name: 'Text', value: 'text' },
					{ name: 'Video', value: 'video' },
				],
				default: [],
				description: 'Start the workflow only for these message types. Leave empty for all.',
			},
			{
				displayName: 'Text Pattern',
				name: 'textPattern',
				type: 'string',
				default: '',
				placeholder: 'e.g. /^(help|status)\\b/i',
				description:
					'Start the workflow only when the text matches this regular expression (plain, or /pattern/flags)',
			},
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
