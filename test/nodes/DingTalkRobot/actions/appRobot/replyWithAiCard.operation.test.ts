/**
 * Reply with AI Card against the fake's AI card contract (test/fake-dingtalk/aiCards.ts) and a
 * fake streaming source (an n8n streaming webhook, an OpenAI-compatible endpoint).
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	FAKE_AI_CARD_TEMPLATE,
	FAKE_MODEL,
	FakeAiCards,
	FakeAnswerSource,
	FakeChatModel,
	flowStatusHistory,
} from '../../../../fake-dingtalk';
import type { AnswerScript } from '../../../../fake-dingtalk';
import {
	addApp,
	appParams,
	bodyOf,
	requestsTo,
	run,
	runExpectingError,
	triggerItem,
	useFakeOpenApi,
} from '../../support/app';
import type { TestApp } from '../../support/app';

const GROUP = 'cidAiGroup==';
const CREATE_PATH = '/v1.0/card/instances/createAndDeliver';
const STREAMING_PATH = '/v1.0/card/streaming';

const server = useFakeOpenApi();
let aiCards: FakeAiCards;
const source = new FakeAnswerSource();

beforeAll(async () => {
	aiCards = new FakeAiCards(server().openApi, server().cards);
	server().fake.use(aiCards);
	await source.start();
});
afterAll(async () => {
	await source.stop();
});
beforeEach(() => {
	aiCards.qpsLimit = Infinity;
});

const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index} `);

function aiCard(fields: Record<string, unknown>, options: Record<string, unknown> = {}) {
	return appParams(
		'replyWithAiCard',
		{ aiCardSendTo: 'group', openConversationId: GROUP, ...fields } as never,
		{ updateInterval: 100, ...options },
	);
}

function fromWorkflow(path: string, script: AnswerScript, options: Record<string, unknown> = {}) {
	return aiCard({ answerSource: 'workflow', streamingUrl: source.answer(path, script) }, options);
}

function cardOf(app: TestApp, output: IDataObject) {
	return server().cards.card(app.appKey, output.outTrackId as string)!;
}

describe('Reply with AI Card', () => {
	it('streams a workflow’s answer into a Stream card: processing, inputing, growing text, finished with the whole answer', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const chunks = words(30);
		const [item] = await run(app, fromWorkflow('/ai-answer', { chunks, delayMs: 15 }), {
			inputItems: [{ json: { text: { content: 'hello?' } } }],
		});
		const answer = chunks.join('');
		const [create] = requestsTo(server(), CREATE_PATH);
		const body = bodyOf(create);
		expect(body).toMatchObject({
			cardTemplateId: FAKE_AI_CARD_TEMPLATE,
			callbackType: 'STREAM',
			cardData: { cardParamMap: { flowStatus: '1', content: '' } },
			openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
		});
		const card = cardOf(app, item.json);
		expect(card.publicData).toEqual({ flowStatus: '3', content: answer });
		expect(flowStatusHistory(card)).toEqual(['2', '3']);
		const state = aiCards.state(app.appKey, card.outTrackId);
		const texts = state.streams.map((update) => update.text);
		expect(texts.length).toBeGreaterThanOrEqual(3);
		expect(texts.length).toBeLessThan(chunks.length);
		expect(texts.at(-1)).toBe(answer);
		expect(state.streams.at(-1)!.isFinalize).toBe(true);
		expect(state.streams.slice(0, -1).every((update) => !update.isFinalize)).toBe(true);
		for (const [index, text] of texts.entries()) {
			if (index > 0) expect(text.length).toBeGreaterThan(texts[index - 1].length - 1);
			expect(answer.startsWith(text)).toBe(true);
		}
		expect(source.received.at(-1)).toEqual({
			path: '/ai-answer',
			body: { text: { content: 'hello?' } },
		});
		expect(item.json).toMatchObject({
			outTrackId: expect.stringMatching(/^n8n-ai-/),
			sentTo: 'group',
			openConversationId: GROUP,
			text: answer,
			chunks: 30,
			updates: texts.length,
			throttled: 0,
			timings: {
				firstChunkMs: expect.any(Number),
				firstUpdateAfterFirstChunkMs: expect.any(Number),
				finishedAfterLastChunkMs: expect.any(Number),
				totalMs: expect.any(Number),
			},
		});
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('finishes the card right after the answer ends: the silence watch does not hold it back', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const finishedAfter: number[] = [];
		for (let round = 0; round < 3; round += 1) {
			const [item] = await run(
				app,
				fromWorkflow(`/ai-quick-end-${round}`, { chunks: words(4), delayMs: 20 }),
			);
			const timings = item.json.timings as IDataObject;
			finishedAfter.push(Number(timings.finishedAfterLastChunkMs));
		}
		// The watch checks for silence every 250 ms; waiting for its step cost up to that much.
		expect(Math.min(...finishedAfter)).toBeLessThan(150);
	});

	it('reads an OpenAI-compatible streaming answer (server-sent events) the same way', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const chunks = ['你好', '，', '我是', '助手。'];
		const [item] = await run(
			app,
			fromWorkflow('/v1/chat/completions', { chunks, format: 'openai', delayMs: 5 }),
		);
		expect(cardOf(app, item.json).publicData.content).toBe(chunks.join(''));
	});

	it('answers a received message in its conversation: a group message in the group, a 1:1 message to the sender', async () => {
		const app = addApp(server(), { groups: [GROUP], users: ['staff-bob'] });
		const group = triggerItem(server(), app, {
			type: 'group',
			conversationId: GROUP,
			sessionExpiresAt: Date.now() + 60_000,
		});
		const single = triggerItem(server(), app, {
			type: 'single',
			staffId: 'staff-bob',
			sessionExpiresAt: Date.now() + 60_000,
		});
		const output = await run(
			app,
			aiCard({ aiCardSendTo: 'reply', answerSource: 'text', answerText: 'Done.' }),
			{ inputItems: [{ json: group }, { json: single }] },
		);
		expect(output.map((item) => item.json.openSpaceId)).toEqual([
			`dtv1.card//IM_GROUP.${GROUP}`,
			'dtv1.card//IM_ROBOT.staff-bob',
		]);
		for (const item of output) {
			expect(cardOf(app, item.json).publicData).toEqual({ flowStatus: '3', content: 'Done.' });
		}
	});

	it('shows a text from a field in the same card, with the template and variable names given', async () => {
		const app = addApp(server(), { users: ['alice'] });
		server().cards.addTemplate('my-ai.schema');
		const [item] = await run(
			app,
			aiCard(
				{
					aiCardSendTo: 'user',
					aiCardUserId: 'alice',
					answerSource: 'text',
					answerText: 'All **green**.',
					aiCardTemplateId: 'my-ai.schema',
				},
				{ contentKey: 'msgContent', statusKey: 'flowStatus' },
			),
		);
		const card = cardOf(app, item.json);
		expect(card.cardTemplateId).toBe('my-ai.schema');
		expect(card.publicData).toEqual({ flowStatus: '3', msgContent: 'All **green**.' });
		expect(item.json).toMatchObject({ sentTo: 'user', userId: 'alice', updates: 1 });
	});

	it.each([
		['an error line', { failure: 'errorLine' as const }, /stopped with an error: Model overloaded/],
		['a broken connection', { failure: 'disconnect' as const }, /broke off \(the connection/],
	])(
		'fails the card with a short reason and the execution with a hint on %s',
		async (_, failure, message) => {
			const app = addApp(server(), { groups: [GROUP] });
			const error = await runExpectingError(
				app,
				fromWorkflow('/ai-fails', { chunks: words(6), delayMs: 10, failAfter: 3, ...failure }),
			);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(message);
			expect(error.message).toContain('[item 0]');
			expect(error.description).toContain('Response Mode "Streaming"');
			expect(error.description).toContain('shows the failure');
			const card = [...server().cards.cards.values()].find((each) => each.appKey === app.appKey)!;
			expect(card.publicData.flowStatus).toBe('5');
			expect(card.publicData.content).toMatch(/^word0 word1 (word2 )?\n\n\(Failed: /); // a reset may lose the last chunk in flight
			expect(flowStatusHistory(card)).toEqual(['2', '5']);
			const state = aiCards.state(app.appKey, card.outTrackId);
			expect(state.streams.at(-1)).toMatchObject({ isFinalize: true, isError: true });
		},
	);

	it('fails the card when the source stays silent longer than the timeout', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			fromWorkflow(
				'/ai-stalls',
				{ chunks: words(4), failAfter: 2, failure: 'stall' },
				{ sourceTimeout: 1 },
			),
		);
		expect(error.message).toContain('the source sent nothing for 1 s (timed out)');
		const card = [...server().cards.cards.values()].find((each) => each.appKey === app.appKey)!;
		expect(card.publicData).toMatchObject({ flowStatus: '5' });
		expect(card.publicData.content).toMatch(/^word0 word1 /);
	});

	it('fails a card with no answer at all when the workflow is not there (HTTP 404), and Continue On Fail gives the error item', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const output = await run(
			app,
			aiCard({ answerSource: 'workflow', streamingUrl: source.url('/not-registered') }),
			{ continueOnFail: true },
		);
		expect(output[0].json.error).toMatch(/HTTP 404/);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		const card = [...server().cards.cards.values()].find((each) => each.appKey === app.appKey)!;
		expect(card.publicData.flowStatus).toBe('5');
		expect(card.publicData.content).toMatch(/^\(Failed: the source answered HTTP 404/);
	});

	it('refuses a Streaming URL that is not http(s) and a Request Body that is not an object, before any card', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const badUrl = await runExpectingError(
			app,
			aiCard({ answerSource: 'workflow', streamingUrl: 'file:///etc/passwd' }),
		);
		expect(badUrl.description).toContain('(parameter: streamingUrl)');
		const badBody = await runExpectingError(
			app,
			aiCard({
				answerSource: 'workflow',
				streamingUrl: source.url('/x'),
				streamingBody: '[1, 2]',
			}),
		);
		expect(badBody.description).toContain('(parameter: streamingBody)');
		expect(requestsTo(server(), CREATE_PATH)).toHaveLength(0);
	});

	it('with a QPS-limited DingTalk: fewer updates, the same final text, every refusal recovered', async () => {
		const chunks = words(40);
		const unlimitedApp = addApp(server(), { groups: [GROUP] });
		const [unlimited] = await run(
			unlimitedApp,
			fromWorkflow('/ai-fast', { chunks, delayMs: 25 }, { updateInterval: 100 }),
		);
		aiCards.qpsLimit = 2;
		const limitedApp = addApp(server(), { groups: [GROUP] });
		const [limited] = await run(
			limitedApp,
			fromWorkflow(
				'/ai-fast',
				{ chunks, delayMs: 5 },
				{ updateInterval: 100, appCallsPerSecond: 50 },
			),
		);
		const answer = chunks.join('');
		expect(cardOf(unlimitedApp, unlimited.json).publicData.content).toBe(answer);
		expect(cardOf(limitedApp, limited.json).publicData).toEqual({
			flowStatus: '3',
			content: answer,
		});
		expect(limited.json.throttled).toBeGreaterThan(0);
		expect(
			aiCards.state(limitedApp.appKey, limited.json.outTrackId as string).streams.length,
		).toBeLessThan(
			aiCards.state(unlimitedApp.appKey, unlimited.json.outTrackId as string).streams.length,
		);
		expect(aiCards.unrecovered).toBe(0);
	});

	it('10 cards at once share the app’s budget: 10 complete cards and no refusal left unrecovered', async () => {
		aiCards.qpsLimit = 10;
		const app = addApp(server(), { groups: [GROUP] });
		const runs = Array.from({ length: 10 }, async (_, index) => {
			const chunks = words(12).map((word) => `${index}:${word}`);
			const [item] = await run(
				app,
				fromWorkflow(
					`/ai-many-${index}`,
					{ chunks, delayMs: 20 },
					{ updateInterval: 200, appCallsPerSecond: 10 },
				),
			);
			return { item, answer: chunks.join('') };
		});
		const results = await Promise.all(runs);
		for (const { item, answer } of results) {
			expect(cardOf(app, item.json).publicData).toEqual({ flowStatus: '3', content: answer });
		}
		expect(new Set(results.map(({ item }) => item.json.outTrackId)).size).toBe(10);
		expect(aiCards.unrecovered).toBe(0);
	}, 30_000);

	it('reports a refusal of the streaming call with the permission hint, and the card failed', async () => {
		const app = addApp(server(), {
			groups: [GROUP],
			permissions: ['Card.Instance.Write', 'qyapi_robot_sendmsg'],
		});
		const error = await runExpectingError(app, aiCard({ answerSource: 'text', answerText: 'Hi' }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.description).toContain('Card.Streaming.Write');
		expect(error.description).toContain('shows the failure');
		const card = [...server().cards.cards.values()].find((each) => each.appKey === app.appKey)!;
		expect(card.publicData.flowStatus).toBe('5');
		expect(requestsTo(server(), STREAMING_PATH).length).toBeGreaterThan(0);
	});

	it('reports DingTalk’s refusal of the typing status as DingTalk’s error, not as a failed source', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		// token, createAndDeliver, then the update to flowStatus 2 is refused
		server().fake.injectFaults(
			{ delayMs: 0 },
			{ delayMs: 0 },
			{ status: 400, body: JSON.stringify({ code: 'InvalidParameter', message: '参数错误' }) },
		);
		const error = await runExpectingError(app, fromWorkflow('/ai-ok', { chunks: words(3) }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('DingTalk did not update the card');
		expect(error.message).not.toContain('The answer for the AI card failed');
	});

	it('shows the card only a short reason when the source answers an error page', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			aiCard({ answerSource: 'workflow', streamingUrl: source.url('/secret-path-404') }),
		);
		expect(error.message).toContain('secret-path-404');
		const card = [...server().cards.cards.values()].find((each) => each.appKey === app.appKey)!;
		expect(card.publicData.content).toBe('(Failed: the source answered HTTP 404)');
	});

	it('stops reading the answer once DingTalk refuses the card for good', async () => {
		const app = addApp(server(), {
			groups: [GROUP],
			permissions: ['Card.Instance.Write', 'qyapi_robot_sendmsg'],
		});
		const started = Date.now();
		const error = await runExpectingError(
			app,
			fromWorkflow('/ai-long', { chunks: words(40), delayMs: 50 }),
		);
		// The answer takes 2 s; the refusal of the first update ends the item long before.
		expect(Date.now() - started).toBeLessThan(1500);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.description).toContain('Card.Streaming.Write');
	});
});

describe('Reply with AI Card from an OpenAI-compatible endpoint with an API key', () => {
	const KEY = 'sk-test-key-0123456789abcdef';
	const model = new FakeChatModel({ wordDelayMs: 2, apiKey: KEY });
	beforeAll(async () => {
		await model.start();
	});
	afterAll(async () => {
		await model.stop();
	});

	const chatBody = (question: string) =>
		JSON.stringify({
			model: FAKE_MODEL,
			stream: true,
			messages: [{ role: 'user', content: question }],
		});

	function fromModel(question: string, authentication: 'none' | 'apiKey', url = '') {
		return aiCard({
			answerSource: 'workflow',
			streamingUrl: url || `${model.baseUrl}/chat/completions`,
			sourceAuthentication: authentication,
			streamingBody: chatBody(question),
		});
	}

	const withKey = (app: TestApp, apiKey: string) => ({
		credentials: { ...app.credentials, dingTalkAiSourceApi: { apiKey } },
	});

	it('sends the key of the credential as a Bearer token and fills the card with the answer', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const [item] = await run(withKey(app, KEY), fromModel('status?', 'apiKey'));
		const answer = model.answerFor('status?');
		expect(item.json.text).toBe(answer);
		expect(cardOf(app, item.json).publicData).toEqual({ flowStatus: '3', content: answer });
		expect(JSON.stringify(item.json)).not.toContain(KEY);
	});

	it('without a key: the execution fails naming the fix, the card shows the failure', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(app, fromModel('status?', 'none'));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('the source answered HTTP 401');
		expect(error.description).toContain(
			'set "Source Authentication" to "API Key (OpenAI-Compatible)"',
		);
		const card = [...server().cards.cards.values()].find((each) => each.appKey === app.appKey)!;
		expect(card.publicData).toEqual({
			flowStatus: '5',
			content: '(Failed: the source answered HTTP 401)',
		});
	});

	it('with a wrong key: the fix names the credential, and the key shows nowhere, even when the source echoes it', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const wrong = await runExpectingError(
			withKey(app, 'sk-wrong-key-0123456789'),
			fromModel('x', 'apiKey'),
		);
		expect(wrong.message).toContain('the source answered HTTP 401');
		expect(wrong.description).toContain('check the key in the credential');

		// A proxy that puts the request's Authorization header into its error page.
		const echo = createServer((request, response) => {
			response.writeHead(401, { 'content-type': 'text/plain' });
			response.end(`denied for ${request.headers.authorization}`);
		});
		await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/v1/chat/completions`;
			const output = await run(withKey(app, KEY), fromModel('x', 'apiKey', url), {
				continueOnFail: true,
			});
			const error = await runExpectingError(withKey(app, KEY), fromModel('x', 'apiKey', url));
			expect(error.message).toContain('denied for Bearer ***');
			const shown = JSON.stringify([output, error.message, error.description]);
			expect(shown).not.toContain(KEY);
			const cards = [...server().cards.cards.values()].filter((each) => each.appKey === app.appKey);
			expect(JSON.stringify(cards.map((card) => card.publicData))).not.toContain(KEY);
		} finally {
			echo.closeAllConnections();
			await new Promise((resolve) => echo.close(resolve));
		}
	});
});
