import type { INodeProperties } from 'n8n-workflow';

import { retryOptions } from '../appRobot/appRobot.descriptions';

export const processInstanceIdProperty: INodeProperties = {
	displayName: 'Approval Instance ID',
	name: 'processInstanceId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. a171de6c-8bxx-xxxx',
	description:
		'The processInstanceId of the approval: what Start outputs as instanceId, and what approval events carry',
};

export const processCodeProperty: INodeProperties = {
	displayName: 'Process Code',
	name: 'processCode',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. PROC-FF6Y2xxxx',
	description:
		'The processCode of the approval form (审批模板), shown in the URL of the form in the OA approval admin',
};

export const approvalRetryOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: retryOptions,
};
