/** How a template field is checked before sending. */
export type FieldKind =
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
