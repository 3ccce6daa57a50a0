import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	addApp,
	appParams,
	bodyOf,
	GROUP_PATH,
	requestsTo,
	run,
	runExpectingError,
	uploadThroughNode,
	useFakeOpenApi,
} from '../support/app';
import type { TestApp } from '../support/app';

const server = useFakeOpenApi();
const GROUP = 'cid-templates==';

interface Media {
	image: string;
	voice: string;
	video: string;
	file: string;
}

async function uploadAll(app: TestApp): Promise<Media> {
	return {
		image: await uploadThroughNode(app, 'image', 'cover.png', 'image/png'),
		voice: await uploadThroughNode(app, 'voice', 'note.amr', 'audio/amr'),
		video: await uploadThroughNode(app, 'video', 'clip.mp4', 'video/mp4'),
		file: await uploadThroughNode(app, 'file', 'report.xlsx', 'application/vnd.ms-excel'),
	};
}

/** Forgets recorded requests and messages but keeps uploaded media. */
function forgetTraffic() {
	server().fake.requests.length = 0;
	server().openApi.messages.length = 0;
}

/** Sends one group message and returns the msgParam DingTalk received, parsed from its JSON string. */
async function sentParam(app: TestApp, fields: INodeParameters): Promise<IDataObject> {
	const msgKey = fields.msgKey === 'raw' ? fields.rawMsgKey : fields.msgKey;
	const output = await run(app, appParams('sendToGroup', { openConversationId: GROUP, ...fields }));
	const [request] = requestsTo(server(), GROUP_PATH);
	const body = bodyOf(request);
	// msgParam travels as a JSON-encoded string, not as an object.
	expect(typeof body.msgParam).toBe('string');
	expect(body).toMatchObject({ msgKey, openConversationId: GROUP, robotCode: app.appKey });
	const [received] = server().openApi.messages;
	expect(received).toMatchObject({
		via: 'group',
		msgKey,
		openConversationId: GROUP,
	});
	expect(output[0].json).toMatchObject({
		sentTo: 'groupMessages',
		processQueryKey: received.processQueryKey,
		msgKey,
	});
	const param = JSON.parse(body.msgParam as string) as IDataObject;
	expect(received.msgParam).toEqual(param);
	expect(output[0].json.msgParam).toEqual(param);
	return param;
}

const cards = (count: number) => {
	const fields: IDataObject = {};
	for (let index = 1; index <= count; index++) {
		fields[`actionTitle${index}`] = `Choice ${index}`;
		fields[`actionURL${index}`] = `https://example.com/choice/${index}`;
	}
	return fields;
};

type Case = { fields: (media: Media) => INodeParameters; expected: (media: Media) => IDataObject };

