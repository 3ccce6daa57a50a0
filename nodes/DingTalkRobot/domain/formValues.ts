import type { IDataObject } from 'n8n-workflow';

import { MessageFieldError } from './robotMessage';

/** One field of an approval form as DingTalk's formComponentValues takes it: value is text. */
export interface FormValue extends IDataObject {
	name: string;
	value: string;
}

const FIX =
	'Give the form as name/value pairs, a JSON object such as {"Reason": "Client visit", "Amount": "120"}, or DingTalk’s list [{"name": "Reason", "value": "Client visit"}].';

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** DingTalk takes every value as text; lists and objects (tables, date ranges) as JSON text. */
function asText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value === undefined || value === null) return '';
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
	if (text.trim() === '') return [];
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return NOT_JSON;
	}
}

/**
 * The formComponentValues of a form given as DingTalk's list of {name, value, ...} (other keys
 * such as id or componentType kept), as an object of name → value, or as JSON text of either.
 */
export function toFormValues(input: unknown, field: string): FormValue[] {
	const form = typeof input === 'string' ? parseJson(input) : input;
	if (form === NOT_JSON) {
		throw new MessageFieldError(field, 'The form values are not valid JSON', FIX);
	}
	const entries: IDataObject[] = Array.isArray(form)
		? (form as unknown[]).map((entry) => {
				if (!isObject(entry)) {
					throw new MessageFieldError(field, 'Each form value must be an object', FIX);
				}
				return entry;
			})
		: isObject(form)
			? Object.entries(form).map(([name, value]) => ({ name, value }))
			: [];
	if (entries.length === 0) {
		throw new MessageFieldError(field, 'The approval form has no values', FIX);
	}
	return entries.map((entry) => {
		const name = typeof entry.name === 'string' ? entry.name.trim() : '';
		if (!name) {
			throw new MessageFieldError(field, 'A form value has no name', FIX);
		}
		return { ...entry, name, value: asText(entry.value) };
	});
}
