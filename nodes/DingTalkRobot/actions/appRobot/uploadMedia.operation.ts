import { updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readAppContext, withAccessToken } from '../../helpers/appRobot/openApi';
import type { Verdict } from '../../helpers/appRobot/openApi';
import { isAuthError } from '../../helpers/appRobot/openApiErrors';
import { runItems } from '../../helpers/appRobot/runItems';
import { requireText } from '../../helpers/validation';
import { uploadMedia } from '../../transport/openApi';
import type { OpenApiReply } from '../../transport/openApi';
import { readRetryOptions, retryOptions } from './common.descriptions';

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

function judgeUpload(reply: OpenApiReply): Verdict {
	const errcode = Number(reply.body.errcode);
	if (reply.statusCode === 200 && errcode === 0 && reply.body.media_id) return 'ok';
	if (isAuthError(reply.statusCode, reply.body.code, errcode)) return 'auth';
	return 'failed';
}

function extensionOf(fileName: string): string {
	return /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await runItems.call(this, items, async function (itemIndex) {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const property = requireText(
			this.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
			'binaryPropertyName',
			'Input Binary Field',
		).trim();
		const mediaType = this.getNodeParameter('mediaType', itemIndex) as string;
		const binary = this.helpers.assertBinaryData(itemIndex, property);
		const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
		const fileName =
			String(options.fileName ?? '').trim() ||
			binary.fileName ||
			`upload.${binary.fileExtension ?? 'bin'}`;
		const mimeType = binary.mimeType || 'application/octet-stream';

		const app = await readAppContext.call(this, itemIndex);
		const reply = await withAccessToken.call(
			this,
			itemIndex,
			app,
			{ ...readRetryOptions(options), what: 'DingTalk did not store the file', judge: judgeUpload },
			async (token) =>
				uploadMedia.call(this, app.oapiBaseUrl, token, mediaType, { data, fileName, mimeType }),
		);
		return {
			json: {
				mediaId: String(reply.media_id),
				mediaType: String(reply.type ?? mediaType),
				fileName,
				fileType: extensionOf(fileName),
				mimeType,
				fileSize: data.length,
				createdAt: reply.created_at ?? null,
			},
		};
	});
}
