import type { IDataObject } from 'n8n-workflow';

import { MessageFieldError } from '../interfaces';
import type { RobotMessage } from '../interfaces';
import { requireText, requireUrl } from '../validation';

/** DingTalk limits the JSON string `msgParam` of the robot OpenAPI to this many bytes. */
export const MAX_MSG_PARAM_BYTES = 15000;

/** How a template field is checked before sending. */
type FieldKind =
	/** Free text. */
	| 'text'
	/** A web or dingtalk:// address opened by a click. */
	| 'url'
	/** Either a picture URL or the mediaId of an uploaded file; DingTalk accepts both. */
	| 'urlOrMediaId'
	/** The mediaId returned by Upload Media. */
	| 'mediaId'
	/** A whole number, sent as a string as DingTalk's samples do. */
	| 'integer';

export interface TemplateField {
	name: string;
	displayName: string;
	kind: FieldKind;
	description: string;
	placeholder?: string;
	rows?: number;
	/** The node fills it in when left empty (file type from the file name, mp4 for video). */
	derived?: boolean;
}

export interface MessageTemplate {
	/** DingTalk's msgKey. */
	id: string;
	/** Option name in the node. */
	label: string;
	description: string;
	/** Fields DingTalk's template needs, in display order. */
	required: string[];
	optional?: string[];
}

function buttonFields(count: number): string[] {
	const names: string[] = [];
	for (let index = 1; index <= count; index++)
		names.push(`actionTitle${index}`, `actionURL${index}`);
	return names;
}

/** The message templates of DingTalk's robot OpenAPI (消息模板 msgKey) and their msgParam fields. */
export const MESSAGE_TEMPLATES: MessageTemplate[] = [
	{
		id: 'sampleText',
		label: 'Text',
		description: 'Plain text (sampleText)',
		required: ['content'],
	},
	{
		id: 'sampleMarkdown',
		label: 'Markdown',
		description: 'Formatted text (sampleMarkdown)',
		required: ['title', 'text'],
	},
	{
		id: 'sampleImageMsg',
		label: 'Image',
		description: 'A picture given by URL or mediaId (sampleImageMsg)',
		required: ['photoURL'],
	},
	{
		id: 'sampleLink',
		label: 'Link',
		description: 'A link card with title, summary and picture (sampleLink)',
		required: ['title', 'text', 'messageUrl'],
		optional: ['picUrl'],
	},
	{
		id: 'sampleActionCard',
		label: 'Action Card: 1 Button',
		description: 'A markdown card with one button (sampleActionCard)',
		required: ['title', 'text', 'singleTitle', 'singleURL'],
	},
	...[2, 3, 4, 5].map((count) => ({
		id: `sampleActionCard${count}`,
		label: `Action Card: ${count} Stacked Buttons`,
		description: `A markdown card with ${count} buttons under each other (sampleActionCard${count})`,
		required: ['title', 'text', ...buttonFields(count)],
	})),
	{
		id: 'sampleActionCard6',
		label: 'Action Card: 2 Buttons Side by Side',
		description: 'A markdown card with two buttons next to each other (sampleActionCard6)',
		required: ['title', 'text', 'buttonTitle1', 'buttonUrl1', 'buttonTitle2', 'buttonUrl2'],
	},
	{
		id: 'sampleAudio',
		label: 'Audio',
		description: 'A voice message from an uploaded ogg or amr file (sampleAudio)',
		required: ['mediaId', 'duration'],
	},
	{
		id: 'sampleFile',
		label: 'File',
		description: 'A file from an uploaded mediaId (sampleFile)',
		required: ['mediaId', 'fileName', 'fileType'],
	},
	{
		id: 'sampleVideo',
		label: 'Video',
		description: 'An mp4 video with a cover picture, both uploaded (sampleVideo)',
		required: ['videoMediaId', 'videoType', 'duration', 'picMediaId'],
		optional: ['width', 'height'],
	},
];

