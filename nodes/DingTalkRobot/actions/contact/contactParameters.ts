import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import type { ContactOptions } from '../../transport/contacts';
import { readRetryOptions } from '../openApiItem';

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
