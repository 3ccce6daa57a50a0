// Row 9: an n8n AI Agent's answer streamed into a DingTalk AI card. The stand-in model (an
// OpenAI-compatible server in the bench process) writes each answer word by word and records when
// its first and last words left; n8n's AI Agent (OpenAI Chat Model node on that model) streams
// them from a Webhook in Streaming mode; Reply with AI Card reads that stream and fills a card on
// the fake DingTalk, which records when each update arrived and refuses calls over its QPS limit
// (403 QpsLimit). Baseline, in the same n8n and run: the same agent workflow's streaming webhook
// read directly by the bench, as n8n's own chat would read it.
import { randomUUID } from 'node:crypto';

import type { CredentialFixture, WorkflowFixture } from '../../scripts/n8n-instance';
import {
	FAKE_MODEL,
	FakeAiCards,
	FakeCards,
	FakeChatModel,
	FakeDingTalk,
	FakeOpenApi,
	flowStatusHistory,
	type ModelAnswer,
} from '../../test/fake-dingtalk';
import { percentile } from '../lib/httpLoad';
import { round1, saveProfile, type BenchContext, type Measurement } from '../lib/measurement';
import { chain, webhook } from '../lib/workflows';

const APP = { id: 'benchAiCardApp01', name: 'DingTalk app, AI card (bench)' };
const MODEL = { id: 'benchChatModel01', name: 'Stand-in chat model (bench)' };
const GROUP = 'cidBenchAiCards001==';
/** The node's defaults, as a user leaves them. */
const UPDATE_INTERVAL_MS = 500;
const APP_CALLS_PER_SECOND = 20;
/** DingTalk's limit as users report its low end (AI streaming facts §2: 20 to 60 per app). */
const FAKE_QPS_LIMIT = 20;
const WORD_DELAY_MS = 40;
const FINISH_TARGET_MS = 500;
const ANSWER_PATH = 'bench-ai-answer';
const CARD_PATH = 'bench-ai-card';

const FILLER =
	'Deploys are green across the three regions, the queue drained overnight, two alerts fired and cleared, and nothing needs a human today; the next release goes out on Thursday after the usual checks.';

interface Sample {
	firstMs: number;
	finishMs: number;
	updates: number;
	spanMs: number;
	/** Arrival times of the updates (card) or chunks (baseline). */
	times: number[];
	/** Card only: first token → the typing status at the fake, → the first streaming update. */
	typingMs?: number;
}

interface SideResult {
	samples: Sample[];
	problems: string[];
}

export class AiCardBench {
	private readonly fake = new FakeDingTalk();
	private readonly keys = {
		appKey: `dingbenchai${randomUUID().slice(0, 8)}`,
		appSecret: randomUUID(),
	};
	private readonly openApi = new FakeOpenApi({
		apps: [{ ...this.keys, robotCode: this.keys.appKey, groups: [GROUP] }],
	});
	private readonly cards = new FakeCards(this.openApi);
	private readonly aiCards = new FakeAiCards(this.openApi, this.cards, {
		qpsLimit: FAKE_QPS_LIMIT,
	});
	private readonly model: FakeChatModel;
	private readonly words: number;
	private baseUrl = '';
	private modelUrl = '';

	constructor(quick: boolean) {
		this.words = quick ? 12 : 40;
		const tail = FILLER.split(' ');
		const words = Array.from({ length: this.words - 1 }, (_, index) => tail[index % tail.length]);
		this.model = new FakeChatModel({
			wordDelayMs: WORD_DELAY_MS,
			answerFor: (question) => `${question}: ${words.join(' ')}`,
		});
		this.fake.use(this.openApi).use(this.cards).use(this.aiCards);
	}

	async start(): Promise<void> {
		this.baseUrl = await this.fake.start();
		this.modelUrl = await this.model.start();
	}

	async stop(): Promise<void> {
		await this.fake.stop();
		await this.model.stop();
	}

	credentials(): CredentialFixture[] {
		return [
			{
				...APP,
				type: 'dingTalkAppApi',
				data: { ...this.keys, ownerKey: '', apiBaseUrl: this.baseUrl, oapiBaseUrl: this.baseUrl },
			},
			{ ...MODEL, type: 'openAiApi', data: { apiKey: 'sk-bench-stand-in', url: this.modelUrl } },
		];
	}

