import type { INodeProperties } from 'n8n-workflow';

import { retryOptions } from '../appRobot/appRobot.descriptions';

export const peopleByProperty: INodeProperties = {
	displayName: 'People By',
	name: 'peopleBy',
	type: 'options',
	options: [
		{
			name: 'User ID',
			value: 'userId',
			description:
				'DingTalk user IDs (staffId); the node looks up each person’s unionId first (needs the contacts permission qyapi_get_member)',
		},
		{
			name: 'Union ID',
			value: 'unionId',
			description: 'The unionIds the to-do API takes, used as they are',
		},
	],
	default: 'userId',
	description: 'How the people below are given; the output says which was used',
};

/** The person a to-do is read, changed or deleted as: a creator, executor or participant. */
export const personProperty: INodeProperties = {
	displayName: 'As Person',
	name: 'person',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. manager1234',
	description:
		'A person the to-do belongs to (its creator, an assignee or a participant), by user ID or unionId as People By says. DingTalk records them as the operator of a change.',
};

export const taskIdProperty: INodeProperties = {
	displayName: 'To-Do ID',
	name: 'taskId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. task8f3a1c2b',
	description: 'The ID of the to-do, as Create outputs it',
};

export const dueTimeProperty: INodeProperties = {
	displayName: 'Due Time',
	name: 'dueTime',
	type: 'dateTime',
	default: '',
	description: 'When the to-do is due (DingTalk’s dueTime)',
};

export const todoRetryOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: retryOptions,
};

/** Which to-do of whose: the task ID and the person, as Get, Update and Delete read them. */
export const todoOfPersonProperties: INodeProperties[] = [
	taskIdProperty,
	peopleByProperty,
	personProperty,
];
