/**
 * What the sandbox page shows of a Send and Wait card (card buttons over Stream): the template
 * contract of docs/cards.md read out of the card's variables, the way a template built for it in
 * DingTalk's card builder shows them. While `status` is "waiting" the card has its buttons (and
 * a text input for free text, an input per field for a form); afterwards only `resultText`. Each
 * person's private `notice` is shown to that person.
 *
 * The contract's public variables: `title`, `content`, `responseType` ("approval" | "freeText" |
 * "customForm"), `approveText`, `declineText` ("" when there is only approve), `submitText`,
 * `status`, `resultText`, and for a form `formFields`: JSON text of
 * `[{label, type, required, options?}]` (the sandbox's own addition: a card builder template lays
 * its inputs out itself, the sandbox needs to be told them).
 */

import { renderMarkdown } from './sandboxMarkdown';

export const SEND_AND_WAIT_RESPONSE_TYPES = ['approval', 'freeText', 'customForm'] as const;
export type SendAndWaitResponseType = (typeof SEND_AND_WAIT_RESPONSE_TYPES)[number];

/** Input types the page renders; any other form field type is a one-line text input. */
const INPUT_TYPES = [
	'text',
	'textarea',
	'number',
	'email',
	'password',
	'date',
	'dropdown',
] as const;
export type CardInputType = (typeof INPUT_TYPES)[number];

export interface CardInputView {
	/** The params key the value is sent under: `text` for free text, the label for a form field. */
	name: string;
	label: string;
	type: CardInputType;
	required: boolean;
	/** The choices of a dropdown. */
	options?: string[];
}

export interface CardButtonView {
	text: string;
	/** The button's params, as the template's callback request (回传请求) sends them. */
	params: { action: string };
	/** Whether the values of the card's inputs go with the params. */
	sendsInputs: boolean;
}

export interface SendAndWaitCardView {
	responseType: SendAndWaitResponseType;
	title: string;
	/** Markdown text. */
	content: string;
	/** The content rendered as the page renders markdown messages (escaped). */
	contentHtml: string;
	status: string;
	/** Whether the card still takes an answer: it shows its inputs and buttons only then. */
	waiting: boolean;
	inputs: CardInputView[];
	buttons: CardButtonView[];
	resultText: string;
	/** The private notice each person sees, by userId. */
	notices: Record<string, string>;
	/** Why the card cannot show what it asks for (a form without a readable `formFields`). */
	problem?: string;
}

interface CardData {
	publicData: Record<string, string>;
	privateData: Record<string, Record<string, string>>;
}

function isResponseType(value: string | undefined): value is SendAndWaitResponseType {
	return (SEND_AND_WAIT_RESPONSE_TYPES as readonly string[]).includes(value ?? '');
}

/** The inputs of `formFields`, or the reason they cannot be read. */
function formInputs(formFields: string | undefined): CardInputView[] | string {
	if (!formFields)
		return 'The card has no formFields variable: the sandbox cannot show its inputs.';
	let fields: unknown;
	try {
		fields = JSON.parse(formFields);
	} catch {
		return 'The card’s formFields variable is not JSON.';
	}
	if (!Array.isArray(fields)) return 'The card’s formFields variable is not a JSON list.';
	const inputs: CardInputView[] = [];
	for (const field of fields) {
		const entry = (typeof field === 'object' && field !== null ? field : {}) as Record<
			string,
			unknown
		>;
		const label = typeof entry.label === 'string' ? entry.label : '';
		if (!label) return 'Every entry of the card’s formFields needs a label.';
		const type = (INPUT_TYPES as readonly unknown[]).includes(entry.type)
			? (entry.type as CardInputType)
			: 'text';
		const options = Array.isArray(entry.options) ? entry.options.map(String) : undefined;
		inputs.push({
			name: label,
			label,
			type: type === 'dropdown' && !options?.length ? 'text' : type,
			required: entry.required === true || entry.required === 'true',
			...(type === 'dropdown' && options?.length ? { options } : {}),
		});
	}
	return inputs;
}

/**
 * The view of a Send and Wait card, or null for any other card (one without a contract
 * `responseType` and `status`): the page shows those as their variables.
 */
export function sendAndWaitCardView(card: CardData): SendAndWaitCardView | null {
	const data = card.publicData;
	if (!isResponseType(data.responseType) || typeof data.status !== 'string') return null;
	const notices = Object.fromEntries(
		Object.entries(card.privateData)
			.filter(([, variables]) => Boolean(variables.notice))
			.map(([userId, variables]) => [userId, variables.notice]),
	);
	const view: SendAndWaitCardView = {
		responseType: data.responseType,
		title: data.title ?? '',
		content: data.content ?? '',
		contentHtml: renderMarkdown(data.content ?? ''),
		status: data.status,
		waiting: data.status === 'waiting',
		inputs: [],
		buttons: [],
		resultText: data.resultText ?? '',
		notices,
	};
	if (data.responseType === 'approval') {
		view.buttons.push({
			text: data.approveText || 'Approve',
			params: { action: 'approve' },
			sendsInputs: false,
		});
		if (data.declineText) {
			view.buttons.push({
				text: data.declineText,
				params: { action: 'decline' },
				sendsInputs: false,
			});
		}
		return view;
	}
	const submit = {
		text: data.submitText || 'Submit',
		params: { action: 'submit' },
		sendsInputs: true,
	};
	if (data.responseType === 'freeText') {
		view.inputs.push({ name: 'text', label: 'Your answer', type: 'textarea', required: true });
		view.buttons.push(submit);
		return view;
	}
	const inputs = formInputs(data.formFields);
	if (typeof inputs === 'string') {
		view.problem = inputs;
		return view;
	}
	view.inputs = inputs;
	view.buttons.push(submit);
	return view;
}
