import type { INodeProperties } from 'n8n-workflow';

import { MESSAGE_TEMPLATES } from '../../domain/templates/catalog';
import { TEMPLATE_FIELDS } from '../../domain/templates/fields';
import { RAW_TEMPLATE } from './templateMessage';

function templatesUsing(field: string): string[] {
	return MESSAGE_TEMPLATES.filter(
		(template) => template.required.includes(field) || template.optional?.includes(field),
	).map((template) => template.id);
}

function optionalSomewhere(field: string): boolean {
	return MESSAGE_TEMPLATES.some((template) => template.optional?.includes(field));
}

const templateOptions = [
	...MESSAGE_TEMPLATES.map((template) => ({
		name: template.label,
		value: template.id,
		description: template.description,
	})),
	{
		name: 'Raw (msgKey and msgParam)',
		value: RAW_TEMPLATE,
		description: 'Any template key with its parameters written as JSON',
	},
].sort((a, b) => a.name.localeCompare(b.name));

/** The template selector, one parameter per msgParam field, and the raw template. */
export const templateProperties: INodeProperties[] = [
	{
		displayName: 'Message Template',
		name: 'msgKey',
		type: 'options',
		options: templateOptions,
		default: 'sampleText',
		description:
			'DingTalk message template (msgKey) to send; the fields below are its parameters (msgParam)',
	},
	...TEMPLATE_FIELDS.map(
		(field): INodeProperties => ({
			displayName: field.displayName,
			name: field.name,
			type: 'string',
			...(field.rows ? { typeOptions: { rows: field.rows } } : {}),
			default: '',
			required: !field.derived && !optionalSomewhere(field.name),
			...(field.placeholder ? { placeholder: field.placeholder } : {}),
			description: field.description,
			displayOptions: { show: { msgKey: templatesUsing(field.name) } },
		}),
	),
	{
		displayName: 'Template Key (msgKey)',
		name: 'rawMsgKey',
		type: 'string',
		default: 'sampleText',
		required: true,
		placeholder: 'e.g. sampleMarkdown',
		description: 'The msgKey DingTalk documents for the message type',
		displayOptions: { show: { msgKey: [RAW_TEMPLATE] } },
	},
	{
		displayName: 'Message Parameters (msgParam)',
		name: 'msgParam',
		type: 'json',
		default: '{\n  "content": "Hello from n8n"\n}',
		required: true,
		description:
			'The parameters of the template as a JSON object. The node sends them as the JSON string DingTalk expects.',
		displayOptions: { show: { msgKey: [RAW_TEMPLATE] } },
	},
];

export const robotCodeOption: INodeProperties = {
	displayName: 'Robot Code',
	name: 'robotCode',
	type: 'string',
	default: '',
	placeholder: 'Defaults to the Client ID (AppKey)',
	description:
		"The robot's code (robotCode). Leave empty for the app's Client ID, which is the robot code of an internal app's robot.",
};

export const retryOptions: INodeProperties[] = [
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 3,
		description:
			'How many times to try again when DingTalk answers that the app calls this API too often',
	},
	{
		displayName: 'Retry Delay (Ms)',
		name: 'retryDelay',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 1000,
		description: 'Wait before the first retry; it doubles for each further retry',
	},
];
