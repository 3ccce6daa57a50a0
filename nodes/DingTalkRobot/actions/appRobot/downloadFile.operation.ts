import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	JsonObject,
} from 'n8n-workflow';

import { callOpenApi, guarded, readAppContext } from '../../helpers/appRobot/openApi';
import { runItems } from '../../helpers/appRobot/runItems';
import { MessageFieldError } from '../../helpers/interfaces';
import { requireText } from '../../helpers/validation';
import { downloadFromUrl } from '../../transport/openApi';
import {
	readRetryOptions,
	retryOptions,
	robotCodeOf,
	robotCodeOption,
} from './common.descriptions';

export const DOWNLOAD_PATH = '/v1.0/robot/messageFiles/download';

const properties: INodeProperties[] = [
	{
		displayName: 'Download Code',
		name: 'downloadCode',
		type: 'string',
		default: '={{ $json.downloadCodes[0] }}',
		required: true,
		description:
			'The downloadCode of a picture, file, audio or video the robot received: one of downloadCodes of the DingTalk Trigger item',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		description: 'Name of the binary property to write the file to',
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
				placeholder: 'e.g. {{ $json.content.fileName }}',
				description:
					'Name of the file, with its extension. DingTalk’s download gives none, so leave empty for "file" with an extension from the content type, or map content.fileName of a file message.',
			},
			...retryOptions,
			robotCodeOption,
		],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['downloadFile'] } };

export const description = updateDisplayOptions(displayOptions, properties);

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/gif': 'gif',
	'image/bmp': 'bmp',
	'image/webp': 'webp',
	'audio/amr': 'amr',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'audio/wav': 'wav',
	'video/mp4': 'mp4',
	'application/pdf': 'pdf',
	'application/zip': 'zip',
	'text/plain': 'txt',
};

function fileNameFrom(contentDisposition: string | undefined, mimeType: string): string {
	const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? '');
	if (match) {
		try {
			return decodeURIComponent(match[1]).replace(/[\\/]/g, '_');
		} catch {
			return match[1].replace(/[\\/]/g, '_');
		}
	}
	return `file.${EXTENSIONS[mimeType] ?? 'bin'}`;
}

function checkDownloadUrl(value: unknown): string {
	const text = typeof value === 'string' ? value : '';
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || !/^https?:$/.test(url.protocol)) {
		throw new MessageFieldError(
			'downloadCode',
			'DingTalk answered without a usable download URL',
			'Run the node again; if it keeps failing, the file may no longer be available.',
		);
	}
	return url.toString();
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await runItems.call(this, items, async function (itemIndex) {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const downloadCode = requireText(
			this.getNodeParameter('downloadCode', itemIndex, ''),
			'downloadCode',
			'Download Code',
		).trim();
		const property = requireText(
			this.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
			'binaryPropertyName',
			'Put Output File in Field',
		).trim();
		const app = await readAppContext.call(this, itemIndex);
		const robotCode = robotCodeOf(options, app.appKey);
		const reply = await callOpenApi.call(
			this,
			itemIndex,
			app,
			DOWNLOAD_PATH,
			{ downloadCode, robotCode },
			{ ...readRetryOptions(options), what: 'DingTalk did not give a download URL' },
		);
		const url = checkDownloadUrl(reply.downloadUrl);
		const file = await guarded(this, itemIndex, async () => downloadFromUrl.call(this, url));
		if (file.statusCode !== 200) {
			const error = new NodeApiError(
				this.getNode(),
				{ code: `HTTP ${file.statusCode}` } as JsonObject,
				{
					message: `The download URL answered HTTP ${file.statusCode} [item ${itemIndex}]`,
					description:
						'DingTalk’s download URLs are temporary. Run the node again to get a fresh one.',
					itemIndex,
					httpCode: String(file.statusCode),
				},
			);
			error.context.code = `HTTP ${file.statusCode}`;
			throw error;
		}
		const mimeType = (file.contentType ?? 'application/octet-stream').split(';')[0].trim();
		const fileName =
			String(options.fileName ?? '').trim() || fileNameFrom(file.contentDisposition, mimeType);
		const binary = await this.helpers.prepareBinaryData(file.data, fileName, mimeType);
		return {
			json: { downloadCode, robotCode, fileName, mimeType, fileSize: file.data.length },
			binary: { [property]: binary },
		};
	});
}
