import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { fileExtension } from '../../domain/files';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText } from '../openApiItem';
import { retryOptions } from './appRobot.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to upload',
		description: 'Name of the binary property that holds the file',
	},
	{
		displayName: 'Media Type',
		name: 'mediaType',
		type: 'options',
		default: 'image',
		description: 'What the file is; it decides which messages can use the mediaId',
		options: [
			{
				name: 'File',
				value: 'file',
				description: 'For sampleFile: doc, docx, xls, xlsx, ppt, pptx, zip, pdf or rar',
			},
			{
				name: 'Image',
				value: 'image',
				description: 'For sampleImageMsg, link pictures and video covers: jpg, png, gif or bmp',
			},
			{ name: 'Video', value: 'video', description: 'For sampleVideo: mp4' },
			{
				name: 'Voice',
				value: 'voice',
				description: 'For sampleAudio: ogg or amr (DingTalk also stores mp3 and wav)',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. report.pdf',
				description:
					'Name to store the file under, with its extension. Leave empty for the name of the binary data.',
			},
			...retryOptions,
		],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['uploadMedia'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const property = requiredText(
		this,
		itemIndex,
		'binaryPropertyName',
		'Input Binary Field',
		'data',
	);
	const mediaType = this.getNodeParameter('mediaType', itemIndex) as string;
	const binary = this.helpers.assertBinaryData(itemIndex, property);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	const fileName =
		String(options.fileName ?? '').trim() ||
		binary.fileName ||
		`upload.${binary.fileExtension ?? 'bin'}`;
	const mimeType = binary.mimeType || 'application/octet-stream';

	const client = await openApiClient(this, itemIndex, run);
	const reply = await client.uploadMedia(
		mediaType,
		{ data, fileName, mimeType },
		{ ...readRetryOptions(options), what: 'DingTalk did not store the file' },
	);
	return {
		json: {
			mediaId: String(reply.media_id),
			mediaType: String(reply.type ?? mediaType),
			fileName,
			fileType: fileExtension(fileName),
			mimeType,
			fileSize: data.length,
			createdAt: reply.created_at ?? null,
		},
	};
}
