import { WebSocket } from 'ws';

import { FakeCards, FakeOpenApi } from './index';
import { sandboxCards } from './sandboxCards';
import { startSandbox, type RunningSandbox } from './startSandbox';
import { GATEWAY_OPEN_PATH, type StreamFrameSent } from './streamGateway';
import { postJson } from './testClient';

describe('sandbox cards', () => {
	let sandbox: RunningSandbox;
	let cards: FakeCards;
	const sockets: WebSocket[] = [];
	const GROUP = 'cidSandboxCards==';

	beforeAll(async () => {
		sandbox = await startSandbox();
		const { appKey, appSecret, cardAppKey, cardAppSecret } = sandbox.secrets;
		sandbox.stream.addApp({ clientId: cardAppKey, clientSecret: cardAppSecret });
		const openApi = new FakeOpenApi({
			apps: [
				{ appKey, appSecret, groups: [GROUP] },
				{ appKey: cardAppKey, appSecret: cardAppSecret, groups: [GROUP] },
			],
		});
		cards = new FakeCards(openApi, { acceptAnyTemplate: true, gateway: sandbox.stream });
		sandbox.fake
			.use(openApi)
			.use(cards)
			.use(sandboxCards(cards, [appKey, cardAppKey]));
	});
	afterAll(async () => {
		for (const socket of sockets) socket.close();
		await sandbox.stop();
	});

	async function sendCard(
		outTrackId: string,
		callbackType?: string,
		{ appKey, appSecret }: { appKey: string; appSecret: string } = sandbox.secrets,
	) {
		const base = sandbox.fake.baseUrl;
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

		const frames = await answerCardCallbacks(sandbox.secrets.appKey, sandbox.secrets.appSecret);

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

	it('lists the cards of a second app and clicks them over that app’s connection', async () => {
		const { cardAppKey, cardAppSecret } = sandbox.secrets;
		await sendCard('ack-1', 'STREAM', { appKey: cardAppKey, appSecret: cardAppSecret });
		const listed = (await (await fetch(`${sandbox.fake.baseUrl}/sandbox/cards`)).json()) as {
			cards: Array<{ outTrackId: string }>;
		};
		expect(listed.cards.map((card) => card.outTrackId)).toContain('ack-1');
		const frames = await answerCardCallbacks(cardAppKey, cardAppSecret);
		const clicked = await postJson(`${sandbox.fake.baseUrl}/sandbox/cards/click`, {
			outTrackId: 'ack-1',
			userId: 'sandbox-user-01',
		});
		expect(clicked.json).toMatchObject({ ackCode: 200, seen: { status: 'acked' } });
		expect(frames).toHaveLength(1);
		expect(cards.card(cardAppKey, 'ack-1')?.publicData.status).toBe('acked');
	});

	/** A Stream connection of the app that answers every card callback with status "acked". */
	async function answerCardCallbacks(clientId: string, clientSecret: string) {
		const opened = await postJson(`${sandbox.fake.baseUrl}${GATEWAY_OPEN_PATH}`, {
			clientId,
			clientSecret,
			subscriptions: [{ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' }],
		});
		const frames: StreamFrameSent[] = [];
		const connection = new WebSocket(`${opened.json.endpoint}?ticket=${opened.json.ticket}`);
		sockets.push(connection);
		connection.on('message', (data) => {
			const frame = JSON.parse(data.toString()) as StreamFrameSent;
			frames.push(frame);
			const response = { cardData: { cardParamMap: { status: 'acked' } } };
			connection.send(
				JSON.stringify({
					code: 200,
					headers: { contentType: 'application/json', messageId: frame.headers.messageId },
					message: 'OK',
					data: JSON.stringify({ response }),
				}),
			);
		});
		await new Promise((resolve) => connection.once('open', resolve));
		return frames;
	}

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
