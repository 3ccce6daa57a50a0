import { WebSocket } from 'ws';

import { FakeCards, FakeOpenApi } from './index';
import { sandboxCards } from './sandboxCards';
import { startSandbox, type RunningSandbox } from './startSandbox';
import { GATEWAY_OPEN_PATH, type StreamFrameSent } from './streamGateway';
import { postJson } from './testClient';

describe('sandbox cards', () => {
	let sandbox: RunningSandbox;
	let cards: FakeCards;
	let socket: WebSocket | undefined;
	const GROUP = 'cidSandboxCards==';

	beforeAll(async () => {
		sandbox = await startSandbox();
		const { appKey, appSecret } = sandbox.secrets;
		const openApi = new FakeOpenApi({ apps: [{ appKey, appSecret, groups: [GROUP] }] });
		cards = new FakeCards(openApi, { acceptAnyTemplate: true, gateway: sandbox.stream });
		sandbox.fake.use(openApi).use(cards).use(sandboxCards(cards, appKey));
	});
	afterAll(async () => {
		socket?.close();
		await sandbox.stop();
	});

	async function sendCard(outTrackId: string, callbackType?: string) {
		const base = sandbox.fake.baseUrl;
		const { appKey, appSecret } = sandbox.secrets;
		const token = (await postJson(`${base}/v1.0/oauth2/accessToken`, { appKey, appSecret })).json
			.accessToken as string;
		const response = await fetch(`${base}/v1.0/card/instances/createAndDeliver`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': token },
			body: JSON.stringify({
				cardTemplateId: 'any-template.schema',
				outTrackId,
				callbackType,
				cardData: { cardParamMap: { title: 'Disk full' } },
				openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
				imGroupOpenDeliverModel: { robotCode: appKey },
			}),
		});
		expect(response.status).toBe(200);
	}

	it('accepts any template, lists the card and turns a stand-in click into a callback', async () => {
		await sendCard('alert-1', 'STREAM');
		const listed = (await (await fetch(`${sandbox.fake.baseUrl}/sandbox/cards`)).json()) as {
			cards: unknown[];
		};
		expect(listed.cards).toEqual([
			expect.objectContaining({
				outTrackId: 'alert-1',
				callbackType: 'STREAM',
				spaceId: GROUP,
				publicData: { title: 'Disk full' },
			}),
		]);

		const opened = await postJson(`${sandbox.fake.baseUrl}${GATEWAY_OPEN_PATH}`, {
			clientId: sandbox.secrets.appKey,
			clientSecret: sandbox.secrets.appSecret,
			subscriptions: [{ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' }],
		});
		const frames: StreamFrameSent[] = [];
		socket = new WebSocket(`${opened.json.endpoint}?ticket=${opened.json.ticket}`);
		socket.on('message', (data) => {
			const frame = JSON.parse(data.toString()) as StreamFrameSent;
			frames.push(frame);
			const response = { cardData: { cardParamMap: { status: 'acked' } } };
			socket!.send(
				JSON.stringify({
					code: 200,
					headers: { contentType: 'application/json', messageId: frame.headers.messageId },
					message: 'OK',
					data: JSON.stringify({ response }),
				}),
			);
		});
		await new Promise((resolve) => socket!.once('open', resolve));

		const clicked = await postJson(`${sandbox.fake.baseUrl}/sandbox/cards/click`, {
			outTrackId: 'alert-1',
			userId: 'sandbox-user-01',
			params: { action: 'ack' },
		});
		expect(clicked.status).toBe(200);
		expect(clicked.json).toMatchObject({ ackCode: 200, seen: { status: 'acked' } });
		expect(JSON.parse(frames[0].data)).toMatchObject({
			userId: 'sandbox-user-01',
			outTrackId: 'alert-1',
		});
	});

	it('says why a click calls nothing back, and wants JSON', async () => {
		await sendCard('alert-2');
		const refused = await postJson(`${sandbox.fake.baseUrl}/sandbox/cards/click`, {
			outTrackId: 'alert-2',
			userId: 'sandbox-user-01',
		});
		expect(refused.status).toBe(409);
		expect(refused.json.error).toContain('not created with callbackType "STREAM"');
		const form = await postJson(`${sandbox.fake.baseUrl}/sandbox/cards/click`, 'a=b', {
			contentType: 'application/x-www-form-urlencoded',
		});
		expect(form.status).toBe(415);
	});
});
