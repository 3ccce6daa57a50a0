import { randomBytes } from 'node:crypto';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	addApp,
	appParams,
	binaryItem,
	bodyOf,
	requestsTo,
	run,
	runExpectingError,
	TOKEN_PATH,
	useFakeOpenApi,
} from '../../support/app';
import type { TestApp } from '../../support/app';

const server = useFakeOpenApi({ openApi: { downloadUrlTtlMs: 60_000 } });
const DOWNLOAD_PATH = '/v1.0/robot/messageFiles/download';

function uploads() {
	return requestsTo(server(), '/media/upload');
}

describe('Upload Media', () => {
	let app: TestApp;
	beforeEach(() => {
		app = addApp(server());
	});

	it.each([
		['image', 'chart.png', 'image/png'],
		['voice', 'note.amr', 'audio/amr'],
		['video', 'clip.mp4', 'video/mp4'],
		['file', '季度报告.pdf', 'application/pdf'],
	] as const)(
		'stores a %s as multipart "media" and returns its mediaId',
		async (mediaType, fileName, mimeType) => {
			const data = randomBytes(2048);
			const output = await run(
				app,
				appParams('uploadMedia', { binaryPropertyName: 'data', mediaType }),
				{
					inputItems: [binaryItem(data, fileName, mimeType)],
				},
			);
			const [request] = uploads();
			// The older API takes the app token in the query, and the type next to it.
			expect(request.query.type).toBe(mediaType);
			expect(request.query.access_token).toBe(
				requestsTo(server(), TOKEN_PATH)[0].response.accessToken,
			);
			expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);

			const mediaId = output[0].json.mediaId as string;
			const stored = server().openApi.media.get(mediaId)!;
			expect(stored).toMatchObject({ type: mediaType, fileName, contentType: mimeType });
			expect(stored.data.equals(data)).toBe(true);
			expect(output[0].json).toEqual({
				mediaId,
				mediaType,
				fileName,
				fileType: fileName.split('.').pop(),
				mimeType,
				fileSize: 2048,
				createdAt: stored.uploadedAt,
			});
			expect(mediaId.startsWith('@')).toBe(true);
		},
	);

	it('stores under the File Name option, from another binary field', async () => {
		const output = await run(
			app,
			appParams(
				'uploadMedia',
				{ binaryPropertyName: 'attachment', mediaType: 'file' },
				{ fileName: 'renamed.xlsx' },
			),
			{
				inputItems: [
					binaryItem(Buffer.from('x'), 'upload.bin', 'application/octet-stream', 'attachment'),
				],
			},
		);
		expect(output[0].json).toMatchObject({ fileName: 'renamed.xlsx', fileType: 'xlsx' });
		expect(server().openApi.media.get(output[0].json.mediaId as string)?.fileName).toBe(
			'renamed.xlsx',
		);
	});

	it('passes DingTalk’s refusal on with a hint (a format the media type does not accept)', async () => {
		const error = await runExpectingError(
			app,
			appParams('uploadMedia', { binaryPropertyName: 'data', mediaType: 'voice' }),
			{ inputItems: [binaryItem(Buffer.from('x'), 'notes.txt', 'text/plain')] },
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('(errcode 40006)');
		expect(error.message).toContain('不合法的文件格式');
		expect(error.description).toMatch(/voice amr\/mp3\/wav\/ogg/);
	});

	it('refreshes the token once when the upload says it expired (42001)', async () => {
		await run(app, appParams('uploadMedia', { binaryPropertyName: 'data', mediaType: 'image' }), {
			inputItems: [binaryItem(Buffer.from('1'), 'a.png', 'image/png')],
		});
		server().openApi.expireTokens();
		const output = await run(
			app,
			appParams('uploadMedia', { binaryPropertyName: 'data', mediaType: 'image' }),
			{
				inputItems: [binaryItem(Buffer.from('2'), 'b.png', 'image/png')],
			},
		);
		expect(uploads().map((request) => request.response.errcode)).toEqual([0, 42001, 0]);
		expect(requestsTo(server(), TOKEN_PATH)).toHaveLength(2);
		expect(output[0].json.mediaId).toBeDefined();
	});

	it('fails clearly when the item has no such binary field', async () => {
		const error = await runExpectingError(
			app,
			appParams('uploadMedia', { binaryPropertyName: 'missing', mediaType: 'image' }),
			{ inputItems: [binaryItem(Buffer.from('x'), 'a.png', 'image/png')] },
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/missing/);
		expect(uploads()).toHaveLength(0);
	});
});

