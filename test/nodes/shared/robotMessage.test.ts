import type { IDataObject } from 'n8n-workflow';

import {
	buildRobotMessageItem,
	readRobotMessageReference,
	ROBOT_MESSAGE_REFERENCE_FIX,
	RobotMessageReferenceError,
	type RobotCallbackBody,
} from '../../../nodes/shared/robotMessage';
import { DOCUMENTED_TEXT_ITEM } from '../DingTalkTrigger/support/documentedPayloads';
import { sampleRobotBody } from '../DingTalkTrigger/support/requests';

/** The text message of DingTalk's documentation (protocol notes §2.1), with sample IDs. */
const DOCUMENTED_TEXT = sampleRobotBody() as RobotCallbackBody;

describe('buildRobotMessageItem', () => {
	it('gives the documented text message exactly this item', () => {
		expect(buildRobotMessageItem(DOCUMENTED_TEXT)).toEqual(DOCUMENTED_TEXT_ITEM);
	});

	it('adds the unchanged body as raw only when asked', () => {
		expect(buildRobotMessageItem(DOCUMENTED_TEXT, { includeRaw: true }).raw).toBe(DOCUMENTED_TEXT);
		expect(buildRobotMessageItem(DOCUMENTED_TEXT)).not.toHaveProperty('raw');
	});

	it.each<[string, IDataObject, string, string[]]>([
		['picture', { downloadCode: 'd1', pictureDownloadCode: 'p1' }, '', ['d1', 'p1']],
		[
			'richText',
			{ richText: [{ text: 'see ' }, { type: 'picture', downloadCode: 'd2' }, { text: 'this' }] },
			'see \nthis',
			['d2'],
		],
		['audio', { downloadCode: 'd3', recognition: ' hello ', duration: 4000 }, 'hello', ['d3']],
		['video', { downloadCode: 'd4', videoType: 'mp4', duration: '5' }, '', ['d4']],
		['file', { downloadCode: 'd5', fileName: '表格.xlsx' }, '', ['d5']],
	])('reads the text and download codes of a %s message', (msgtype, content, text, codes) => {
		const item = buildRobotMessageItem({ ...DOCUMENTED_TEXT, msgtype, text: undefined, content });
		expect(item).toMatchObject({ messageType: msgtype, text, downloadCodes: codes, content });
	});

	it('tolerates a body without the usual fields', () => {
		expect(buildRobotMessageItem({})).toMatchObject({
			messageId: '',
			messageType: 'unknown',
			text: '',
			createdAt: null,
			conversation: { id: '', type: 'unknown', title: '' },
			sessionWebhookExpiresAt: null,
			atUsers: [],
		});
	});
});

describe('readRobotMessageReference', () => {
	const expected = {
		conversationId: 'cid6EUxxxxsg==',
		conversationType: 'group',
		senderStaffId: '0147xxxx8602',
		sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=66d7c695a9xxxxdeb885',
		sessionWebhookExpiresAt: 1708332604316,
		robotCode: 'dingoxxxxdm3k',
	};

	it('reads the same from a trigger item as from the raw body it was built from', () => {
		const item = buildRobotMessageItem(DOCUMENTED_TEXT);
		expect(readRobotMessageReference(item)).toEqual(expected);
		expect(readRobotMessageReference(DOCUMENTED_TEXT)).toEqual(expected);
	});

	it('reads the same from single chats, and from either as a JSON string', () => {
		const body = { ...DOCUMENTED_TEXT, conversationType: '1' };
		const single = { ...expected, conversationType: 'single' };
		expect(readRobotMessageReference(buildRobotMessageItem(body))).toEqual(single);
		expect(readRobotMessageReference(body)).toEqual(single);
		expect(readRobotMessageReference(JSON.stringify(buildRobotMessageItem(body)))).toEqual(single);
		expect(readRobotMessageReference(JSON.stringify(body))).toEqual(single);
	});

	it('trims values, reads numbers and digit strings, and keeps unknown types unknown', () => {
		expect(
			readRobotMessageReference({
				conversationId: ' cid ',
				conversationType: 2,
				senderStaffId: ' staff ',
				sessionWebhook: ' https://oapi.dingtalk.com/robot/sendBySession?session=s ',
				sessionWebhookExpiredTime: ' 1708332604316 ',
				robotCode: 7,
			}),
		).toEqual({
			conversationId: 'cid',
			conversationType: 'group',
			senderStaffId: 'staff',
			sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=s',
			sessionWebhookExpiresAt: 1708332604316,
			robotCode: '7',
		});
		expect(readRobotMessageReference({ conversationId: 'c', conversationType: '3' })).toMatchObject(
			{ conversationType: 'unknown', sessionWebhookExpiresAt: null, sessionWebhook: '' },
		);
	});

	it('prefers the trigger item fields when a value has both spellings', () => {
		const mixed = {
			conversation: { id: 'from-item', type: 'single' },
			conversationId: 'from-body',
			conversationType: '2',
			sender: { staffId: 'item-staff' },
			senderStaffId: 'body-staff',
			sessionWebhookExpiresAt: 1,
			sessionWebhookExpiredTime: 2,
		};
		expect(readRobotMessageReference(mixed)).toMatchObject({
			conversationId: 'from-item',
			conversationType: 'single',
			senderStaffId: 'item-staff',
			sessionWebhookExpiresAt: 1,
		});
	});

	it.each([
		['an empty object', {}],
		['a string that is not JSON', 'hello'],
		['a JSON array', '[1]'],
		['null', null],
		['an item without webhook or conversation', { sender: { staffId: 's' } }],
	])('refuses %s with an error naming the field and the fix', (_name, value) => {
		let error: unknown;
		try {
			readRobotMessageReference(value);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(RobotMessageReferenceError);
		expect(error).toBeInstanceOf(Error);
		expect(error).toMatchObject({
			name: 'RobotMessageReferenceError',
			field: 'incomingMessage',
			message:
				'"Incoming Message" is not a DingTalk robot message: it has no sessionWebhook and no conversation ID',
			fix: ROBOT_MESSAGE_REFERENCE_FIX,
		});
	});

	it('names another field when told', () => {
		expect(() => readRobotMessageReference({}, 'message')).toThrow(
			expect.objectContaining({ field: 'message' }),
		);
	});
});
