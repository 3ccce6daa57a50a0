import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MESSAGE_TEMPLATES } from '../../domain/templates/catalog';
import { TEMPLATE_FIELDS } from '../../domain/templates/fields';
import {
	buildTemplateParams,
	encodeMsgParam,
	parseRawMsgParam,
} from '../../domain/templates/msgParam';
import { requireText } from '../../domain/validation';
import { OpenApiClient } from '../../transport/openApi';
import type { RetryOptions } from '../../transport/openApi';
import type { NodeRun } from '../nodeRun';

const RAW = 'raw';

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
		value: RAW,
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
		displayOptions: { show: { msgKey: [RAW] } },
	},
	{
		displayName: 'Message Parameters (msgParam)',
		name: 'msgParam',
		type: 'json',
		default: '{\n  "content": "Hello from n8n"\n}',
		required: true,
		description:
			'The parameters of the template as a JSON object. The node sends them as the JSON string DingTalk expects.',
		displayOptions: { show: { msgKey: [RAW] } },
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

/** The message of an item: its template key, parameters and the JSON string DingTalk receives. */
export interface TemplateMessage {
	msgKey: string;
	params: IDataObject;
	msgParam: string;
}

export function readTemplateMessage(this: IExecuteFunctions, itemIndex: number): TemplateMessage {
	const choice = this.getNodeParameter('msgKey', itemIndex) as string;
	if (choice === RAW) {
		const msgKey = requireText(
			this.getNodeParameter('rawMsgKey', itemIndex, ''),
			'rawMsgKey',
			'Template Key (msgKey)',
		).trim();
		const params = parseRawMsgParam(this.getNodeParameter('msgParam', itemIndex, '{}'));
		return { msgKey, params, msgParam: encodeMsgParam(params) };
	}
	const params = buildTemplateParams(choice, (name) => this.getNodeParameter(name, itemIndex, ''));
	return { msgKey: choice, params, msgParam: encodeMsgParam(params) };
}

export function readRetryOptions(options: IDataObject): RetryOptions {
	return {
		maxRetries: Number(options.maxRetries ?? 3),
		retryDelayMs: Number(options.retryDelay ?? 1000),
	};
}

/** The robot code option, else `fallback` (the AppKey, or the robot of an incoming message). */
export function robotCodeOf(options: IDataObject, fallback: string): string {
	const value = String(options.robotCode ?? '').trim();
	return value || fallback;
}

/** The OpenAPI client of one item, for the app of the node's credential. */
export async function openApiClient(
	context: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<OpenApiClient> {
	return new OpenApiClient(context, itemIndex, await run.appContext(itemIndex));
}

/** A text parameter DingTalk requires, trimmed; empty fails the item naming the parameter. */
export function requiredText(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	fallback = '',
): string {
	return requireText(context.getNodeParameter(name, itemIndex, fallback), name, label).trim();
}