function actionFields(): TemplateField[] {
	const fields: TemplateField[] = [];
	for (let index = 1; index <= 5; index++) {
		fields.push(
			{
				name: `actionTitle${index}`,
				displayName: `Button ${index} Title`,
				kind: 'text',
				description: `Label of button ${index}`,
			},
			{
				name: `actionURL${index}`,
				displayName: `Button ${index} URL`,
				kind: 'url',
				placeholder: 'e.g. https://example.com/approve',
				description: `Address opened by button ${index}`,
			},
		);
	}
	return fields;
}

function sideBySideFields(): TemplateField[] {
	return [1, 2].flatMap((index) => [
		{
			name: `buttonTitle${index}`,
			displayName: `${index === 1 ? 'Left' : 'Right'} Button Title`,
			kind: 'text' as const,
			description: `Label of the ${index === 1 ? 'left' : 'right'} button`,
		},
		{
			name: `buttonUrl${index}`,
			displayName: `${index === 1 ? 'Left' : 'Right'} Button URL`,
			kind: 'url' as const,
			placeholder: 'e.g. https://example.com/approve',
			description: `Address opened by the ${index === 1 ? 'left' : 'right'} button`,
		},
	]);
}

/** Every msgParam field of every template; a field used by several templates is one node parameter. */
export const TEMPLATE_FIELDS: TemplateField[] = [
	{
		name: 'content',
		displayName: 'Content',
		kind: 'text',
		rows: 4,
		placeholder: 'e.g. The nightly export finished',
		description: 'Plain text of the message',
	},
	{
		name: 'title',
		displayName: 'Title',
		kind: 'text',
		placeholder: 'e.g. Export finished',
		description: 'Shown in the conversation list and the notification',
	},
	{
		name: 'text',
		displayName: 'Text',
		kind: 'text',
		rows: 6,
		description: 'Markdown body of the message or card; for a link, the summary under the title',
	},
	{
		name: 'photoURL',
		displayName: 'Photo URL or Media ID',
		kind: 'urlOrMediaId',
		placeholder: 'e.g. https://example.com/chart.png or @lADP...',
		description: 'A public picture URL, or the mediaId returned by Upload Media (type Image)',
	},
	{
		name: 'messageUrl',
		displayName: 'Message URL',
		kind: 'url',
		placeholder: 'e.g. https://example.com/report',
		description: 'Address opened when the link card is clicked',
	},
	{
		name: 'picUrl',
		displayName: 'Picture URL or Media ID',
		kind: 'urlOrMediaId',
		placeholder: 'e.g. https://example.com/cover.png',
		description: 'Picture of the link card: a public URL or a mediaId. Leave empty for none.',
	},
	{
		name: 'singleTitle',
		displayName: 'Button Title',
		kind: 'text',
		placeholder: 'e.g. Read more',
		description: 'Label of the button',
	},
	{
		name: 'singleURL',
		displayName: 'Button URL',
		kind: 'url',
		placeholder: 'e.g. https://example.com/report',
		description: 'Address opened by the button',
	},
	...actionFields(),
	...sideBySideFields(),
	{
		name: 'mediaId',
		displayName: 'Media ID',
		kind: 'mediaId',
		placeholder: 'e.g. @lAz...',
		description:
			'The mediaId returned by Upload Media: type Voice for audio (ogg or amr), type File for files',
	},
	{
		name: 'videoMediaId',
		displayName: 'Video Media ID',
		kind: 'mediaId',
		description: 'The mediaId of the video returned by Upload Media (type Video, mp4)',
	},
	{
		name: 'picMediaId',
		displayName: 'Cover Picture Media ID',
		kind: 'mediaId',
		description: 'The mediaId of the cover picture returned by Upload Media (type Image)',
	},
	{
		name: 'duration',
		displayName: 'Duration',
		kind: 'integer',
		placeholder: 'e.g. 3000',
		description: 'Length of the recording: milliseconds for audio, seconds for video',
	},
	{
		name: 'fileName',
		displayName: 'File Name',
		kind: 'text',
		placeholder: 'e.g. report.pdf',
		description: 'Name shown for the file, with its extension',
	},
	{
		name: 'fileType',
		displayName: 'File Type',
		kind: 'text',
		derived: true,
		placeholder: 'e.g. pdf',
		description:
			'Extension of the file: xlsx, pdf, zip, rar, doc or docx. Leave empty to take it from the file name.',
	},
	{
		name: 'videoType',
		displayName: 'Video Type',
		kind: 'text',
		derived: true,
		placeholder: 'mp4',
		description: 'Format of the video; DingTalk supports mp4. Leave empty for mp4.',
	},
	{
		name: 'width',
		displayName: 'Width',
		kind: 'integer',
		description: 'Display width of the video in pixels. Leave empty to let DingTalk choose.',
	},
	{
		name: 'height',
		displayName: 'Height',
		kind: 'integer',
		description: 'Display height of the video in pixels. Leave empty to let DingTalk choose.',
	},
];

