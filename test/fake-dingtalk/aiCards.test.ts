import {
	CARD_STREAMING_PATH,
	FAKE_AI_CARD_TEMPLATE,
	FakeAiCards,
	FakeCards,
	FakeDingTalk,
	FakeOpenApi,
	flowStatusHistory,
} from './index';
import { postJson, readAnswer } from './testClient';

const APP = { appKey: 'dingaiapp', appSecret: 'ai-app-secret' };
const GROUP = 'cid-ai';

describe('FakeAiCards (AI card streaming on the fake)', () => {
	let clock = 1_000_000;
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [
			{ ...APP, groups: [GROUP] },
			{
				appKey: 'dingnostream',
				appSecret: 'x',
				groups: [GROUP],
				permissions: ['Card.Instance.Write'],
			},
		],
	});
	const cards = new FakeCards(openApi);
	const aiCards = new FakeAiCards(openApi, cards, { now: () => clock });
	fake.use(openApi).use(cards).use(aiCards);
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
				cardTemplateId: FAKE_AI_CARD_TEMPLATE,
				outTrackId: 'ai-1',
				callbackType: 'STREAM',
				cardData: { cardParamMap: { flowStatus: '1', content: '' } },
				openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
				imGroupOpenDeliverModel: { robotCode: APP.appKey },
				...fields,
			},
			accessToken,
		);
	const setStatus = (flowStatus: string) =>
		call('PUT', '/v1.0/card/instances', {
			outTrackId: 'ai-1',
			cardData: { cardParamMap: { flowStatus } },
			cardUpdateOptions: { updateCardDataByKey: true },
		});
	const stream = (fields: Record<string, unknown>, accessToken?: string) =>
		call(
			'PUT',
			CARD_STREAMING_PATH,
			{
				outTrackId: 'ai-1',
				guid: `g-${Math.random()}`,
				key: 'content',
				content: '',
				isFull: true,
				isFinalize: false,
				isError: false,
				...fields,
			},
			accessToken,
		);

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(async () => {
		await fake.stop();
	});
	beforeEach(() => {
		fake.reset();
		aiCards.qpsLimit = Infinity;
		clock += 10_000;
	});

	it('streams full and appended text into the card, keeps each update and the status order', async () => {
		expect((await create()).status).toBe(200);
		expect((await setStatus('2')).status).toBe(200);
		expect((await stream({ content: 'Hel' })).status).toBe(200);
		expect((await stream({ content: 'lo', isFull: false })).status).toBe(200);
		expect((await stream({ content: 'Hello, world', isFinalize: true })).json).toEqual({
			success: true,
			result: true,
		});
		expect((await setStatus('3')).status).toBe(200);
		const card = cards.card(APP.appKey, 'ai-1')!;
		expect(card.publicData).toEqual({ flowStatus: '3', content: 'Hello, world' });
		expect(flowStatusHistory(card)).toEqual(['2', '3']);
		const state = aiCards.state(APP.appKey, 'ai-1');
		expect(state.streams.map((update) => update.text)).toEqual(['Hel', 'Hello', 'Hello, world']);
		expect(state.finalized).toBe(true);
	});

	it('answers HTTP 500 for a card created without Stream callbacks', async () => {
		await create({ callbackType: undefined });
		const answer = await stream({ content: 'x' });
		expect(answer.status).toBe(500);
		expect(cards.card(APP.appKey, 'ai-1')!.publicData.content).toBe('');
	});

	it('refuses streaming after finalize and after the card is finished or failed', async () => {
		await create();
		await stream({ content: 'done', isFinalize: true });
		expect((await stream({ content: 'more' })).json.code).toBe('card.streaming.finalized');
		await create({ outTrackId: 'ai-2' });
		await call('PUT', '/v1.0/card/instances', {
			outTrackId: 'ai-2',
			cardData: { cardParamMap: { flowStatus: '5' } },
			cardUpdateOptions: { updateCardDataByKey: true },
		});
		expect((await stream({ outTrackId: 'ai-2', content: 'late' })).status).toBe(400);
		expect(cards.card(APP.appKey, 'ai-1')!.publicData.content).toBe('done');
	});

	it('refuses an unknown card, a missing guid or key, a non-text content', async () => {
		expect((await stream({ content: 'x' })).json.code).toBe('card.instance.notExist');
		await create();
		expect((await stream({ guid: '' })).status).toBe(400);
		expect((await stream({ key: undefined })).status).toBe(400);
		expect((await stream({ content: 42 })).status).toBe(400);
		expect((await stream({ isFull: 'yes' })).status).toBe(400);
	});

	it('needs Card.Streaming.Write', async () => {
		const other = await token({ appKey: 'dingnostream', appSecret: 'x' });
		await create({ imGroupOpenDeliverModel: { robotCode: 'dingnostream' } }, other);
		const answer = await stream({ content: 'x' }, other);
		expect(answer.status).toBe(403);
		expect(answer.json.accessdenieddetail).toEqual({ requiredScopes: ['Card.Streaming.Write'] });
	});

	it('answers 403 QpsLimit over the app’s calls per second, counts them, and knows a card that recovered', async () => {
		aiCards.qpsLimit = 2;
		await create();
		expect((await stream({ content: 'a' })).status).toBe(200);
		expect((await stream({ content: 'ab' })).status).toBe(200);
		const refused = await stream({ content: 'abc' });
		expect(refused.status).toBe(403);
		expect(refused.json.code).toBe('QpsLimit');
		expect(aiCards.overLimit).toBe(1);
		expect(aiCards.unrecovered).toBe(1);
		clock += 1000;
		expect((await stream({ content: 'abc' })).status).toBe(200);
		expect(aiCards.unrecovered).toBe(0);
		expect(aiCards.overLimit).toBe(1);
		expect(cards.card(APP.appKey, 'ai-1')!.publicData.content).toBe('abc');
	});
});
