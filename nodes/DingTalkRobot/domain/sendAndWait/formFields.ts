import type { FormFieldsParameter } from 'n8n-workflow';

import { formAnswerTooLarge, readAnswerText, type AnswerProblem } from './answers';
import { escapeHtml } from './html';

/** Field types the answer page offers; others are refused when the node runs. */
export const FIELD_TYPES = ['text', 'textarea', 'number', 'email', 'date', 'dropdown'] as const;

export type FormField = FormFieldsParameter[number];

/** What a value that should be text is instead, e.g. `5, a number`; undefined for text. */
function notText(value: unknown): string | undefined {
	if (typeof value === 'string') return undefined;
	return `${String(JSON.stringify(value) ?? value).slice(0, 40)}, a ${value === null ? 'null' : typeof value}`;
}

const quoteIt = (key: string, value: unknown) =>
	`write it as text in quotes, e.g. "${key}": "${String(value).slice(0, 40)}"`;

/** Why a form definition cannot be shown, or undefined when it can. */
export function formDefinitionProblem(fields: FormFieldsParameter): string | undefined {
	if (fields.length === 0) return 'The form has no fields';
	const labels = new Set<string>();
	for (const [index, field] of fields.entries()) {
		const rawLabel: unknown = field.fieldLabel;
		if (rawLabel !== undefined && rawLabel !== null && notText(rawLabel)) {
			return `Field ${index + 1} has the label ${notText(rawLabel)}: ${quoteIt('fieldLabel', rawLabel)}`;
		}
		const label = String(rawLabel ?? '').trim();
		if (!label) return `Field ${index + 1} has no label`;
		if (labels.has(label)) return `Two fields are labelled "${label}"`;
		labels.add(label);
		const placeholder: unknown = field.placeholder;
		if (placeholder !== undefined && placeholder !== null && notText(placeholder)) {
			return `Field "${label}" has the placeholder ${notText(placeholder)}: ${quoteIt('placeholder', placeholder)}`;
		}
		const type = field.fieldType ?? 'text';
		if (!(FIELD_TYPES as readonly string[]).includes(type)) {
			return `Field "${label}" has the type "${type}"; use one of ${FIELD_TYPES.join(', ')}`;
		}
		const options = field.fieldOptions?.values ?? [];
		if (type === 'dropdown' && options.length === 0) {
			return `The dropdown "${label}" has no options`;
		}
		for (const { option } of type === 'dropdown' ? options : []) {
			if (notText(option)) {
				return `The dropdown "${label}" has the option ${notText(option)}: ${quoteIt('option', option)}`;
			}
		}
	}
	return undefined;
}

const inputName = (index: number) => `field-${index}`;

/** The inputs of the form page, one labelled input per field. */
export function formInputs(fields: FormFieldsParameter): string {
	return fields
		.map((field, index) => {
			const name = inputName(index);
			const label = escapeHtml(field.fieldLabel);
			const required = field.requiredField ? ' required' : '';
			const placeholder = field.placeholder
				? ` placeholder="${escapeHtml(field.placeholder)}"`
				: '';
			const type = field.fieldType ?? 'text';
			let input: string;
			if (type === 'textarea') {
				input = `<textarea id="${name}" name="${name}"${required}${placeholder}></textarea>`;
			} else if (type === 'dropdown') {
				const options = (field.fieldOptions?.values ?? [])
					.map(({ option }) => `<option>${escapeHtml(option)}</option>`)
					.join('');
				input = `<select id="${name}" name="${name}"${required}><option value=""></option>${options}</select>`;
			} else {
				input = `<input id="${name}" name="${name}" type="${type}"${required}${placeholder}>`;
			}
			return `<label for="${name}">${label}${field.requiredField ? ' *' : ''}</label>${input}`;
		})
		.join('');
}

export type FormAnswer =
	| { ok: true; data: Record<string, string | number | null> }
	| ({ ok: false } & AnswerProblem);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The posted form as `{ <field label>: value }`, checked against the fields. The object has no
 * prototype, so a field labelled `__proto__` or `constructor` is kept as data like any other.
 */
export function readFormAnswer(
	fields: FormFieldsParameter,
	body: Record<string, unknown>,
	keyOf: (field: FormField, index: number) => string = (_, index) => inputName(index),
): FormAnswer {
	const data = Object.create(null) as Record<string, string | number | null>;
	let totalBytes = 0;
	for (const [index, field] of fields.entries()) {
		const label = field.fieldLabel;
		const answer = readAnswerText(body[keyOf(field, index)], label);
		if (!answer.ok) return answer;
		totalBytes += answer.bytes;
		const text = answer.text;
		if (text === '') {
			if (field.requiredField) return { ok: false, status: 400, problem: `"${label}" is required` };
			data[label] = null;
			continue;
		}
		const type = field.fieldType ?? 'text';
		if (type === 'number') {
			const value = Number(text);
			if (!Number.isFinite(value)) {
				return { ok: false, status: 400, problem: `"${label}" must be a number` };
			}
			data[label] = value;
		} else if (type === 'email' && !EMAIL.test(text)) {
			return { ok: false, status: 400, problem: `"${label}" must be an email address` };
		} else if (
			type === 'dropdown' &&
			!(field.fieldOptions?.values ?? []).some(({ option }) => option === text)
		) {
			return { ok: false, status: 400, problem: `"${label}" must be one of its options` };
		} else {
			data[label] = text;
		}
	}
	const tooLarge = formAnswerTooLarge(totalBytes);
	return tooLarge ? { ok: false, ...tooLarge } : { ok: true, data };
}
