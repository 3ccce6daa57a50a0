import type { INodeParameters } from 'n8n-workflow';

import type { ReceivedMessage } from '../../../fake-dingtalk';
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

/** A robot whose security setting is custom keywords; the credential lists the same ones. */
function keywordRobot() {
	return addRobot(fake(), { keywords: ['alert', '告警'] }, { keywords: 'alert, 告警' });
}

const messages: Array<[Operation, INodeParameters, (body: ReceivedMessage['body']) => string]> = [
	['sendText', { content: 'disk full' }, (body) => body.text.content],
	['sendMarkdown', { title: 'Disk', text: '#### disk full' }, (body) => body.markdown.text],
	[
		'sendLink',
		{ title: 'Disk', text: 'disk full', messageUrl: 'https://example.com/disk' },
		(body) => body.link.text,
	],
	[
		'sendActionCard',
		{
			title: 'Disk',
			text: 'disk full',
			buttonMode: 'single',
			singleTitle: 'Open',
			singleUrl: 'https://example.com/disk',
		},
		(body) => body.actionCard.text,
	],
	[
		'sendFeedCard',
		{
			links: {
				link: [
					{
						title: 'disk full',
						messageUrl: 'https://example.com/disk',
						picUrl: 'https://example.com/disk.png',
					},
				],
			},
		},
		(body) => body.feedCard.links[0].title,
	],
];

describe('security keywords of the credential', () => {
	it.each(messages)(
		'%s: appends the first keyword when the message has none, and the robot accepts it',
		async (operation, fields, visible) => {
			await send(keywordRobot(), params(operation, fields));
			expect(fake().received).toHaveLength(1);
			expect(visible(fake().received[0].body)).toMatch(/disk full\s+alert$/);
		},
	);

	it('leaves a message that already contains a keyword unchanged', async () => {
		await send(keywordRobot(), params('sendText', { content: '告警: disk full' }));
		expect(fake().received[0].body.text.content).toBe('告警: disk full');
	});

	it('appends the keyword after the inserted @ so both work', async () => {
		await send(keywordRobot(), params('sendText', { content: 'disk full', atUserIds: 'ops1' }));
		expect(fake().received[0].body.text.content).toBe('disk full @ops1 alert');
		expect(fake().received[0].notified.userIds).toEqual(['ops1']);
	});

	it('"Missing Keyword: Fail the Item" fails before any request is sent', async () => {
		const error = await sendExpectingError(
			keywordRobot(),
			params('sendText', { content: 'disk full' }, { missingKeyword: 'fail' }),
		);
		expectFieldError(error, {
			item: 0,
			parameter: 'keywords',
			message: /none of the robot's keywords \(alert, 告警\)/,
		});
		expect(fake().requests).toHaveLength(0);
	});

	it('"Fail the Item" still sends a message that contains a keyword', async () => {
		await send(
			keywordRobot(),
			params('sendText', { content: 'alert: disk full' }, { missingKeyword: 'fail' }),
		);
		expect(fake().received).toHaveLength(1);
	});

	it('adds nothing when the credential has no keywords (and the robot then refuses)', async () => {
		const robot = addRobot(fake(), { keywords: ['alert'] });
		const error = await sendExpectingError(robot, params('sendText', { content: 'disk full' }));
		expect(error.message).toContain('keywords not in content');
		expect(JSON.parse(fake().requests[0].rawBody).text.content).toBe('disk full');
		expect(fake().received).toHaveLength(0);
	});

	it('does not append keywords to a session webhook reply (no keyword check there)', async () => {
		const robot = keywordRobot();
		const sessionWebhook = fake().addSession(Date.now() + 60_000);
		await send(
			robot,
			params('sendText', { sendTo: 'sessionWebhook', content: 'pong', sessionWebhook }),
		);
		expect(fake().received).toHaveLength(1);
		expect(fake().received[0]).toMatchObject({
			via: 'session',
			body: { text: { content: 'pong' } },
		});
	});
});