	workflows(): WorkflowFixture[] {
		const answer = chain('benchAiAnswer001', 'Bench: Webhook (Streaming) -> AI Agent', [
			{
				...webhook('b0e0c001-0000-4000-8000-00000000000b', ANSWER_PATH),
				parameters: {
					httpMethod: 'POST',
					path: ANSWER_PATH,
					responseMode: 'streaming',
					options: {},
				},
			},
			{
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [0, 0],
				parameters: {
					promptType: 'define',
					text: '={{ $json.body.text }}',
					options: { enableStreaming: true },
				},
			},
		]);
		answer.nodes.push({
			id: randomUUID(),
			name: 'OpenAI Chat Model',
			type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
			typeVersion: 1.2,
			position: [220, 200],
			parameters: { model: { __rl: true, mode: 'id', value: FAKE_MODEL }, options: {} },
			credentials: { openAiApi: MODEL },
		});
		(answer.connections as Record<string, unknown>)['OpenAI Chat Model'] = {
			ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
		};
		const card = chain('benchAiCardRply1', 'Bench: Webhook -> Reply with AI Card', [
			webhook('b0e0c001-0000-4000-8000-00000000000c', CARD_PATH, 'lastNode'),
			{
				name: 'Reply with AI Card',
				type: 'n8n-nodes-dingtalk-robot.dingTalkRobot',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					resource: 'appRobot',
					operation: 'replyWithAiCard',
					aiCardSendTo: 'group',
					openConversationId: GROUP,
					answerSource: 'workflow',
					streamingUrl: '={{ $json.body.streamingUrl }}',
					streamingBody: '={{ JSON.stringify({ text: $json.body.text }) }}',
					options: {
						updateInterval: UPDATE_INTERVAL_MS,
						appCallsPerSecond: APP_CALLS_PER_SECOND,
					},
				},
				credentials: { dingTalkAppApi: APP },
			},
		]);
		return [answer, card];
	}

	/** The model's record of the answer to `question`. */
	private answerOf(question: string): ModelAnswer | undefined {
		return this.model.answers.find((answer) => answer.question === question);
	}

	/** `count` conversations at once through Reply with AI Card. */
	private async cardRound(context: BenchContext, count: number): Promise<SideResult> {
		const result: SideResult = { samples: [], problems: [] };
		const questions = Array.from({ length: count }, () => `card ${randomUUID().slice(0, 8)}`);
		const answers = await Promise.all(
			questions.map(async (text) => {
				const response = await fetch(`${context.n8n.baseUrl}/webhook/${CARD_PATH}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ text, streamingUrl: context.n8n.webhookUrl(ANSWER_PATH) }),
					signal: AbortSignal.timeout(120_000),
				});
				return {
					status: response.status,
					json: (await response.json().catch(() => ({}))) as Record<string, unknown>,
				};
			}),
		);
		for (const [index, question] of questions.entries()) {
			const { status, json } = answers[index];
			const model = this.answerOf(question);
			const outTrackId = String(json.outTrackId ?? '');
			const card = this.cards.card(this.keys.appKey, outTrackId);
			if (status !== 200 || !model || !card) {
				result.problems.push(
					`card ${index}: HTTP ${status}, ${model ? '' : 'no model answer, '}${card ? '' : 'no card, '}${JSON.stringify(json).slice(0, 200)}`,
				);
				continue;
			}
			const streams = this.aiCards.state(this.keys.appKey, outTrackId).streams;
			const finished = card.updates.find(
				(update) =>
					(update.body.cardData as { cardParamMap?: Record<string, string> } | undefined)
						?.cardParamMap?.flowStatus === '3',
			);
			if (
				card.publicData.content !== model.answer ||
				card.publicData.flowStatus !== '3' ||
				flowStatusHistory(card).join() !== '2,3' ||
				!finished ||
				streams.length === 0 ||
				streams.at(-1)!.text !== model.answer
			) {
				result.problems.push(
					`card ${index}: not finished with the whole answer (flowStatus ${card.publicData.flowStatus}, ${streams.length} updates)`,
				);
				continue;
			}
			result.samples.push({
				firstMs: streams[0].at - model.firstTokenAt!,
				typingMs: card.updates[0].at - model.firstTokenAt!,
				finishMs: finished.at - model.lastTokenAt!,
				updates: streams.length,
				spanMs: streams.at(-1)!.at - streams[0].at,
				times: streams.map((update) => update.at),
			});
		}
		return result;
	}

	/** `count` conversations at once straight from the agent's streaming webhook. */
	private async baselineRound(context: BenchContext, count: number): Promise<SideResult> {
		const result: SideResult = { samples: [], problems: [] };
		await Promise.all(
			Array.from({ length: count }, async (_, index) => {
				const question = `direct ${randomUUID().slice(0, 8)}`;
				const read = await readNdjson(context.n8n.webhookUrl(ANSWER_PATH), { text: question });
				const model = this.answerOf(question);
				if (read.status !== 200 || !model || read.text !== model.answer) {
					result.problems.push(
						`direct ${index}: HTTP ${read.status}, ${read.times.length} chunks, text ${read.text === model?.answer ? 'complete' : 'incomplete'}`,
					);
					return;
				}
				result.samples.push({
					firstMs: read.times[0] - model.firstTokenAt!,
					finishMs: read.endAt - model.lastTokenAt!,
					updates: read.times.length,
					spanMs: read.times.at(-1)! - read.times[0],
					times: read.times,
				});
			}),
		);
		return result;
	}

	async measure(context: BenchContext): Promise<Measurement> {
		const { quick } = context;
		const levels = quick
			? [
					{ conversations: 1, rounds: 1 },
					{ conversations: 3, rounds: 1 },
				]
			: [
					{ conversations: 1, rounds: 10 },
					{ conversations: 10, rounds: 3 },
				];
		// Warm-up: the first agent run loads the model's client.
		context.log('  warm-up');
		await this.baselineRound(context, 1);
		await this.cardRound(context, 1);
		const overLimitBefore = this.aiCards.overLimit;

		const results: Array<{
			conversations: number;
			card: SideResult & { appRates: number[] };
			direct: SideResult & { appRates: number[] };
		}> = [];
		for (const { conversations, rounds } of levels) {
			context.log(`  ${conversations} conversation(s) at once, ${rounds} round(s) per side`);
			const card = { samples: [] as Sample[], problems: [] as string[], appRates: [] as number[] };
			const direct = {
				samples: [] as Sample[],
				problems: [] as string[],
				appRates: [] as number[],
			};
			for (let round = 0; round < rounds; round += 1) {
				// ABBA: each side goes first in half of the rounds.
				const order =
					round % 2 === 0 ? (['card', 'direct'] as const) : (['direct', 'card'] as const);
				for (const side of order) {
					const outcome =
						side === 'card'
							? await this.cardRound(context, conversations)
							: await this.baselineRound(context, conversations);
					const into = side === 'card' ? card : direct;
					into.samples.push(...outcome.samples);
					into.problems.push(...outcome.problems);
					into.appRates.push(ratePerSecond(outcome.samples.flatMap((sample) => sample.times)));
				}
			}
			results.push({ conversations, card, direct });
		}
		await saveProfile(context, '9-ai-card');

		const overLimit = this.aiCards.overLimit - overLimitBefore;
		const unrecovered = this.aiCards.unrecovered;
		const summary = results.map(({ conversations, card, direct }) => ({
			conversations,
			card: summarize(card),
			direct: summarize(direct),
		}));
		const firstTarget = UPDATE_INTERVAL_MS + 100;
		const problems = results.flatMap((entry) => [...entry.card.problems, ...entry.direct.problems]);
		const met =
			problems.length === 0 &&
			unrecovered === 0 &&
			summary.every(
				(entry) => entry.card.first.p99 <= firstTarget && entry.card.finish.p99 <= FINISH_TARGET_MS,
			);
		const measured = summary
			.map(
				({ conversations, card, direct }) =>
					`${conversations} at once: first update ${card.first.p50} / ${card.first.p99} ms, finished ${card.finish.p50} / ${card.finish.p99} ms after the last token (p50 / p99), ${card.appUpdatesPerSecond} card updates/s (${card.updatesPerCard} per card); n8n's streaming webhook: first chunk ${direct.first.p50} / ${direct.first.p99} ms, end ${direct.finish.p50} / ${direct.finish.p99} ms, ${direct.appUpdatesPerSecond} chunks/s`,
			)
			.join('; ');
		const notes = [
			`Each answer is ${this.words} words, one every ${WORD_DELAY_MS} ms, from the stand-in model through n8n's AI Agent (OpenAI Chat Model node, streaming on) behind a Webhook in Streaming mode. Card side: Webhook → Reply with AI Card (to a group) reading that webhook, Update Interval ${UPDATE_INTERVAL_MS} ms and App Updates per Second ${APP_CALLS_PER_SECOND} (the defaults); the fake DingTalk allows ${FAKE_QPS_LIMIT} streaming calls per second per app and answers 403 QpsLimit over it. Baseline: the bench reads the same agent webhook directly, as n8n's own chat does; its "first" is the first answer chunk at the bench, its "end" the end of the response.`,
			`Times are taken in the bench process on one clock: the model's first and last word written, the fake's arrival of the first streaming update and of the instance update to flowStatus 3 (finished), the baseline's chunk arrivals. p99 of ${summary.map((entry) => `${entry.card.samples} samples`).join(' and ')} is close to the maximum.`,
			`Where the first update's time goes: from the model's first token to the card's typing status (the node's first DingTalk call after reading the first chunk) arriving at the fake, ${summary.map((entry) => `${entry.card.typingStatus?.p50} / ${entry.card.typingStatus?.p99} ms (p50 / p99) with ${entry.conversations} at once`).join(', ')}; the rest is that call's answer and the wait for the app's budget.`,
			`Limit: ${overLimit} streaming calls refused with 403 QpsLimit during the measured rounds, ${unrecovered} card(s) left with a refused last call (target 0).`,
			...(problems.length ? [`Problems: ${problems.slice(0, 5).join('; ')}`] : []),
		];
		return {
			id: 'ai-card',
			title: 'AI card: an n8n AI Agent’s answer streamed into a DingTalk AI card',
			target: `first update ≤ ${firstTarget} ms after the first token (interval + 100 ms), finished ≤ ${FINISH_TARGET_MS} ms after the last token (p99), 0 limit errors left unrecovered`,
			met,
			measured,
			values: {
				words: this.words,
				wordDelayMs: WORD_DELAY_MS,
				updateIntervalMs: UPDATE_INTERVAL_MS,
				appCallsPerSecond: APP_CALLS_PER_SECOND,
				fakeQpsLimit: FAKE_QPS_LIMIT,
				overLimit,
				unrecovered,
				levels: summary,
				problems,
			},
			notes,
		};
	}
}

/** Events per second over the span of `times` (all cards or chunks of a round). */
function ratePerSecond(times: number[]): number {
	if (times.length < 2) return NaN;
	const span = Math.max(...times) - Math.min(...times);
	return span > 0 ? ((times.length - 1) * 1000) / span : NaN;
}

function summarize(side: SideResult & { appRates: number[] }) {
	const pick = (values: number[]) => {
		const sorted = [...values].sort((a, b) => a - b);
		return { p50: round1(percentile(sorted, 50)), p99: round1(percentile(sorted, 99)) };
	};
	const finite = side.appRates.filter(Number.isFinite);
	return {
		samples: side.samples.length,
		first: pick(side.samples.map((sample) => sample.firstMs)),
		...(side.samples[0]?.typingMs === undefined
			? {}
			: { typingStatus: pick(side.samples.map((sample) => sample.typingMs!)) }),
		/** Every sample, in the order measured: [first, finish] in ms. */
		raw: side.samples.map((sample) => [Math.round(sample.firstMs), Math.round(sample.finishMs)]),
		finish: pick(side.samples.map((sample) => sample.finishMs)),
		updatesPerCard: round1(
			side.samples.reduce((sum, sample) => sum + sample.updates, 0) /
				Math.max(1, side.samples.length),
		),
		/** Per round, all conversations together; the median of the rounds. */
		appUpdatesPerSecond: finite.length ? round1(pick(finite).p50) : NaN,
		perCardUpdatesPerSecond: round1(
			pick(
				side.samples
					.filter((sample) => sample.spanMs > 0)
					.map((sample) => ((sample.updates - 1) * 1000) / sample.spanMs),
			).p50,
		),
	};
}

/** POSTs to n8n's streaming webhook and reads its NDJSON answer, timing each chunk. */
async function readNdjson(
	url: string,
	body: object,
): Promise<{ status: number; text: string; times: number[]; endAt: number }> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(120_000),
	});
	const times: number[] = [];
	let text = '';
	let pending = '';
	const decoder = new TextDecoder();
	const take = (line: string) => {
		if (!line.trim()) return;
		try {
			const event = JSON.parse(line) as { type?: string; content?: unknown };
			if (event.type === 'item' && typeof event.content === 'string' && event.content) {
				times.push(Date.now());
				text += event.content;
			}
		} catch {
			// not a line of the answer
		}
	};
	for await (const piece of response.body ?? []) {
		pending += decoder.decode(piece as Uint8Array, { stream: true });
		const lines = pending.split('\n');
		pending = lines.pop() ?? '';
		for (const line of lines) take(line);
	}
	take(pending + decoder.decode());
	return { status: response.status, text, times, endAt: Date.now() };
}
