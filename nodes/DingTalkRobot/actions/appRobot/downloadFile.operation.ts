import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkDownloadUrl, fileNameFrom } from '../../domain/files';
import { dingTalkError } from '../../transport/errors';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText, robotCodeOf } from '../openApiItem';
import { retryOptions, robotCodeOption } from './appRobot.descriptions';

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

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const downloadCode = requiredText(this, itemIndex, 'downloadCode', 'Download Code');
	const property = requiredText(
		this,
		itemIndex,
		'binaryPropertyName',
		'Put Output File in Field',
		'data',
	);
	const client = await openApiClient(this, itemIndex, run);
	const robotCode = robotCodeOf(options, client.app.appKey);
	const reply = await client.post(
		DOWNLOAD_PATH,
		{ downloadCode, robotCode },
		{ ...readRetryOptions(options), what: 'DingTalk did not give a download URL' },
	);
	const url = checkDownloadUrl(reply.downloadUrl);
	const file = await client.download(url);
	if (file.statusCode !== 200) {
		throw dingTalkError(this.getNode(), itemIndex, {
			message: `The download URL answered HTTP ${file.statusCode}`,
			hint: 'DingTalk’s download URLs are temporary. Run the node again to get a fresh one.',
			code: `HTTP ${file.statusCode}`,
			httpCode: file.statusCode,
		});
	}
	const mimeType = (file.contentType ?? 'application/octet-stream').split(';')[0].trim();
	const fileName =
		String(options.fileName ?? '').trim() || fileNameFrom(file.contentDisposition, mimeType);
	const binary = await this.helpers.prepareBinaryData(file.data, fileName, mimeType);
	return {
		json: { downloadCode, robotCode, fileName, mimeType, fileSize: file.data.length },
		binary: { [property]: binary },
	};
}
