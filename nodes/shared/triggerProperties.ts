import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** Parameters both DingTalk triggers offer, so a filter reads the same in either node. */

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

export const CHAT_TYPE_OPTION: INodeProperties = {
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
};

export const COMMAND_PREFIX_OPTION: INodeProperties = {
	displayName: 'Command Prefix',
	name: 'commandPrefix',
	type: 'string',
	default: '',
	placeholder: 'e.g. /deploy',
	description:
		'Start the workflow only when the text (after the @-mention) starts with this prefix',
};

export const MESSAGE_TYPES_OPTION: INodeProperties = {
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
};

export const TEXT_PATTERN_OPTION: INodeProperties = {
	displayName: 'Text Pattern',
	name: 'textPattern',
	type: 'string',
	default: '',
	placeholder: 'e.g. /^(help|status)\\b/i',
	description:
		'Start the workflow only when the text matches this regular expression (plain, or /pattern/flags)',
};

/** Event Types and Other Event Types; read together by {@link selectedEventTypes}. */
export function eventTypeFilterProperties(displayOptions: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName: 'Event Types',
			name: 'eventTypes',
			type: 'multiOptions',
			displayOptions,
			options: COMMON_EVENT_TYPES,
			default: [],
			description:
				'Start the workflow only for these event types. Leave both this and Other Event Types empty for every event.',
		},
		{
			displayName: 'Other Event Types',
			name: 'customEventTypes',
			type: 'string',
			displayOptions,
			default: '',
			placeholder: 'e.g. calendar_event_change, storage_dentry_create',
			description: 'More event types to accept, separated by commas',
		},
	];
}
