import { NodeApiError } from 'n8n-workflow';

import { addRobot, params, send, sendExpectingError, useFakeDingTalk } from '../support/robot';

const fake = useFakeDingTalk({ bannedWords: ['赌博'] });

describe('output items', () => {
	it('hold DingTalk’s answer, msgUuid, sentTo, attempts and the message as sent', async () => {
		const robot = addRobot(fake());
		const output = await send(robot, params('sendText', { content: 'hello', atUserIds: 'ops' }));
		expect(output).toEqual([
			{
				json: {
					errcode: 0,
					errmsg: 'ok',
					msgUuid: expect.any(String),
					sentTo: 'robotWebhook',
					attempts: 1,
					message: {
						msgtype: 'text',
						text: { content: 'hello @ops' },
						at: { atUserIds: ['ops'] },
						msgUuid: output[0].json.msgUuid,
					},
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('leave the message out with "Include Sent Message" off', async () => {
		const robot = addRobot(fake());
		const output = await send(
			robot,
			params('sendText', { content: 'hello' }, { includeMessage: false }),
		);
		expect(Object.keys(output[0].json).sort()).toEqual(
			['attempts', 'errcode', 'errmsg', 'msgUuid', 'sentTo'].sort(),
		);
		expect(fake().received).toHaveLength(1);
	});

	it('keep any further field of DingTalk’s answer', async () => {
		const robot = addRobot(fake());
		fake().injectFaults({
			status: 200,
			body: '{"errcode":0,"errmsg":"ok","processQueryKey":"pqk-1"}',
		});
		const output = await send(robot, params('sendText', { content: 'hello' }));
		expect(output[0].json).toMatchObject({ errcode: 0, processQueryKey: 'pqk-1' });
	});

	it('pair every item with its input, whatever the operation', async () => {
		const robot = addRobot(fake());
		const output = await send(
			robot,
			params('sendLink', {
				title: '={{ $json.title }}',
				text: 'x',
				messageUrl: 'https://example.com',
			}),
			{ items: [{ title: 'a' }, { title: 'b' }, { title: 'c' }] },
		);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(fake().received.map((message) => message.body.link.title)).toEqual(['a', 'b', 'c']);
	});
});

describe('continueOnFail', () => {
	const items = [
		{ content: 'first ok' },
		{ content: '' },
		{ content: '赌博 offer' },
		{ content: 'last ok' },
	];

	it('turns failing items into { error, code, dingTalkMessage, description } and sends the others', async () => {
		const robot = addRobot(fake());
		const output = await send(robot, params('sendText', { content: '={{ $json.content }}' }), {
			items,
			continueOnFail: true,
		});

		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(output[0].json).toMatchObject({ errcode: 0, errmsg: 'ok', attempts: 1 });
		expect(output[1].json).toEqual({
			error: '"Content" is empty [item 1]',
			code: null,
			dingTalkMessage: null,
			description: expect.stringContaining('(parameter: content)'),
		});
		expect(output[2].json).toEqual({
			error: 'DingTalk rejected the message: 含有不合适的文本 (errcode 430102) [item 2]',
			code: 430102,
			dingTalkMessage: '含有不合适的文本',
			description: expect.stringMatching(/content-safety/),
		});
		expect(output[3].json).toMatchObject({ errcode: 0, errmsg: 'ok' });
		expect(fake().received.map((message) => message.body.text.content)).toEqual([
			'first ok',
			'last ok',
		]);
	});

	it('without it, the first failing item stops the node and later items are not sent', async () => {
		const robot = addRobot(fake());
		const error = await sendExpectingError(
			robot,
			params('sendText', { content: '={{ $json.content }}' }),
			{ items: [items[0], items[2], items[3]] },
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).context.itemIndex).toBe(1);
		expect(fake().received.map((message) => message.body.text.content)).toEqual(['first ok']);
		expect(fake().requests).toHaveLength(2);
	});
});

describe('several items', () => {
	it('sends one message per item, each from its own expressions, with pairedItem', async () => {
		const robot = addRobot(fake());
		const output = await send(
			robot,
			params('sendText', { content: '=Disk {{ $json.disk }} is {{ $json.used }}% full' }),
			{
				items: [
					{ disk: '/var', used: 91 },
					{ disk: '/home', used: 97 },
				],
			},
		);
		expect(fake().received.map((message) => message.body.text)).toEqual([
			{ content: 'Disk /var is 91% full' },
			{ content: 'Disk /home is 97% full' },
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const uuids = output.map((item) => item.json.msgUuid);
		expect(new Set(uuids).size).toBe(2);
		expect(fake().received.map((message) => message.msgUuid)).toEqual(uuids);
	});
});

describe('reading ahead (the next item is prepared while a request is in flight)', () => {
	it('still sends one request at a time, in item order, when DingTalk answers slowly', async () => {
		const robot = addRobot(fake());
		fake().injectFaults({ delayMs: 150 }, { delayMs: 50 });
		const output = await send(robot, params('sendText', { content: '={{ $json.content }}' }), {
			items: ['first', 'second', 'third', 'fourth'].map((content) => ({ content })),
		});
		expect(fake().received.map((message) => message.body.text.content)).toEqual([
			'first',
			'second',
			'third',
			'fourth',
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});

	it('sends nothing after an item whose message is invalid, although the next one was ready', async () => {
		const robot = addRobot(fake());
		fake().injectFaults({ delayMs: 100 });
		const error = await sendExpectingError(
			robot,
			params('sendText', { content: '={{ $json.content }}' }),
			{ items: [{ content: 'sent' }, { content: '' }, { content: 'never sent' }] },
		);
		expect(error.message).toBe('"Content" is empty [item 1]');
		// Let a wrongly queued send happen before looking.
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(fake().received.map((message) => message.body.text.content)).toEqual(['sent']);
	});
});
