// Reply with AI Card inside a real n8n: a workflow whose Webhook answers in Streaming mode (Loop
// Over Items → Wait → Respond to Webhook sends the answer word by word, as n8n's streaming
// nodes do) fills an AI card on the fake DingTalk; the card's text grows across several
// updates and ends equal to the whole answer; a failing answer leaves the card failed and the
// execution failed with a hint.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { buildRobotMessageItem } from '../../nodes/shared/robotMessage';
import type { WorkflowFixture } from '../../scripts/n8n-instance';
import { nodeOutput } from '../../scripts/n8n-executions';
import {
	FAKE_MODEL,
	FakeAiCards,
	FakeCards,
	FakeChatModel,
	FakeDingTalk,
	FakeOpenApi,
	flowStatusHistory,
} from '../fake-dingtalk';
import { FakeStreamGateway } from '../fake-dingtalk/streamGateway';
import { fakeAppCredentialData, randomAppKeys, robotMessageBody } from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import { failureOf, post, withExecution } from './support/runs';
import { robotNode, uuidFor, webhookWorkflow } from './support/workflows';

const keys = randomAppKeys();
const GROUP = 'cidE2eAiGroup001==';
const STAFF = 'e2e-ai-staff';
const APP = { id: 'e2eAiCardCred001', name: 'E2E AI card app (fake DingTalk)' };
const app = { type: 'dingTalkAppApi', data: {}, ...APP };
const OPENAI = { id: 'e2eFakeOpenAi001', name: 'E2E stand-in chat model' };
/** The stand-in model takes only this key. */
const MODEL_KEY = 'sk-e2e-stand-in-0123456789';
const SOURCE_KEY = { id: 'e2eAiSourceKey01', name: 'E2E stand-in model key' };

/** Reply with AI Card reading the stand-in model's OpenAI streaming format directly. */
function fromModelWorkflow(id: string, path: string, withKey: boolean): WorkflowFixture {
	const workflow = webhookWorkflow({
		id,
		path,
		then: [
			robotNode(
				'Reply with AI Card',
				{
					resource: 'appRobot',
					operation: 'replyWithAiCard',
					aiCardSendTo: 'group',
					openConversationId: GROUP,
					answerSource: 'workflow',
					streamingUrl: '={{ $json.body.url }}',
					sourceAuthentication: withKey ? 'apiKey' : 'none',
					streamingBody: `={{ JSON.stringify({ model: '${FAKE_MODEL}', stream: true, messages: [{ role: 'user', content: $json.body.question }] }) }}`,
					options: { updateInterval: 200, sourceTimeout: 30 },
				},
				app,
			),
		],
	});
	if (withKey) {
		const node = workflow.nodes.find((each) => each.name === 'Reply with AI Card')!;
		node.credentials = { ...node.credentials, dingTalkAiSourceApi: SOURCE_KEY };
	}
	return workflow;
}

/** Create AI Card, then Update AI Card for each change, all on the card Create made. */
function manualWorkflow(
	id: string,
	path: string,
	changes: Array<{ name: string; change: string; [parameter: string]: string }>,
): WorkflowFixture {
	const outTrackId = '={{ $("Create AI Card").item.json.outTrackId }}';
	return webhookWorkflow({
		id,
		path,
		then: [
			robotNode(
				'Create AI Card',
				{
					resource: 'appRobot',
					operation: 'createAiCard',
					aiCardSendTo: 'group',
					openConversationId: GROUP,
					options: { outTrackId: '={{ $json.body.outTrackId }}' },
				},
				app,
			),
			...changes.map(({ name, change, ...parameters }) =>
				robotNode(
					name,
					{
						resource: 'appRobot',
						operation: 'updateAiCard',
						aiCardOutTrackId: outTrackId,
						aiCardChange: change,
						...parameters,
					},
					app,
				),
			),
		],
	});
}

