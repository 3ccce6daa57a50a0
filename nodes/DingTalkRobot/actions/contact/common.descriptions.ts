import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import type { ContactOptions } from '../../transport/contacts';
import { readRetryOptions, retryOptions } from '../appRobot/common.descriptions';

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

export function readContactOptions(context: IExecuteFunctions, itemIndex: number): ContactOptions {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return { ...readRetryOptions(options), language: String(options.language ?? 'zh_CN') };
}

/** A number parameter that must be a whole number of 1 or more; text such as "3" is taken too. */
function readWholeNumber(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: { name: string; label: string; fallback: number; fix: string },
): number {
	const value = context.getNodeParameter(parameter.name, itemIndex, parameter.fallback);
	const text = typeof value === 'string' ? value.trim() : value;
	const number = text === '' ? Number.NaN : Number(text);
	if (!Number.isInteger(number) || number < 1) {
		throw new MessageFieldError(
			parameter.name,
			`"${parameter.label}" must be a whole number of 1 or more, not "${String(value).slice(0, 40)}"`,
			parameter.fix,
		);
	}
	return number;
}

export function readDepartmentId(context: IExecuteFunctions, itemIndex: number): number {
	return readWholeNumber(context, itemIndex, {
		name: 'departmentId',
		label: 'Department ID',
		fallback: 1,
		fix: 'Give a DingTalk dept_id, e.g. 1 for the whole organisation or {{ $json.deptId[0] }} from an event.',
	});
}

export function readLimit(context: IExecuteFunctions, itemIndex: number): number {
	return readWholeNumber(context, itemIndex, {
		name: 'limit',
		label: 'Limit',
		fallback: 50,
		fix: 'Give how many people to return at most, e.g. 50, or turn on "Return All".',
	});
}
