import type { FormFieldsParameter } from 'n8n-workflow';

import { escapeHtml } from './html';

/** Field types the answer page offers; others are refused when the node runs. */
export const FIELD_TYPES = ['text', 'textarea', 'number', 'email', 'date', 'dropdown'] as const;

export type FormField = FormFieldsParameter[number];

/** Why a form definition cannot be shown, or undefined when it can. */
export function formDefinitionProblem(fields: FormFieldsParameter): string | undefined {
	if (fields.length === 0) return 'The form has no fields';
	const labels = new Set<string>();
	for (const [index, field] of fields.entries()) {
		const label = String(field.fieldLabel ?? '').trim();
		if (!label) return `Field ${index + 1} has no label`;
		if (labels.has(label)) return `Two fields are labelled "${label}"`;
		labels.add(label);
		const type = field.fieldType ?? 'text';
		if (!(FIELD_TYPES as readonly string[]).includes(type)) {
			return `Field "${label}" has the type "${type}"; use one of ${FIELD_TYPES.join(', ')}`;
		}
		if (type === 'dropdown' && (field.fieldOptions?.values ?? []).length === 0) {
			return `The dropdown "${label}" has no options`;
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
	| { ok: false; problem: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The posted form as `{ <field label>: value }`, checked against the fields. */
export function readFormAnswer(
	fields: FormFieldsParameter,
	body: Record<string, unknown>,
): FormAnswer {
	const data: Record<string, string | number | null> = {};
	for (const [index, field] of fields.entries()) {
		const raw = body[inputName(index)];
		const text = (Array.isArray(raw) ? String(raw[0] ?? '') : String(raw ?? '')).trim();
		if (text === '') {
			if (field.requiredField) return { ok: false, problem: `"${field.fieldLabel}" is required` };
			data[field.fieldLabel] = null;
			continue;
		}
		const type = field.fieldType ?? 'text';
		if (type === 'number') {
			const value = Number(text);
			if (!Number.isFinite(value)) {
				return { ok: false, problem: `"${field.fieldLabel}" must be a number` };
			}
			data[field.fieldLabel] = value;
		} else if (type === 'email' && !EMAIL.test(text)) {
			return { ok: false, problem: `"${field.fieldLabel}" must be an email address` };
		} else if (
			type === 'dropdown' &&
			!(field.fieldOptions?.values ?? []).some(({ option }) => option === text)
		) {
			return { ok: false, problem: `"${field.fieldLabel}" must be one of its options` };
		} else {
			data[field.fieldLabel] = text;
		}
	}
	return { ok: true, data };
}
