import type { IDataObject } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import { optionalUrl, requireText } from '../../domain/validation';
import type { TodoFields } from '../../transport/todo';

/** DingTalk's limits on the texts of a to-do. */
export const MAX_SUBJECT_LENGTH = 1024;
export const MAX_DESCRIPTION_LENGTH = 4096;

/** 10 low, 20 normal, 30 urgent, 40 very urgent. */
export const PRIORITIES = [10, 20, 30, 40];

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || String(value).trim() === '';
}

function limited(text: string, field: string, label: string, max: number): string {
	if (text.length > max) {
		throw new MessageFieldError(
			field,
			`"${label}" is ${text.length} characters long; DingTalk takes at most ${max}`,
			`Shorten "${label}".`,
		);
	}
	return text;
}

export function readSubject(value: unknown, field = 'subject'): string {
	const subject = requireText(value, field, 'Subject').trim();
	return limited(subject, field, 'Subject', MAX_SUBJECT_LENGTH);
}

export function readDescription(value: unknown, field = 'description'): string | undefined {
	if (isBlank(value)) return undefined;
	return limited(String(value), field, 'Description', MAX_DESCRIPTION_LENGTH);
}

export function readPriority(value: unknown): number | undefined {
	if (isBlank(value)) return undefined;
	const priority = Number(value);
	if (!PRIORITIES.includes(priority)) {
		throw new MessageFieldError(
			'priority',
			`"Priority" must be 10, 20, 30 or 40, not ${String(value).slice(0, 20)}`,
			'Pick Low (10), Normal (20), Urgent (30) or Very Urgent (40).',
		);
	}
	return priority;
}

/** The link back to the source system: one for the app and the PC client, or one each. */
export function readDetailUrl(fields: IDataObject): IDataObject | undefined {
	const appUrl = optionalUrl(fields.detailUrl, 'detailUrl', 'Link');
	const pcUrl = optionalUrl(fields.pcDetailUrl, 'pcDetailUrl', 'PC Link') ?? appUrl;
	if (!appUrl && !pcUrl) return undefined;
	return { appUrl: appUrl ?? pcUrl, pcUrl };
}

/** The fields an item gives, without the ones left empty. */
export function definedFields(fields: TodoFields): TodoFields {
	const defined: TodoFields = {};
	for (const [key, value] of Object.entries(fields)) {
		if (value !== undefined) defined[key] = value;
	}
	return defined;
}