const FIELD_BY_NAME = new Map(TEMPLATE_FIELDS.map((field) => [field.name, field]));

export function findTemplate(msgKey: string): MessageTemplate | undefined {
	return MESSAGE_TEMPLATES.find((template) => template.id === msgKey);
}

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
		if (name === 'fileType' && isBlank(value)) value = extensionOf(String(params.fileName ?? ''));
		if (name === 'videoType' && isBlank(value)) value = 'mp4';
		params[name] = checkField(FIELD_BY_NAME.get(name)!, value);
	}
	for (const name of template.optional ?? []) {
		const value = readField(name);
		if (!isBlank(value)) params[name] = checkField(FIELD_BY_NAME.get(name)!, value);
	}
	return params;
}

function extensionOf(fileName: string): string {
	const match = /\.([A-Za-z0-9]+)$/.exec(fileName.trim());
	return match ? match[1].toLowerCase() : '';
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

function text(params: IDataObject, name: string): string {
	return String(params[name] ?? '');
}

function cardButtons(params: IDataObject, titleKey: string, urlKey: string, count: number) {
	const buttons: IDataObject[] = [];
	for (let index = 1; index <= count; index++) {
		buttons.push({
			title: text(params, `${titleKey}${index}`),
			actionURL: text(params, `${urlKey}${index}`),
		});
	}
	return buttons;
}

/**
 * The same message in the custom-robot format a sessionWebhook accepts, or undefined when the
 * webhook has no such message type (pictures, audio, files and video need the OpenAPI).
 */
export function toSessionMessage(msgKey: string, params: IDataObject): RobotMessage | undefined {
	const base = { title: text(params, 'title'), text: text(params, 'text') };
	switch (msgKey) {
		case 'sampleText':
			return { msgtype: 'text', text: { content: text(params, 'content') } };
		case 'sampleMarkdown':
			return { msgtype: 'markdown', markdown: base };
		case 'sampleLink': {
			const link: IDataObject = { ...base, messageUrl: text(params, 'messageUrl') };
			if (params.picUrl) link.picUrl = text(params, 'picUrl');
			return { msgtype: 'link', link };
		}
		case 'sampleActionCard':
			return {
				msgtype: 'actionCard',
				actionCard: {
					...base,
					singleTitle: text(params, 'singleTitle'),
					singleURL: text(params, 'singleURL'),
				},
			};
		case 'sampleActionCard2':
		case 'sampleActionCard3':
		case 'sampleActionCard4':
		case 'sampleActionCard5': {
			const count = Number(msgKey.slice(-1));
			return {
				msgtype: 'actionCard',
				actionCard: {
					...base,
					btnOrientation: '0',
					btns: cardButtons(params, 'actionTitle', 'actionURL', count),
				},
			};
		}
		case 'sampleActionCard6':
			return {
				msgtype: 'actionCard',
				actionCard: {
					...base,
					btnOrientation: '1',
					btns: cardButtons(params, 'buttonTitle', 'buttonUrl', 2),
				},
			};
		default:
			return undefined;
	}
}
