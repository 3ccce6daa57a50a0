import type { FormFieldsParameter } from 'n8n-workflow';

import type { FormPage, SendAndWaitConfig } from './config';
import { formInputs } from './formFields';
import { escapeHtml, htmlPage } from './html';

// The forms have no action: they post to the address the page was opened at, which is the
// signed resume URL with its query (approved=..., signature=...). Answer forms post multipart, as
// n8n's own forms do: n8n 2.41 refuses anything else for a custom form (415).

function intro(config: SendAndWaitConfig, heading: string): string {
	return `<h1>${escapeHtml(heading)}</h1><p class="message">${escapeHtml(config.message)}</p>`;
}

/**
 * What an approval link shows: the question and one button that posts the choice. Opening the
 * link decides nothing, so link previews and chat crawlers cannot answer for the person.
 */
export function confirmationPage(config: SendAndWaitConfig, approved: boolean): string {
	const label = approved ? config.approval.approveLabel : config.approval.disapproveLabel;
	const button = `<button type="submit"${approved ? '' : ' class="decline"'}>${escapeHtml(label)}</button>`;
	return htmlPage(
		config.title,
		`${intro(config, config.title)}<form method="post">${button}</form>` +
			'<p class="note">Your choice is recorded when you press the button.</p>',
	);
}

function formPage(config: SendAndWaitConfig, form: FormPage, inputs: string, problem?: string) {
	const warning = problem ? `<p class="problem">${escapeHtml(problem)}</p>` : '';
	return htmlPage(
		form.title,
		`${intro(config, form.title)}${form.description ? `<p>${escapeHtml(form.description)}</p>` : ''}` +
			`${warning}<form method="post" enctype="multipart/form-data">${inputs}<button type="submit">${escapeHtml(form.buttonLabel)}</button></form>`,
	);
}

export const FREE_TEXT_FIELD = 'text';
export const FREE_TEXT_LABEL = 'Response';

export function freeTextPage(config: SendAndWaitConfig, problem?: string): string {
	const input = `<label for="${FREE_TEXT_FIELD}">${FREE_TEXT_LABEL}</label><textarea id="${FREE_TEXT_FIELD}" name="${FREE_TEXT_FIELD}" required></textarea>`;
	return formPage(config, config.form, input, problem);
}

export function customFormPage(
	config: SendAndWaitConfig,
	fields: FormFieldsParameter,
	problem?: string,
): string {
	return formPage(config, config.form, formInputs(fields), problem);
}

export function recordedPage(): string {
	return htmlPage(
		'Response recorded',
		'<h1>Thanks, your response is recorded</h1><p class="note">You can close this page.</p>',
	);
}
