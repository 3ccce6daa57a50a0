import { FakeAiCards, FakeCards, FakeOpenApi } from './index';
import { sandboxCards } from './sandboxCards';
import { startSandbox, type RunningSandbox } from './startSandbox';
import { postJson } from './testClient';

describe('sandbox AI cards', () => {
	let sandbox: RunningSandbox;
	const GROUP = 'cidSandboxAi==';

	beforeAll(async () => {
		sandbox = await startSandbox();
		const { appKey, appSecret } = sandbox.secrets;
		const openApi = new FakeOpenApi({ apps: [{ appKey, appSecret, groups: [GROUP] }] });
		const cards = new FakeCards(openApi, { acceptAnyTemplate: true, gateway: sandbox.stream });
		sandbox.fake
			.use(openApi)
			.use(cards)
			.use(sandboxCards(cards, appKey))
			.use(new FakeAiCards(openApi, cards, { qpsLimit: 20 }));
	});
	afterAll(async () => {
		await sandbox.stop();
	});

	it('lists what a streaming card shows so far, as the page polls it', async () => {
		const base = sandbox.fake.baseUrl;
		const { appKey, appSecret } = sandbox.secrets;
		const token = (await postJson(`${base}/v1.0/oauth2/accessToken`, { appKey, appSecret })).json
			.accessToken as string;
		const call = async (method: string, path: string, body: unknown) =>
			await fetch(`${base}${path}`, {
				method,
				headers: { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': token },
				body: JSON.stringify(body),
			});
		await call('POST', '/v1.0/card/instances/createAndDeliver', {
			cardTemplateId: 'my-ai-card.schema',
			outTrackId: 'ai-sandbox-1',
			callbackType: 'STREAM',
			cardData: { cardParamMap: { flowStatus: '1', content: '' } },
			openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
			imGroupOpenDeliverModel: { robotCode: appKey },
		});
		const seen = async () =>
			(
				(await (await fetch(`${base}/sandbox/cards`)).json()) as {
					cards: Array<{ outTrackId: string; publicData: Record<string, string> }>;
				}
			).cards.find((card) => card.outTrackId === 'ai-sandbox-1')!.publicData;
		const stream = async (content: string) =>
			expect(
				(
					await call('PUT', '/v1.0/card/streaming', {
						outTrackId: 'ai-sandbox-1',
						guid: content,
						key: 'content',
						content,
						isFull: true,
						isFinalize: false,
						isError: false,
					})
				).status,
			).toBe(200);
		await stream('Thinking about');
		expect(await seen()).toEqual({ flowStatus: '1', content: 'Thinking about' });
		await stream('Thinking about it: yes.');
		expect((await seen()).content).toBe('Thinking about it: yes.');
	});
});