/** Webhook (Streaming) → AI Agent (streaming) with the OpenAI Chat Model on the stand-in model. */
function agentAnswerWorkflow(id: string, path: string): WorkflowFixture {
	return {
		id,
		name: `E2E ${path}: AI Agent answer`,
		nodes: [
			{
				id: uuidFor(`${id}/Webhook`),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				parameters: { httpMethod: 'POST', path, responseMode: 'streaming', options: {} },
				webhookId: uuidFor(`${id}/webhook`),
			},
			{
				id: uuidFor(`${id}/AI Agent`),
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [240, 0],
				parameters: {
					promptType: 'define',
					text: '={{ $json.body.text }}',
					options: { enableStreaming: true },
				},
			},
			{
				id: uuidFor(`${id}/OpenAI Chat Model`),
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [240, 200],
				parameters: { model: { __rl: true, mode: 'id', value: FAKE_MODEL }, options: {} },
				credentials: { openAiApi: OPENAI },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const ANSWER_WORDS = [
	'Deploys ',
	'are ',
	'green: ',
	'3 ',
	'services ',
	'updated, ',
	'0 ',
	'failed.',
];

/** Webhook (Streaming) → Code (one item per word) → Loop Over Items ⇄ Wait → Respond to Webhook. */
function streamingAnswerWorkflow(id: string, path: string, failAfter?: number): WorkflowFixture {
	const node = (
		name: string,
		type: string,
		typeVersion: number,
		x: number,
		parameters: object,
		extra = {},
	) => ({
		id: uuidFor(`${id}/${name}`),
		name,
		type,
		typeVersion,
		position: [x, 0] as [number, number],
		parameters: parameters as Record<string, unknown>,
		...extra,
	});
	const words = JSON.stringify(ANSWER_WORDS);
	const failure =
		failAfter === undefined
			? ''
			: `if ($json.index >= ${failAfter}) throw new Error('The model went away');\n`;
	return {
		id,
		name: `E2E ${path}: streaming answer`,
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				0,
				{ httpMethod: 'POST', path, responseMode: 'streaming', options: {} },
				{ webhookId: uuidFor(`${id}/webhook`) },
			),
			node('Words', 'n8n-nodes-base.code', 2, 240, {
				jsCode: `return ${words}.map((word, index) => ({ json: { word, index } }));`,
			}),
			node('Loop', 'n8n-nodes-base.splitInBatches', 3, 480, { batchSize: 1, options: {} }),
			node('Think', 'n8n-nodes-base.wait', 1.1, 720, {
				resume: 'timeInterval',
				amount: 0.25,
				unit: 'seconds',
			}),
			node('Check', 'n8n-nodes-base.code', 2, 960, {
				mode: 'runOnceForEachItem',
				jsCode: `${failure}return { json: $json };`,
			}),
			node('Respond', 'n8n-nodes-base.respondToWebhook', 1.5, 1200, {
				respondWith: 'text',
				responseBody: '={{ $json.word }}',
				options: {},
			}),
		],
		connections: {
			Webhook: { main: [[{ node: 'Words', type: 'main', index: 0 }]] },
			Words: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
			Loop: { main: [[], [{ node: 'Think', type: 'main', index: 0 }]] },
			Think: { main: [[{ node: 'Check', type: 'main', index: 0 }]] },
			Check: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] },
			Respond: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** examples/ai-assistant-stream.json on this test's app and stand-in model credentials. */
function aiAssistantOverStream(): WorkflowFixture {
	const file = path.join(__dirname, '..', '..', 'examples', 'ai-assistant-stream.json');
	const text = fs
		.readFileSync(file, 'utf8')
		.split('"dtSandboxApp0001"')
		.join(JSON.stringify(APP.id))
		.split('"sandboxChatModel"')
		.join(JSON.stringify(OPENAI.id));
	return JSON.parse(text) as WorkflowFixture;
}
const STREAM_EXAMPLE = aiAssistantOverStream();

const WORKFLOWS = {
	answer: streamingAnswerWorkflow('e2eAiAnswer00001', 'e2e-ai-answer'),
	failingAnswer: streamingAnswerWorkflow('e2eAiAnswerFail1', 'e2e-ai-answer-fails', 3),
	agentAnswer: agentAnswerWorkflow('e2eAiAgentAnswer', 'e2e-ai-agent'),
	fromModelWithKey: fromModelWorkflow('e2eAiCardModelK1', 'e2e-ai-card-model-key', true),
	fromModelNoKey: fromModelWorkflow('e2eAiCardModelN1', 'e2e-ai-card-model-no-key', false),
	manualFinish: manualWorkflow('e2eAiCardManual1', 'e2e-ai-manual-finish', [
		{ name: 'Append Hello', change: 'append', aiCardText: 'Hello' },
		{ name: 'Append World', change: 'append', aiCardText: ', world' },
		{ name: 'Replace', change: 'replace', aiCardText: 'Hello, n8n' },
		{ name: 'Finish', change: 'finish', aiCardFinalText: 'Hello, n8n. Done.' },
	]),
	manualFail: manualWorkflow('e2eAiCardManual2', 'e2e-ai-manual-fail', [
		{ name: 'Append Thinking', change: 'append', aiCardText: 'Looking it up' },
		{ name: 'Fail', change: 'fail', aiCardReason: 'the lookup timed out' },
	]),
	reply: webhookWorkflow({
		id: 'e2eAiCardReply01',
		path: 'e2e-ai-card',
		then: [
			robotNode(
				'Reply with AI Card',
				{
					resource: 'appRobot',
					operation: 'replyWithAiCard',
					aiCardSendTo: 'reply',
					incomingMessage: '={{ $json.body.message }}',
					answerSource: 'workflow',
					streamingUrl: '={{ $json.body.streamingUrl }}',
					streamingBody: '={{ $json.body.message }}',
					options: { updateInterval: 200, sourceTimeout: 30 },
				},
				app,
			),
		],
	}),
};

describe('Reply with AI Card in a real n8n, from a streaming n8n workflow', () => {
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [
			{ appKey: keys.appKey, appSecret: keys.appSecret, robotCode: keys.appKey, groups: [GROUP] },
		],
	});
	const cards = new FakeCards(openApi);
	const aiCards = new FakeAiCards(openApi, cards);
	const gateway = new FakeStreamGateway({
		apps: [{ clientId: keys.appKey, clientSecret: keys.appSecret }],
	});
	fake.use(openApi).use(cards).use(aiCards).use(gateway);
	const model = new FakeChatModel({ wordDelayMs: 60, apiKey: MODEL_KEY });
	const n8n = useN8n(async () => {
		await gateway.start();
		const baseUrl = await fake.start();
		const modelUrl = await model.start();
		return {
			name: 'ai-card',
			credentials: [
				credential('dingTalkAppApi', APP.id, APP.name, fakeAppCredentialData(keys, baseUrl)),
				{ ...OPENAI, type: 'openAiApi', data: { apiKey: MODEL_KEY, url: modelUrl } },
				{ ...SOURCE_KEY, type: 'dingTalkAiSourceApi', data: { apiKey: MODEL_KEY, url: modelUrl } },
			],
			workflows: [...Object.values(WORKFLOWS), STREAM_EXAMPLE],
			publish: [...Object.values(WORKFLOWS), STREAM_EXAMPLE].map((workflow) => workflow.id),
		};
	});
	beforeEach(() => {
		fake.reset();
		aiCards.qpsLimit = Infinity;
	});
	afterAll(async () => {
		await fake.stop();
		await gateway.stop();
		await model.stop();
	});

	function incomingMessage(): IDataObject {
		const expiresAt = Date.now() + 3_600_000;
		return buildRobotMessageItem(
			robotMessageBody('how are the deploys?', {
				robotCode: keys.appKey,
				conversationId: GROUP,
				senderStaffId: STAFF,
				sessionWebhook: fake.addSession(expiresAt),
				sessionWebhookExpiredTime: expiresAt,
			}) as IDataObject,
		) as unknown as IDataObject;
	}

	async function reply(answerPath: string) {
		return await withExecution(n8n(), WORKFLOWS.reply.id, async () =>
			post(n8n().webhookUrl('e2e-ai-card'), {
				message: incomingMessage(),
				streamingUrl: n8n().webhookUrl(answerPath),
			}),
		);
	}

	it('the card’s text grows across several updates and ends equal to the whole answer', async () => {
		const { execution } = await reply('e2e-ai-answer');

		expect(failureOf(execution).status).toBe('success');
		const [output] = nodeOutput(execution.data, 'Reply with AI Card');
		const answer = ANSWER_WORDS.join('');
		expect(output).toMatchObject({
			text: answer,
			chunks: ANSWER_WORDS.length,
			openConversationId: GROUP,
		});
		const card = cards.card(keys.appKey, String(output.outTrackId))!;
		expect(card.callbackType).toBe('STREAM');
		expect(card.publicData).toEqual({ flowStatus: '3', content: answer });
		expect(flowStatusHistory(card)).toEqual(['2', '3']);
		const texts = aiCards.state(keys.appKey, card.outTrackId).streams.map((update) => update.text);
		expect(texts.length).toBeGreaterThanOrEqual(3);
		expect(new Set(texts).size).toBeGreaterThanOrEqual(3);
		for (const text of texts) expect(answer.startsWith(text)).toBe(true);
		expect(texts.at(-1)).toBe(answer);
	}, 60_000);

	it('a real n8n AI Agent on the stand-in model streams its answer into the card', async () => {
		const { execution } = await reply('e2e-ai-agent');

		expect(failureOf(execution).status).toBe('success');
		const [output] = nodeOutput(execution.data, 'Reply with AI Card');
		const answer = model.answerFor('how are the deploys?');
		expect(output.text).toBe(answer);
		expect(Number(output.chunks)).toBeGreaterThan(5);
		const card = cards.card(keys.appKey, String(output.outTrackId))!;
		expect(card.publicData).toEqual({ flowStatus: '3', content: answer });
		const texts = aiCards.state(keys.appKey, card.outTrackId).streams.map((update) => update.text);
		expect(new Set(texts).size).toBeGreaterThanOrEqual(3);
		expect(texts.at(-1)).toBe(answer);
		expect(model.requests.some((request) => request.path === '/v1/chat/completions')).toBe(true);
	}, 60_000);

	it('examples/ai-assistant-stream.json: an @-message over Stream gets an AI card with the agent’s whole answer', async () => {
		await gateway.waitForConnection(1, 30_000);
		const before = (await n8n().executions.list(STREAM_EXAMPLE.id)).length;
		const expiresAt = Date.now() + 3_600_000;
		const messageId = gateway.pushRobotMessage(
			robotMessageBody('what changed today?', {
				robotCode: keys.appKey,
				conversationId: GROUP,
				senderStaffId: STAFF,
				sessionWebhook: fake.addSession(expiresAt),
				sessionWebhookExpiredTime: expiresAt,
			}),
		);
		expect(await gateway.waitForAck(messageId, 30_000)).toMatchObject({ code: 200 });
		// Two runs: the Stream trigger's (Reply with AI Card) and the Answer webhook's (AI Agent).
		const runs = (await n8n().executions.waitFor(STREAM_EXAMPLE.id, before + 2)).slice(-2);
		for (const run of runs) expect(failureOf(run).status).toBe('success');
		const reply = runs.find((run) => 'Reply with AI Card' in run.data.resultData.runData)!;
		const [output] = nodeOutput(reply.data, 'Reply with AI Card');
		const answer = model.answerFor('what changed today?');
		expect(output.text).toBe(answer);
		const card = cards.card(keys.appKey, String(output.outTrackId))!;
		expect(card.publicData).toEqual({ flowStatus: '3', content: answer });
		const texts = aiCards.state(keys.appKey, card.outTrackId).streams.map((update) => update.text);
		expect(new Set(texts).size).toBeGreaterThanOrEqual(2);
		expect(texts.at(-1)).toBe(answer);
	}, 90_000);

	it('a failing answer leaves the card failed with a reason and the execution failed with a hint', async () => {
		const { execution } = await reply('e2e-ai-answer-fails');

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			node: 'Reply with AI Card',
			message: expect.stringContaining('The answer for the AI card failed'),
			description: expect.stringContaining('Response Mode "Streaming"'),
		});
		const card = [...cards.cards.values()].find((each) => each.appKey === keys.appKey)!;
		expect(card.publicData.flowStatus).toBe('5');
		expect(card.publicData.content).toMatch(/^Deploys are green: \n\n\(Failed: /);
	}, 60_000);

	it('10 conversations at once on a QPS-limited DingTalk: 10 complete cards, no refusal left unrecovered', async () => {
		aiCards.qpsLimit = 5;
		const before = (await n8n().executions.list(WORKFLOWS.reply.id)).length;
		const answers = await Promise.all(
			Array.from({ length: 10 }, async () =>
				post(n8n().webhookUrl('e2e-ai-card'), {
					message: incomingMessage(),
					streamingUrl: n8n().webhookUrl('e2e-ai-answer'),
				}),
			),
		);
		expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
		const executions = (await n8n().executions.waitFor(WORKFLOWS.reply.id, before + 10)).slice(-10);
		const answer = ANSWER_WORDS.join('');
		for (const execution of executions) {
			expect(failureOf(execution).status).toBe('success');
			const [output] = nodeOutput(execution.data, 'Reply with AI Card');
			expect(cards.card(keys.appKey, String(output.outTrackId))!.publicData).toEqual({
				flowStatus: '3',
				content: answer,
			});
		}
		expect(
			new Set(
				executions.map(
					(execution) => nodeOutput(execution.data, 'Reply with AI Card')[0].outTrackId,
				),
			).size,
		).toBe(10);
		// DingTalk did refuse calls over its limit, and every card sent its text again after.
		expect(aiCards.overLimit).toBeGreaterThan(0);
		expect(aiCards.unrecovered).toBe(0);
	}, 120_000);

	it('an OpenAI-compatible source with the API key of a DingTalk AI Card Source credential fills the card', async () => {
		const { execution } = await withExecution(n8n(), WORKFLOWS.fromModelWithKey.id, async () =>
			post(n8n().webhookUrl('e2e-ai-card-model-key'), {
				url: `${model.baseUrl}/chat/completions`,
				question: 'is the key sent?',
			}),
		);
		expect(failureOf(execution).status).toBe('success');
		const [output] = nodeOutput(execution.data, 'Reply with AI Card');
		const answer = model.answerFor('is the key sent?');
		expect(output.text).toBe(answer);
		expect(cards.card(keys.appKey, String(output.outTrackId))!.publicData).toEqual({
			flowStatus: '3',
			content: answer,
		});
		expect(JSON.stringify(execution.data)).not.toContain(MODEL_KEY);
	}, 60_000);

	it('without the key the model refuses: the card fails and the error names the fix, without the key', async () => {
		const { execution } = await withExecution(n8n(), WORKFLOWS.fromModelNoKey.id, async () =>
			post(n8n().webhookUrl('e2e-ai-card-model-no-key'), {
				url: `${model.baseUrl}/chat/completions`,
				question: 'no key?',
			}),
		);
		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			node: 'Reply with AI Card',
			message: expect.stringContaining('the source answered HTTP 401'),
			description: expect.stringContaining('set "Source Authentication" to "API Key'),
		});
		const card = [...cards.cards.values()].find((each) => each.appKey === keys.appKey)!;
		expect(card.publicData).toEqual({
			flowStatus: '5',
			content: '(Failed: the source answered HTTP 401)',
		});
		expect(JSON.stringify(execution.data)).not.toContain(MODEL_KEY);
	}, 60_000);

	it('Create AI Card, Update AI Card append, append, replace and finish: the card ends finished with the final text', async () => {
		const outTrackId = `e2e-manual-${Date.now()}`;
		const { execution } = await withExecution(n8n(), WORKFLOWS.manualFinish.id, async () =>
			post(n8n().webhookUrl('e2e-ai-manual-finish'), { outTrackId }),
		);
		expect(failureOf(execution).status).toBe('success');
		expect(nodeOutput(execution.data, 'Create AI Card')[0]).toMatchObject({ outTrackId });
		expect(nodeOutput(execution.data, 'Finish')[0]).toMatchObject({ outTrackId, change: 'finish' });
		const card = cards.card(keys.appKey, outTrackId)!;
		expect(card.callbackType).toBe('STREAM');
		expect(card.publicData).toEqual({ flowStatus: '3', content: 'Hello, n8n. Done.' });
		expect(flowStatusHistory(card)).toEqual(['2', '2', '2', '3']);
		const streams = aiCards.state(keys.appKey, outTrackId).streams;
		expect(streams.map((update) => update.text)).toEqual([
			'Hello',
			'Hello, world',
			'Hello, n8n',
			'Hello, n8n. Done.',
		]);
		expect(streams.map((update) => update.isFinalize)).toEqual([false, false, false, true]);
	}, 60_000);

	it('Create AI Card, append, then fail: the card ends failed with its text and the reason', async () => {
		const outTrackId = `e2e-manual-fail-${Date.now()}`;
		const { execution } = await withExecution(n8n(), WORKFLOWS.manualFail.id, async () =>
			post(n8n().webhookUrl('e2e-ai-manual-fail'), { outTrackId }),
		);
		expect(failureOf(execution).status).toBe('success');
		const card = cards.card(keys.appKey, outTrackId)!;
		expect(card.publicData).toEqual({
			flowStatus: '5',
			content: 'Looking it up\n\n(Failed: the lookup timed out)',
		});
		const streams = aiCards.state(keys.appKey, outTrackId).streams;
		expect(streams.at(-1)).toMatchObject({ isFinalize: true, isError: true });
		expect(flowStatusHistory(card)).toEqual(['2', '5']);
	}, 60_000);
});
