import type { INodeProperties } from 'n8n-workflow';

import { retryOptions } from '../appRobot/appRobot.descriptions';

export const contactOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Language',
			name: 'language',
			type: 'options',
			default: 'zh_CN',
			description: 'Language of the texts DingTalk returns, such as department names',
			options: [
				{ name: 'Chinese (zh_CN)', value: 'zh_CN' },
				{ name: 'English (en_US)', value: 'en_US' },
			],
		},
		...retryOptions,
	],
};

export function departmentIdProperty(description: string): INodeProperties {
	return {
		displayName: 'Department ID',
		name: 'departmentId',
		type: 'number',
		default: 1,
		required: true,
		typeOptions: { minValue: 1 },
		description: `${description} The root department (the whole organisation) is 1; an event's deptId or a user's dept_id_list gives others`,
	};
}