describe('Download File', () => {
	let app: TestApp;
	beforeEach(() => {
		app = addApp(server());
	});

	it('round trip: uploaded bytes come back unchanged as binary data', async () => {
		const data = randomBytes(4096);
		const uploaded = await run(
			app,
			appParams('uploadMedia', { binaryPropertyName: 'data', mediaType: 'file' }),
			{
				inputItems: [binaryItem(data, 'backup.zip', 'application/zip')],
			},
		);
		// A user sends that file to the robot; the trigger item carries its download code.
		const downloadCode = server().openApi.incomingFileFromMedia(
			uploaded[0].json.mediaId as string,
			app.appKey,
		);
		const output = await run(
			app,
			appParams(
				'downloadFile',
				{ binaryPropertyName: 'file' },
				{ fileName: '={{ $json.content.fileName }}' },
			),
			{
				items: [
					{
						messageType: 'file',
						downloadCodes: [downloadCode],
						content: { fileName: 'backup.zip' },
					},
				],
			},
		);

		expect(bodyOf(requestsTo(server(), DOWNLOAD_PATH)[0])).toEqual({
			downloadCode,
			robotCode: app.appKey,
		});
		const fileRequest = requestsTo(server(), '/fake-oss/download')[0];
		expect(fileRequest.headers['x-acs-dingtalk-access-token']).toBeUndefined();
		const binary = output[0].binary!.file;
		expect(Buffer.from(binary.data, 'base64').equals(data)).toBe(true);
		expect(binary).toMatchObject({ fileName: 'backup.zip', mimeType: 'application/zip' });
		expect(output[0].json).toEqual({
			downloadCode,
			robotCode: app.appKey,
			fileName: 'backup.zip',
			mimeType: 'application/zip',
			fileSize: 4096,
		});
	});

	it('names a picture from its content type when no name is given', async () => {
		const picture = Buffer.from('89504e470d0a1a0a', 'hex');
		const downloadCode = server().openApi.addIncomingFile({
			robotCode: app.appKey,
			data: picture,
			contentType: 'image/png',
		});
		const output = await run(app, appParams('downloadFile', {}), {
			items: [{ messageType: 'picture', downloadCodes: [downloadCode] }],
		});
		expect(output[0].binary!.data).toMatchObject({ fileName: 'file.png', mimeType: 'image/png' });
		expect(Buffer.from(output[0].binary!.data.data, 'base64').equals(picture)).toBe(true);
	});

	it('an unknown download code is refused with a hint', async () => {
		const error = await runExpectingError(
			app,
			appParams('downloadFile', { downloadCode: 'dc_unknown' }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('(invalidParameter.downloadCode.invalid)');
		expect(error.description).toMatch(/downloadCodes of the DingTalk Trigger item/);
	});

	it('an empty download code is refused before any request', async () => {
		const error = await runExpectingError(app, appParams('downloadFile', {}), {
			items: [{ messageType: 'text', downloadCodes: [] }],
		});
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.description).toContain('(parameter: downloadCode)');
		expect(server().fake.requests).toHaveLength(0);
	});
});

describe('Download File with a download URL that has already expired', () => {
	const expiring = useFakeOpenApi({ openApi: { downloadUrlTtlMs: 0 } });

	it('fails with the HTTP status and advice', async () => {
		const app = addApp(expiring());
		const downloadCode = expiring().openApi.addIncomingFile({
			robotCode: app.appKey,
			data: Buffer.from('x'),
			contentType: 'text/plain',
		});
		const error = await runExpectingError(app, appParams('downloadFile', { downloadCode }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/The download URL answered HTTP 403/);
		expect(error.description).toMatch(/temporary/);
	});
});
