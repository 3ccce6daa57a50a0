/** The message templates of DingTalk's robot OpenAPI (消息模板 msgKey): which msgParam fields each needs. */

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

export function findTemplate(msgKey: string): MessageTemplate | undefined {
	return MESSAGE_TEMPLATES.find((template) => template.id === msgKey);
}
