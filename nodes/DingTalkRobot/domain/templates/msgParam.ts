import type { IDataObject } from 'n8n-workflow';

import { fileExtension } from '../files';
import { MessageFieldError } from '../robotMessage';
import { requireText, requireUrl } from '../validation';
import { findTemplate } from './catalog';
import { TEMPLATE_FIELDS } from './fields';
import type { TemplateField } from './fields';

/** DingTalk limits the JSON string `msgParam` of the robot OpenAPI to this many bytes. */
export const MAX_MSG_PARAM_BYTES = 15000;

const FIELD_BY_NAME = new Map(TEMPLATE_FIELDS.map((field) => [field.name, field]));

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || String(value).trim() === '';
}

function checkField(field: TemplateField, value: unknown): string {
	if (field.kind === 'url') return requireUrl(value, field.name, field.displayName);
	const text = requireText(value, field.name, field.displayName);
	if (field.kind === 'integer') {
		const trimmed = text.trim();
		if (!/^\d+$/.test(trimmed)) {
			throw new MessageFieldError(
				field.name,
				`"${field.displayName}" must be a whole number, not ${trimmed.slice(0, 50)}`,
				`Enter "${field.displayName}" as digits only.`,
			);
		}
		return trimmed;
	}
	return field.kind === 'text' ? text : text.trim();
}

/** Reads the form fields of a template into DingTalk's msgParam object, checking each one. */
export function buildTemplateParams(
	msgKey: string,
	readField: (name: string) => unknown,
): IDataObject {
	const template = findTemplate(msgKey);
	if (!template) {
		throw new MessageFieldError(
			'msgKey',
			`"${msgKey}" is not one of DingTalk's message templates`,
			'Pick a template from the list, or choose "Raw" to send another msgKey.',
		);
	}
	const params: IDataObject = {};
	for (const name of template.required) {
		let value = readField(name);
		if (name === 'fileType' && isBlank(value)) value = fileExtension(String(params.fileName ?? ''));
		if (name === 'videoType' && isBlank(value)) value = 'mp4';
		params[name] = checkField(FIELD_BY_NAME.get(name)!, value);
	}
	for (const name of template.optional ?? []) {
		const value = readField(name);
		if (!isBlank(value)) params[name] = checkField(FIELD_BY_NAME.get(name)!, value);
	}
	return params;
}

/** Encodes msgParam as the JSON string DingTalk wants and enforces its size limit. */
export function encodeMsgParam(params: IDataObject): string {
	const encoded = JSON.stringify(params);
	const bytes = Buffer.byteLength(encoded, 'utf8');
	if (bytes > MAX_MSG_PARAM_BYTES) {
		throw new MessageFieldError(
			'msgParam',
			`The message parameters are ${bytes} bytes as JSON; DingTalk accepts at most ${MAX_MSG_PARAM_BYTES}`,
			'Shorten the text or split it into several messages.',
		);
	}
	return encoded;
}

function parseJson(text: string): { value: unknown } | { problem: string } {
	try {
		return { value: JSON.parse(text) };
	} catch (error) {
		return { problem: (error as Error).message };
	}
}

/** Parses the msgParam of the Raw template: a JSON object, given as object or JSON text. */
export function parseRawMsgParam(value: unknown): IDataObject {
	let parsed = value;
	if (typeof value === 'string') {
		const result = parseJson(value);
		if ('problem' in result) {
			throw new MessageFieldError(
				'msgParam',
				`"Message Parameters (msgParam)" is not valid JSON: ${result.problem}`,
				'Give a JSON object such as {"content":"Hello"}.',
			);
		}
		parsed = result.value;
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new MessageFieldError(
			'msgParam',
			'"Message Parameters (msgParam)" must be a JSON object',
			'Give a JSON object such as {"content":"Hello"}.',
		);
	}
	return parsed as IDataObject;
}
