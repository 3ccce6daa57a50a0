import type { INodeParameters } from 'n8n-workflow';

import {
	addRobot,
	expectFieldError,
	params,
	send,
	sendExpectingError,
	useFakeDingTalk,
} from '../support/robot';
import type { Operation } from '../support/robot';

const fake = useFakeDingTalk();

const card = { title: 'Card', text: 'Body' };
const feedLink = {
	title: 'Entry',
	messageUrl: 'https://example.com/entry',
	picUrl: 'https://example.com/entry.png',
};

/** [operation, fields, parameter the description must name, message pattern] */
const invalidMessages: Array<[string, Operation, INodeParameters, string, RegExp]> = [
	['empty text content', 'sendText', { content: '' }, 'content', /"Content" is empty/],
	['blank text content', 'sendText', { content: ' \n\t ' }, 'content', /"Content" is empty/],
	['empty markdown title', 'sendMarkdown', { title: '', text: 'x' }, 'title', /"Title" is empty/],
	['empty markdown text', 'sendMarkdown', { title: 'x', text: '' }, 'text', /"Text" is empty/],
	[
		'empty link title',
		'sendLink',
		{ title: '', text: 'x', messageUrl: 'https://example.com' },
		'title',
		/"Title" is empty/,
	],
	[
		'link URL without a scheme',
		'sendLink',
		{ title: 't', text: 'x', messageUrl: 'www.example.com/page' },
		'messageUrl',
		/"Message URL" is not a valid URL: www\.example\.com\/page/,
	],
	[
		'link URL with another scheme',
		'sendLink',
		{ title: 't', text: 'x', messageUrl: 'javascript:alert(1)' },
		'messageUrl',
		/not a valid URL/,
	],
	[
		'link picture that is not a web URL',
		'sendLink',
		{ title: 't', text: 'x', messageUrl: 'https://example.com', picUrl: 'ftp://example.com/a.png' },
		'picUrl',
		/"Picture URL" is not a valid URL/,
	],
	[
		'action card without a button title',
		'sendActionCard',
		{ ...card, buttonMode: 'single', singleTitle: '', singleUrl: 'https://example.com' },
		'singleTitle',
		/"Button Title" is empty/,
	],
	[
		'action card with a bad button URL',
		'sendActionCard',
		{ ...card, buttonMode: 'single', singleTitle: 'Go', singleUrl: 'example' },
		'singleUrl',
		/"Button URL" is not a valid URL/,
	],
	[
		'action card with several buttons but none given',
		'sendActionCard',
		{ ...card, buttonMode: 'multiple', buttons: {} },
		'buttons',
		/The card has no buttons/,
	],
	[
		'action card whose second button has a bad URL',
		'sendActionCard',
		{
			...card,
			buttonMode: 'multiple',
			buttons: {
				button: [
					{ title: 'Yes', url: 'https://example.com/yes' },
					{ title: 'No', url: 'not a url' },
				],
			},
		},
		'buttons[1].url',
		/"Button 2 URL" is not a valid URL/,
	],
	[
		'action card whose button has no title',
		'sendActionCard',
		{ ...card, buttonMode: 'multiple', buttons: { button: [{ title: '', url: 'https://e.com' }] } },
		'buttons[0].title',
		/"Button 1 Title" is empty/,
	],
	['feed card without links', 'sendFeedCard', { links: {} }, 'links', /no links/],
	[
		'feed card link without a picture (DingTalk requires picURL)',
		'sendFeedCard',
		{ links: { link: [feedLink, { ...feedLink, picUrl: '' }] } },
		'links[1].picUrl',
		/"Link 2 Picture URL" is empty/,
	],
	[
		'feed card link with a bad message URL',
		'sendFeedCard',
		{ links: { link: [{ ...feedLink, messageUrl: '/relative' }] } },
		'links[0].messageUrl',
		/"Link 1 Message URL" is not a valid URL/,
	],
	[
		'raw JSON that does not parse',
		'sendRaw',
		{ jsonMessage: '{"msgtype": "text", "text": {"content": "x"}' },
		'jsonMessage',
		/"Message JSON" is not valid JSON/,
	],
	[
		'raw JSON with a msgtype robots cannot send',
		'sendRaw',
		{ jsonMessage: '{"msgtype": "image", "image": {"picURL": "https://e.com/a.png"}}' },
		'jsonMessage',
		/"msgtype" is "image"; a robot webhook accepts text, link, markdown, actionCard, feedCard/,
	],
	[
		'raw JSON without msgtype',
		'sendRaw',
		{ jsonMessage: '{"text": {"content": "x"}}' },
		'jsonMessage',
		/"msgtype" is null/,
	],
	[
		'raw JSON without the object of its type',
		'sendRaw',
		{ jsonMessage: '{"msgtype": "markdown", "text": {"content": "x"}}' },
		'jsonMessage',
		/no "markdown" object/,
	],
	[
		'raw JSON that is an array',
		'sendRaw',
		{ jsonMessage: '[]' },
		'jsonMessage',
		/must be an object/,
	],
];

