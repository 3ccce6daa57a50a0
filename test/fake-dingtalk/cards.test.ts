import { WebSocket } from 'ws';

import { FakeCards, FakeDingTalk, FakeOpenApi } from './index';
import { FakeStreamGateway, GATEWAY_OPEN_PATH, type StreamFrameSent } from './streamGateway';
import { postJson, readAnswer } from './testClient';

const APP = { appKey: 'dingcardapp', appSecret: 'card-app-secret' };
const TEMPLATE = 'tpl-1.schema';
const GROUP = 'cid-cards';

describe('FakeCards (interactive cards on the fake)', () => {
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [
			{ ...APP, groups: [GROUP], users: ['alice', 'bob'] },
			{ appKey: 'dingnoperm', appSecret: 'x', permissions: ['qyapi_robot_sendmsg'] },
			{ appKey: 'dingother', appSecret: 'y', groups: [GROUP] },
		],
	});
	const gateway = new FakeStreamGateway({
		apps: [{ clientId: APP.appKey, clientSecret: APP.appSecret }],
	});
	const cards = new FakeCards(openApi, { templates: [TEMPLATE], gateway });
	fake.use(openApi).use(cards);
	let base: string;

	const token = async (app: { appKey: string; appSecret: string } = APP) =>
		(await postJson(`${base}/v1.0/oauth2/accessToken`, app)).json.accessToken as string;

	const call = async (method: string, path: string, body: unknown, accessToken?: string) =>
		readAnswer(
			await fetch(`${base}${path}`, {
				method,
				headers: {
					'Content-Type': 'application/json',
					'x-acs-dingtalk-access-token': accessToken ?? (await token()),
				},
				body: JSON.stringify(body),
			}),
		);

	const create = (fields: Record<string, unknown> = {}, accessToken?: string) =>
		call(
			'POST',
			'/v1.0/card/instances/createAndDeliver',
			{
				cardTemplateId: TEMPLATE,
				outTrackId: 'card-1',
				callbackType: 'STREAM',
				cardData: { cardParamMap: { title: 'Deploy?', status: 'waiting' } },
				openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
				imGroupOpenSpaceModel: { supportForward: true },
				imGroupOpenDeliverModel: { robotCode: APP.appKey },
				userIdType: 1,
				...fields,
			},
			accessToken,
		);

	const update = (fields: Record<string, unknown>) =>
		call('PUT', '/v1.0/card/instances', { outTrackId: 'card-1', userIdType: 1, ...fields });

	beforeAll(async () => {
		base = await fake.start();
		await gateway.start();
	});
	afterAll(async () => {
		await gateway.stop();
		await fake.stop();
	});
	beforeEach(() => fake.reset());

	it('creates and delivers a card to a group and keeps what it shows', async () => {
		const answer = await create();
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			success: true,
			result: {
				outTrackId: 'card-1',
				deliverResults: [
					{ spaceType: 'IM_GROUP', spaceId: GROUP, success: true, carrierId: 'card-1' },
				],
			},
		});
		expect(cards.card(APP.appKey, 'card-1')).toMatchObject({
			cardTemplateId: TEMPLATE,
			callbackType: 'STREAM',
			spaceType: 'IM_GROUP',
			publicData: { title: 'Deploy?', status: 'waiting' },
		});
	});

	it('delivers to a person’s chat with the robot (IM_ROBOT) and refuses an unknown person', async () => {
		const person = {
			openSpaceId: 'dtv1.card//IM_ROBOT.alice',
			imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT' },
			imGroupOpenDeliverModel: undefined,
		};
		expect((await create(person)).status).toBe(200);
		expect(cards.card(APP.appKey, 'card-1')?.spaceId).toBe('alice');
		const ghost = await create({
			...person,
			outTrackId: 'card-2',
			openSpaceId: 'dtv1.card//IM_ROBOT.ghost',
		});
		expect(ghost.status).toBe(400);
		expect(ghost.json.code).toBe('param.openSpaceId.invalid');
	});

	it.each([
		['a number', { cardParamMap: { count: 3 } }],
		['an object', { cardParamMap: { user: { name: 'x' } } }],
		['null', { cardParamMap: { note: null } }],
	])('refuses a template variable that is %s, not a string', async (_, cardData) => {
		const answer = await create({ cardData });
		expect(answer.status).toBe(400);
		expect(answer.json).toEqual({
			code: 'param.cardParamMap.invalid',
			message: expect.stringContaining('必须是字符串'),
			requestid: expect.any(String),
		});
		expect(cards.cards.size).toBe(0);
	});

	it('refuses a second card with the same outTrackId of the same app, not of another app', async () => {
		expect((await create()).status).toBe(200);
		const again = await create();
		expect(again.status).toBe(400);
		expect(again.json.code).toBe('param.outTrackId.duplicate');
		const other = await create(
			{ imGroupOpenDeliverModel: { robotCode: 'dingother' } },
			await token({ appKey: 'dingother', appSecret: 'y' }),
		);
		expect(other.status).toBe(200);
	});

	it('refuses an unknown template, a missing token and an app without Card.Instance.Write', async () => {
		expect((await create({ cardTemplateId: 'nope.schema' })).json.code).toBe(
			'param.cardTemplateId.notExist',
		);
		const noToken = await readAnswer(
			await fetch(`${base}/v1.0/card/instances/createAndDeliver`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: '{}',
			}),
		);
		expect(noToken.status).toBe(400);
		const denied = await create({}, await token({ appKey: 'dingnoperm', appSecret: 'x' }));
		expect(denied.status).toBe(403);
		expect(denied.json).toMatchObject({
			code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
			accessdenieddetail: { requiredScopes: ['Card.Instance.Write'] },
		});
	});

	it('updates by key or replaces, with private data per person; an unknown card fails', async () => {
		await create();
		expect(
			(
				await update({
					cardData: { cardParamMap: { status: 'approved' } },
					privateData: { alice: { cardParamMap: { note: 'you approved' } } },
					cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
				})
			).json,
		).toEqual({ success: true, result: true });
		const card = cards.card(APP.appKey, 'card-1')!;
		expect(card.publicData).toEqual({ title: 'Deploy?', status: 'approved' });
		expect(cards.seenBy(card, 'alice')).toEqual({
			title: 'Deploy?',
			status: 'approved',
			note: 'you approved',
		});
		await update({ cardData: { cardParamMap: { status: 'done' } } });
		expect(card.publicData).toEqual({ status: 'done' });
		expect((await update({ cardData: { cardParamMap: { n: 1 } } })).status).toBe(400);
		const unknown = await update({ outTrackId: 'nope' });
		expect(unknown.status).toBe(400);
		expect(unknown.json.code).toBe('card.instance.notExist');
	});

	describe('clicks', () => {
		let socket: WebSocket;
		const frames: StreamFrameSent[] = [];

		beforeAll(async () => {
			const opened = await postJson(`${gateway.baseUrl}${GATEWAY_OPEN_PATH}`, {
				clientId: APP.appKey,
				clientSecret: APP.appSecret,
				subscriptions: [{ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' }],
			});
			socket = new WebSocket(`${opened.json.endpoint}?ticket=${opened.json.ticket}`);
			socket.on('message', (data) => {
				const frame = JSON.parse(data.toString()) as StreamFrameSent;
				frames.push(frame);
				const response = {
					cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
					cardData: { cardParamMap: { status: 'done by alice' } },
					userPrivateData: { cardParamMap: { note: 'thanks' } },
				};
				socket.send(
					JSON.stringify({
						code: 200,
						headers: { contentType: 'application/json', messageId: frame.headers.messageId },
						message: 'OK',
						data: JSON.stringify({ response }),
					}),
				);
			});
			await new Promise((resolve) => socket.once('open', resolve));
		});
		afterAll(() => socket.close());

		it('pushes a callback frame with who clicked and the button, and applies the ACK’s update', async () => {
			await create();
			const { card } = await cards.click(APP.appKey, {
				outTrackId: 'card-1',
				userId: 'alice',
				actionId: 'approve',
				params: { action: 'agree' },
			});
			const frame = frames[frames.length - 1];
			expect(frame.type).toBe('CALLBACK');
			expect(frame.headers.topic).toBe('/v1.0/card/instances/callback');
			const data = JSON.parse(frame.data);
			expect(data).toMatchObject({
				type: 'actionCallback',
				userId: 'alice',
				outTrackId: 'card-1',
				spaceType: 'IM_GROUP',
				spaceId: GROUP,
				userIdType: 1,
			});
			expect(JSON.parse(data.content)).toEqual({
				cardPrivateData: { actionIds: ['approve'], params: { action: 'agree' } },
			});
			expect(card.publicData).toEqual({ title: 'Deploy?', status: 'done by alice' });
			expect(card.privateData).toEqual({ alice: { note: 'thanks' } });
			expect(card.updates.map((entry) => entry.via)).toEqual(['callbackAck']);
		});

		it('sends no callback for a card created without Stream callbacks', async () => {
			await create({ callbackType: undefined });
			await expect(
				cards.click(APP.appKey, { outTrackId: 'card-1', userId: 'alice' }),
			).rejects.toThrow('not created with callbackType "STREAM"');
		});
	});
});