const CASES: Record<string, Case> = {
	sampleText: {
		fields: () => ({ content: '导出完成 Export finished' }),
		expected: () => ({ content: '导出完成 Export finished' }),
	},
	sampleMarkdown: {
		fields: () => ({ title: 'Report', text: '#### Done\n> **42** rows' }),
		expected: () => ({ title: 'Report', text: '#### Done\n> **42** rows' }),
	},
	sampleImageMsg: {
		fields: (media) => ({ photoURL: media.image }),
		expected: (media) => ({ photoURL: media.image }),
	},
	sampleLink: {
		fields: (media) => ({
			title: 'Release',
			text: 'What changed',
			messageUrl: 'https://example.com/release',
			picUrl: media.image,
		}),
		expected: (media) => ({
			title: 'Release',
			text: 'What changed',
			messageUrl: 'https://example.com/release',
			picUrl: media.image,
		}),
	},
	sampleActionCard: {
		fields: () => ({
			title: 'Approve?',
			text: 'Release **2.0**',
			singleTitle: 'Open',
			singleURL: 'dingtalk://dingtalkclient/page/link?url=https%3A%2F%2Fexample.com',
		}),
		expected: () => ({
			title: 'Approve?',
			text: 'Release **2.0**',
			singleTitle: 'Open',
			singleURL: 'dingtalk://dingtalkclient/page/link?url=https%3A%2F%2Fexample.com',
		}),
	},
	sampleActionCard2: {
		fields: () => ({ title: 'Pick', text: 'Two', ...cards(2) }),
		expected: () => ({ title: 'Pick', text: 'Two', ...cards(2) }),
	},
	sampleActionCard3: {
		fields: () => ({ title: 'Pick', text: 'Three', ...cards(3) }),
		expected: () => ({ title: 'Pick', text: 'Three', ...cards(3) }),
	},
	sampleActionCard4: {
		fields: () => ({ title: 'Pick', text: 'Four', ...cards(4) }),
		expected: () => ({ title: 'Pick', text: 'Four', ...cards(4) }),
	},
	sampleActionCard5: {
		fields: () => ({ title: 'Pick', text: 'Five', ...cards(5) }),
		expected: () => ({ title: 'Pick', text: 'Five', ...cards(5) }),
	},
	sampleActionCard6: {
		fields: () => ({
			title: 'Deploy?',
			text: 'prod',
			buttonTitle1: 'Yes',
			buttonUrl1: 'https://example.com/yes',
			buttonTitle2: 'No',
			buttonUrl2: 'https://example.com/no',
		}),
		expected: () => ({
			title: 'Deploy?',
			text: 'prod',
			buttonTitle1: 'Yes',
			buttonUrl1: 'https://example.com/yes',
			buttonTitle2: 'No',
			buttonUrl2: 'https://example.com/no',
		}),
	},
	sampleAudio: {
		fields: (media) => ({ mediaId: media.voice, duration: '3000' }),
		expected: (media) => ({ mediaId: media.voice, duration: '3000' }),
	},
	sampleFile: {
		fields: (media) => ({ mediaId: media.file, fileName: '周报.xlsx', fileType: 'xlsx' }),
		expected: (media) => ({ mediaId: media.file, fileName: '周报.xlsx', fileType: 'xlsx' }),
	},
	sampleVideo: {
		fields: (media) => ({
			videoMediaId: media.video,
			videoType: 'mp4',
			duration: '12',
			picMediaId: media.image,
			width: '1280',
			height: '720',
		}),
		expected: (media) => ({
			videoMediaId: media.video,
			videoType: 'mp4',
			duration: '12',
			picMediaId: media.image,
			width: '1280',
			height: '720',
		}),
	},
};

describe('every message template reaches DingTalk with exactly its msgParam fields', () => {
	it.each(Object.keys(CASES))('%s', async (msgKey) => {
		const app = addApp(server(), { groups: [GROUP] });
		const media = await uploadAll(app);
		forgetTraffic();
		const param = await sentParam(app, { msgKey, ...CASES[msgKey].fields(media) });
		expect(param).toEqual(CASES[msgKey].expected(media));
	});

	it('covers all 14 templates DingTalk offers', () => {
		expect(Object.keys(CASES).sort()).toEqual(
			[
				'sampleText',
				'sampleMarkdown',
				'sampleImageMsg',
				'sampleLink',
				'sampleActionCard',
				'sampleActionCard2',
				'sampleActionCard3',
				'sampleActionCard4',
				'sampleActionCard5',
				'sampleActionCard6',
				'sampleAudio',
				'sampleFile',
				'sampleVideo',
			].sort(),
		);
	});

	it('sends a picture URL as photoURL and leaves optional fields out when empty', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		expect(
			await sentParam(app, { msgKey: 'sampleImageMsg', photoURL: 'https://example.com/a.png' }),
		).toEqual({ photoURL: 'https://example.com/a.png' });
		forgetTraffic();
		expect(
			await sentParam(app, {
				msgKey: 'sampleLink',
				title: 'T',
				text: 'S',
				messageUrl: 'https://example.com',
				picUrl: '',
			}),
		).toEqual({ title: 'T', text: 'S', messageUrl: 'https://example.com' });
	});

	it('takes fileType from the file name and videoType defaults to mp4', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const media = await uploadAll(app);
		forgetTraffic();
		const file = await sentParam(app, {
			msgKey: 'sampleFile',
			mediaId: media.file,
			fileName: 'Q3 Report.PDF',
		});
		expect(file).toEqual({ mediaId: media.file, fileName: 'Q3 Report.PDF', fileType: 'pdf' });
		forgetTraffic();
		const video = await sentParam(app, {
			msgKey: 'sampleVideo',
			videoMediaId: media.video,
			duration: '5',
			picMediaId: media.image,
		});
		expect(video).toEqual({
			videoMediaId: media.video,
			videoType: 'mp4',
			duration: '5',
			picMediaId: media.image,
		});
	});

	it('sends the Raw template with its msgParam as a JSON string (object or text given)', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const fromText = await sentParam(app, {
			msgKey: 'raw',
			rawMsgKey: 'sampleMarkdown',
			msgParam: '{"title":"Raw","text":"**bold** 中文"}',
		});
		expect(fromText).toEqual({ title: 'Raw', text: '**bold** 中文' });
		forgetTraffic();
		const fromObject = await sentParam(app, {
			msgKey: 'raw',
			rawMsgKey: 'sampleText',
			msgParam: { content: 'from an object' },
		});
		expect(fromObject).toEqual({ content: 'from an object' });
	});
});

