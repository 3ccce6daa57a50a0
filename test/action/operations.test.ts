import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { addRobot, params, send, useFakeDingTalk } from './support';
import type { Operation } from './support';

const fake = useFakeDingTalk();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Sends one message through a signed robot and returns the body the fake accepted. */
async function acceptedBody(operation: Operation, fields: INodeParameters) {
	const robot = addRobot(fake(), { secret: 'SEC-operations-secret' });
	const output = await send(robot, params(operation, fields));
	expect(fake().received).toHaveLength(1);
	const [received] = fake().received;
	expect(received).toMatchObject({ via: 'robot', token: robot.token });
	expect(output).toHaveLength(1);
	expect(output[0].json).toMatchObject({ errcode: 0, errmsg: 'ok', sentTo: 'robotWebhook' });
	// What the node reports as sent is exactly what DingTalk received.
	expect(output[0].json.message).toEqual(received.body);
	expect(received.body.msgUuid).toMatch(UUID);
	const { msgUuid, ...body } = received.body as IDataObject;
	expect(output[0].json.msgUuid).toBe(msgUuid);
	return body;
}

describe('every operation puts exactly the documented fields on the wire', () => {
	it('sendText', async () => {
		const body = await acceptedBody('sendText', { content: 'Deployment finished 部署完成' });
		expect(body).toEqual({ msgtype: 'text', text: { content: 'Deployment finished 部署完成' } });
	});

	it('sendMarkdown', async () => {
		const text = '#### Build failed\n> [Open the log](https://ci.example.com/42)\n- **step** lint';
		const body = await acceptedBody('sendMarkdown', { title: 'Build #42 failed', text });
		expect(body).toEqual({ msgtype: 'markdown', markdown: { title: 'Build #42 failed', text } });
	});

	it('sendLink with a picture (messageUrl / picUrl, lower-case rl)', async () => {
		const body = await acceptedBody('sendLink', {
			title: 'Release notes 2.0',
			text: 'What changed in this release',
			messageUrl: 'https://example.com/release-notes',
			picUrl: 'https://example.com/cover.png',
		});
		expect(body).toEqual({
			msgtype: 'link',
			link: {
				title: 'Release notes 2.0',
				text: 'What changed in this release',
				messageUrl: 'https://example.com/release-notes',
				picUrl: 'https://example.com/cover.png',
			},
		});
	});

	it('sendLink without a picture leaves picUrl out, and accepts a dingtalk:// client link', async () => {
		const messageUrl =
			'dingtalk://dingtalkclient/page/link?url=https%3A%2F%2Fexample.com&pc_slide=false';
		const body = await acceptedBody('sendLink', { title: 'Open', text: 'outside', messageUrl });
		expect(body).toEqual({ msgtype: 'link', link: { title: 'Open', text: 'outside', messageUrl } });
	});

	it('sendActionCard with a single button, horizontal, avatar hidden', async () => {
		const body = await acceptedBody('sendActionCard', {
			title: 'Approve the release?',
			text: '![screenshot](https://example.com/s.png)\n#### Release 2.0',
			buttonMode: 'single',
			singleTitle: 'Read more',
			singleUrl: 'https://example.com/release',
			btnOrientation: '1',
			hideAvatar: true,
		});
		expect(body).toEqual({
			msgtype: 'actionCard',
			actionCard: {
				title: 'Approve the release?',
				text: '![screenshot](https://example.com/s.png)\n#### Release 2.0',
				singleTitle: 'Read more',
				singleURL: 'https://example.com/release',
				btnOrientation: '1',
				hideAvatar: '1',
			},
		});
	});

	it('sendActionCard with several buttons (btns[].actionURL), vertical, avatar shown', async () => {
		const body = await acceptedBody('sendActionCard', {
			title: 'Coffee shop',
			text: 'Do you like it?',
			buttonMode: 'multiple',
			buttons: {
				button: [
					{ title: '内容不错', url: 'https://example.com/yes' },
					{ title: '不感兴趣', url: 'https://example.com/no' },
				],
			},
			btnOrientation: '0',
			hideAvatar: false,
		});
		expect(body).toEqual({
			msgtype: 'actionCard',
			actionCard: {
				title: 'Coffee shop',
				text: 'Do you like it?',
				btns: [
					{ title: '内容不错', actionURL: 'https://example.com/yes' },
					{ title: '不感兴趣', actionURL: 'https://example.com/no' },
				],
				btnOrientation: '0',
				hideAvatar: '0',
			},
		});
	});

	it('sendFeedCard (links[].messageURL / picURL, upper-case URL)', async () => {
		const body = await acceptedBody('sendFeedCard', {
			links: {
				link: [
					{
						title: '时代的火车向前开1',
						messageUrl: 'https://example.com/1',
						picUrl: 'https://example.com/1.png',
					},
					{
						title: 'Second',
						messageUrl: 'https://example.com/2',
						picUrl: 'https://example.com/2.png',
					},
				],
			},
		});
		expect(body).toEqual({
			msgtype: 'feedCard',
			feedCard: {
				links: [
					{
						title: '时代的火车向前开1',
						messageURL: 'https://example.com/1',
						picURL: 'https://example.com/1.png',
					},
					{
						title: 'Second',
						messageURL: 'https://example.com/2',
						picURL: 'https://example.com/2.png',
					},
				],
			},
		});
	});

	it('sendRaw posts the JSON as written (plus a msgUuid)', async () => {
		const message = {
			msgtype: 'actionCard',
			actionCard: {
				title: 'Raw card',
				text: 'from JSON',
				singleTitle: 'Go',
				singleURL: 'https://example.com/go',
			},
		};
		const body = await acceptedBody('sendRaw', { jsonMessage: JSON.stringify(message, null, 2) });
		expect(body).toEqual(message);
	});

	it('sendRaw takes an object from an expression', async () => {
		const robot = addRobot(fake());
		const message = { msgtype: 'markdown', markdown: { title: 'T', text: 'from an expression' } };
		await send(robot, params('sendRaw', { jsonMessage: '={{ $json.message }}' }), {
			items: [{ message }],
		});
		const { msgUuid, ...body } = fake().received[0].body;
		expect(msgUuid).toMatch(UUID);
		expect(body).toEqual(message);
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