describe('validation before sending', () => {
	it.each(invalidMessages)(
		'%s: NodeOperationError naming item and parameter, nothing sent',
		async (_label, operation, fields, parameter, message) => {
			const error = await sendExpectingError(addRobot(fake()), params(operation, fields));
			expectFieldError(error, { item: 0, parameter, message });
			expect(fake().requests).toHaveLength(0);
		},
	);

	it('names the failing item: the valid item before it is sent, the invalid one is not', async () => {
		const error = await sendExpectingError(
			addRobot(fake()),
			params('sendLink', { title: 'Link', text: 'x', messageUrl: '={{ $json.url }}' }),
			{ items: [{ url: 'https://example.com/ok' }, { url: 'mailto:someone@example.com' }] },
		);
		expectFieldError(error, { item: 1, parameter: 'messageUrl', message: /mailto:/ });
		expect(fake().requests).toHaveLength(1);
		expect(fake().received[0].body.link.messageUrl).toBe('https://example.com/ok');
	});
});

describe('the 20,000-byte limit', () => {
	/** Bytes of a text message body around `content` (the msgUuid is always a 36-character UUID). */
	const bodyBytes = (content: string) =>
		Buffer.byteLength(
			JSON.stringify({ msgtype: 'text', text: { content }, msgUuid: 'x'.repeat(36) }),
			'utf8',
		);

	it('sends a body of exactly 20,000 bytes', async () => {
		const overhead = bodyBytes('');
		const content = 'a'.repeat(20000 - overhead);
		expect(bodyBytes(content)).toBe(20000);
		await send(addRobot(fake()), params('sendText', { content }));
		expect(fake().received).toHaveLength(1);
		expect(Buffer.byteLength(fake().requests[0].rawBody)).toBe(20000);
	});

	it('refuses 20,001 bytes before sending', async () => {
		const content = 'a'.repeat(20001 - bodyBytes(''));
		const error = await sendExpectingError(addRobot(fake()), params('sendText', { content }));
		expectFieldError(error, {
			item: 0,
			parameter: 'content',
			message: /20001 bytes; DingTalk accepts at most 20000 bytes/,
		});
		expect(fake().requests).toHaveLength(0);
	});

	it('counts bytes, not characters (3 bytes per Chinese character)', async () => {
		const error = await sendExpectingError(
			addRobot(fake()),
			params('sendMarkdown', { title: '日报', text: '字'.repeat(6700) }),
		);
		expectFieldError(error, {
			item: 0,
			parameter: 'text',
			message: /DingTalk accepts at most 20000/,
		});
		expect(fake().requests).toHaveLength(0);
	});

	it('applies to raw JSON as well', async () => {
		const jsonMessage = JSON.stringify({ msgtype: 'text', text: { content: 'b'.repeat(20000) } });
		const error = await sendExpectingError(addRobot(fake()), params('sendRaw', { jsonMessage }));
		expectFieldError(error, { item: 0, parameter: 'jsonMessage', message: /bytes/ });
		expect(fake().requests).toHaveLength(0);
	});
});

describe('the credential of a robot target', () => {
	it('is required', async () => {
		const error = await sendExpectingError(undefined, params('sendText', { content: 'x' }));
		expectFieldError(error, {
			item: 0,
			parameter: 'credential',
			message: /No DingTalk Robot API credential/,
		});
	});

	it('needs an access token', async () => {
		const robot = addRobot(fake(), {}, { accessToken: '  ' });
		const error = await sendExpectingError(robot, params('sendText', { content: 'x' }));
		expectFieldError(error, { item: 0, parameter: 'credential', message: /no access token/ });
		expect(fake().requests).toHaveLength(0);
	});

	it('needs an http(s) Base URL', async () => {
		const robot = addRobot(fake(), {}, { baseUrl: 'file:///etc/passwd' });
		const error = await sendExpectingError(robot, params('sendText', { content: 'x' }));
		expectFieldError(error, { item: 0, parameter: 'credential', message: /must be an http\(s\) URL/ });
	});
});