describe('the forms are checked before anything is sent', () => {
	const rejects = async (fields: INodeParameters, parameter: string, message: RegExp) => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			appParams('sendToGroup', { openConversationId: GROUP, ...fields }),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(error.message).toContain('[item 0]');
		expect(error.description).toContain(`(parameter: ${parameter})`);
		expect(server().fake.requests).toHaveLength(0);
	};

	it('a required field left empty', async () => {
		await rejects({ msgKey: 'sampleMarkdown', title: 'Only a title' }, 'text', /"Text" is empty/);
	});

	it('the last button of a five-button card left empty', async () => {
		const fields = { ...cards(5), actionURL5: '' };
		await rejects(
			{ msgKey: 'sampleActionCard5', title: 'T', text: 'x', ...fields },
			'actionURL5',
			/Button 5 URL/,
		);
	});

	it('a button URL that is not a URL', async () => {
		await rejects(
			{
				msgKey: 'sampleActionCard',
				title: 'T',
				text: 'x',
				singleTitle: 'Go',
				singleURL: 'example.com/no-scheme',
			},
			'singleURL',
			/not a valid URL/,
		);
	});

	it('a duration that is not a whole number', async () => {
		await rejects(
			{ msgKey: 'sampleAudio', mediaId: '@lA1', duration: '3.5s' },
			'duration',
			/whole number/,
		);
	});

	it('a file without type and without extension', async () => {
		await rejects(
			{ msgKey: 'sampleFile', mediaId: '@lA1', fileName: 'README' },
			'fileType',
			/File Type/,
		);
	});

	it('msgParam over 15,000 bytes', async () => {
		await rejects({ msgKey: 'sampleText', content: '长'.repeat(5001) }, 'msgParam', /15000/);
	});

	it('raw msgParam that is not JSON, or not an object', async () => {
		await rejects(
			{ msgKey: 'raw', rawMsgKey: 'sampleText', msgParam: '{content: hi}' },
			'msgParam',
			/not valid JSON/,
		);
		await rejects(
			{ msgKey: 'raw', rawMsgKey: 'sampleText', msgParam: '["a"]' },
			'msgParam',
			/JSON object/,
		);
	});

	it('an empty conversation ID', async () => {
		await rejects(
			{ openConversationId: ' ', msgKey: 'sampleText', content: 'x' },
			'openConversationId',
			/Conversation ID/,
		);
	});
});

describe('DingTalk’s own template checks', () => {
	it('a raw msgKey that is not a template is refused with a hint listing the templates', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			appParams('sendToGroup', {
				openConversationId: GROUP,
				msgKey: 'raw',
				rawMsgKey: 'sampleFeedCard',
				msgParam: '{"title":"x"}',
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('(invalidParameter.msgKey.invalid)');
		expect(error.description).toMatch(/sampleActionCard2 to 6/);
		expect((error as NodeApiError).httpCode).toBe('400');
	});

	it('a raw msgParam missing a field of the template is refused', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			appParams('sendToGroup', {
				openConversationId: GROUP,
				msgKey: 'raw',
				rawMsgKey: 'sampleActionCard6',
				msgParam: { title: 'T', text: 'x', buttonTitle1: 'A', buttonUrl1: 'https://a' },
			}),
		);
		expect(error.message).toContain('(invalidParameter.msgParam.invalid)');
		expect(error.message).toContain('buttonTitle2');
		expect(error.description).toMatch(/every field of the template/);
		expect(server().openApi.messages).toHaveLength(0);
	});

	it('a file message whose mediaId is an image is refused', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const media = await uploadAll(app);
		const error = await runExpectingError(
			app,
			appParams('sendToGroup', {
				openConversationId: GROUP,
				msgKey: 'sampleFile',
				mediaId: media.image,
				fileName: 'a.pdf',
			}),
		);
		expect(error.message).toContain('(invalidParameter.msgParam.invalid)');
	});
});
