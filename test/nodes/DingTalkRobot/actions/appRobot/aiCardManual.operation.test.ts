/**
 * Create AI Card and Update AI Card (the manual AI card loop) against the fake's AI card
 * contract (test/fake-dingtalk/aiCards.ts).
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { FAKE_AI_CARD_TEMPLATE, FakeAiCards, flowStatusHistory } from '../../../../fake-dingtalk';
import { addApp, appParams, run, runExpectingError, useFakeOpenApi } from '../../support/app';
import type { TestApp } from '../../support/app';

const GROUP = 'cidAiManual==';

const server = useFakeOpenApi();
let aiCards: FakeAiCards;

beforeAll(() => {
	aiCards = new FakeAiCards(server().openApi, server().cards);
	server().fake.use(aiCards);
});
beforeEach(() => {
	aiCards.qpsLimit = Infinity;
});

async function createCard(app: TestApp): Promise<string> {
	const [item] = await run(
		app,
		appParams('createAiCard', { aiCardSendTo: 'group', openConversationId: GROUP }),
	);
	return item.json.outTrackId as string;
}

const update = (
	app: TestApp,
	outTrackId: string,
	fields: Record<string, unknown>,
	options: IDataObject = {},
) =>
	run(
		app,
		appParams('updateAiCard', { aiCardOutTrackId: outTrackId, ...fields } as never, options),
	);

describe('Create AI Card and Update AI Card', () => {
	it('creates a thinking card with Stream callbacks and outputs its outTrackId', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const [item] = await run(
			app,
			appParams('createAiCard', { aiCardSendTo: 'group', openConversationId: GROUP }),
		);
		const card = server().cards.card(app.appKey, item.json.outTrackId as string)!;
		expect(card).toMatchObject({
			cardTemplateId: FAKE_AI_CARD_TEMPLATE,
			callbackType: 'STREAM',
			publicData: { flowStatus: '1', content: '' },
		});
		expect(item.json).toMatchObject({
			sentTo: 'group',
			openConversationId: GROUP,
			status: 'processing',
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('appends, replaces, then finishes: the card types and ends finished; later updates are refused', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const outTrackId = await createCard(app);
		await update(app, outTrackId, { aiCardChange: 'append', aiCardText: 'Hello' });
		await update(app, outTrackId, { aiCardChange: 'append', aiCardText: ', world' });
		const card = server().cards.card(app.appKey, outTrackId)!;
		expect(card.publicData).toEqual({ flowStatus: '2', content: 'Hello, world' });
		await update(app, outTrackId, { aiCardChange: 'replace', aiCardText: 'Hi there' });
		expect(card.publicData.content).toBe('Hi there');
		const [finished] = await update(app, outTrackId, { aiCardChange: 'finish' });
		expect(finished.json).toEqual({ outTrackId, change: 'finish', throttled: 0 });
		expect(card.publicData).toEqual({ flowStatus: '3', content: 'Hi there' });
		expect(aiCards.state(app.appKey, outTrackId).streams.at(-1)).toMatchObject({
			isFinalize: true,
			isError: false,
		});
		expect(flowStatusHistory(card)).toEqual(['2', '2', '2', '3']);
		const late = await runExpectingError(
			app,
			appParams('updateAiCard', {
				aiCardOutTrackId: outTrackId,
				aiCardChange: 'append',
				aiCardText: '!',
			} as never),
		);
		expect(late).toBeInstanceOf(NodeApiError);
		expect(card.publicData).toEqual({ flowStatus: '3', content: 'Hi there' });
	});

	it('finishes with a final text, and fails with a reason after the text', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const first = await createCard(app);
		await update(app, first, { aiCardChange: 'append', aiCardText: 'draft' });
		await update(app, first, { aiCardChange: 'finish', aiCardFinalText: 'The final answer.' });
		expect(server().cards.card(app.appKey, first)!.publicData).toEqual({
			flowStatus: '3',
			content: 'The final answer.',
		});
		const second = await createCard(app);
		await update(app, second, { aiCardChange: 'append', aiCardText: 'Half an answer' });
		await update(app, second, { aiCardChange: 'fail', aiCardReason: 'the model timed out' });
		expect(server().cards.card(app.appKey, second)!.publicData).toEqual({
			flowStatus: '5',
			content: 'Half an answer\n\n(Failed: the model timed out)',
		});
		expect(aiCards.state(app.appKey, second).streams.at(-1)).toMatchObject({
			isFinalize: true,
			isError: true,
		});
	});

	it('sends an update refused for the call limit again after the back-off', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const outTrackId = await createCard(app);
		aiCards.qpsLimit = 1;
		await update(app, outTrackId, { aiCardChange: 'append', aiCardText: 'a' });
		const [item] = await update(app, outTrackId, { aiCardChange: 'append', aiCardText: 'b' });
		expect(item.json.throttled).toBe(1);
		expect(server().cards.card(app.appKey, outTrackId)!.publicData.content).toBe('ab');
		expect(aiCards.unrecovered).toBe(0);
	});

	it('gives up after Max Retries refusals for the call limit, naming the fix', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const outTrackId = await createCard(app);
		aiCards.qpsLimit = 1;
		await update(app, outTrackId, { aiCardChange: 'append', aiCardText: 'a' });
		const error = await runExpectingError(
			app,
			appParams(
				'updateAiCard',
				{ aiCardOutTrackId: outTrackId, aiCardChange: 'append', aiCardText: 'b' } as never,
				{ maxRetries: 0 },
			),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('for its call limit [item 0]');
		expect(error.description).toContain('Max Retries');
	});

	it('names the fix for an unknown outTrackId', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			appParams('updateAiCard', {
				aiCardOutTrackId: 'n8n-ai-unknown',
				aiCardChange: 'replace',
				aiCardText: 'x',
			} as never),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.description).toContain('Out Track ID');
	});
});
