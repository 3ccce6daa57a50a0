import { CARD_ERROR_CODES } from './cards';
import type { FakeCard, FakeCards } from './cards';
import { apiError } from './openApi';
import type { FakeApp, FakeOpenApi } from './openApi';
import type { FakeExtension, Reply, Route } from './routing';

/**
 * DingTalk's AI cards (AI 卡片, streaming cards) on top of {@link FakeCards}: the streaming
 * update `PUT /v1.0/card/streaming` of a card's streaming variable. Plug it in after the cards:
 * `fake.use(cards); fake.use(new FakeAiCards(openApi, cards))`.
 *
 * The contract (AI streaming facts §2): streaming needs `Card.Streaming.Write`; a card created
 * without `callbackType: "STREAM"` answers HTTP 500 (as users report); once a call carried
 * `isFinalize: true`, or the card's `flowStatus` is finished (3) or failed (5), streaming is
 * refused; each app may make `qpsLimit` streaming calls per second, the call over it answers
 * 403 `QpsLimit`. Calls over the limit are counted per card, and a card whose last streaming
 * call was refused is "unrecovered" ({@link FakeAiCards.unrecovered}).
 *
 * The codes of the 500 and of the refusal after finalize are the fake's own choice; DingTalk's
 * exact answers are not documented.
 */

export const CARD_STREAMING_PATH = '/v1.0/card/streaming';
export const CARD_STREAMING_PERMISSION = 'Card.Streaming.Write';
/** The AI card template the fake (and the sandbox) knows without being told. */
export const FAKE_AI_CARD_TEMPLATE = '382e4302-551d-4880-bf29-a30acfab2e71.schema';
export const QPS_LIMIT_CODE = 'QpsLimit';
export const STREAM_FINALIZED_CODE = 'card.streaming.finalized';

export const FLOW_STATUS = {
	processing: '1',
	inputing: '2',
	finished: '3',
	executing: '4',
	failed: '5',
} as const;

/** One accepted streaming call, with the text the card showed after it. */
export interface StreamingUpdate {
	at: number;
	guid: string;
	key: string;
	content: string;
	isFull: boolean;
	isFinalize: boolean;
	isError: boolean;
	text: string;
}

export interface AiCardState {
	/** Accepted streaming calls, oldest first. */
	streams: StreamingUpdate[];
	/** Streaming calls refused with 403 QpsLimit. */
	overLimit: number;
	/** Whether the last streaming call of the card was refused for the QPS limit. */
	lastRefused: boolean;
	finalized: boolean;
	error: boolean;
}

export interface FakeAiCardsOptions {
	/** Streaming calls per app per second (a sliding second); default unlimited. */
	qpsLimit?: number;
	now?: () => number;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FakeAiCards implements FakeExtension {
	/** Per `<appKey>/<outTrackId>`. */
	private readonly states = new Map<string, AiCardState>();
	/** Per appKey: times of the streaming calls of the last second. */
	private readonly recentCalls = new Map<string, number[]>();
	private readonly now: () => number;
	qpsLimit: number;

	constructor(
		private readonly openApi: FakeOpenApi,
		private readonly cards: FakeCards,
		options: FakeAiCardsOptions = {},
	) {
		this.now = options.now ?? Date.now;
		this.qpsLimit = options.qpsLimit ?? Infinity;
		cards.addTemplate(FAKE_AI_CARD_TEMPLATE);
	}

	/** The streaming record of a card (an empty one before its first streaming call). */
	state(appKey: string, outTrackId: string): AiCardState {
		const key = `${appKey}/${outTrackId}`;
		let state = this.states.get(key);
		if (!state) {
			state = { streams: [], overLimit: 0, lastRefused: false, finalized: false, error: false };
			this.states.set(key, state);
		}
		return state;
	}

	/** Calls refused for the QPS limit, over all cards. */
	get overLimit(): number {
		return [...this.states.values()].reduce((sum, state) => sum + state.overLimit, 0);
	}

	/** Cards whose last streaming call was refused for the QPS limit and never sent again. */
	get unrecovered(): number {
		return [...this.states.values()].filter((state) => state.lastRefused).length;
	}

	reset(): void {
		this.states.clear();
		this.recentCalls.clear();
		this.cards.addTemplate(FAKE_AI_CARD_TEMPLATE);
	}

	routes(): Route[] {
		return [
			{
				path: CARD_STREAMING_PATH,
				methods: ['PUT'],
				handle: (context) => this.openApi.withApp(context, (app, body) => this.stream(app, body)),
			},
		];
	}

	private overQps(appKey: string): boolean {
		const now = this.now();
		const recent = (this.recentCalls.get(appKey) ?? []).filter((at) => now - at < 1000);
		this.recentCalls.set(appKey, recent);
		if (recent.length >= this.qpsLimit) return true;
		recent.push(now);
		return false;
	}

	private stream(app: FakeApp, body: Record<string, unknown>): Reply {
		if (app.permissions !== undefined && !app.permissions.includes(CARD_STREAMING_PERMISSION)) {
			return {
				status: 403,
				json: {
					code: CARD_ERROR_CODES.permission,
					message: '没有调用该接口的权限',
					requestid: 'fake-request-id',
					accessdenieddetail: { requiredScopes: [CARD_STREAMING_PERMISSION] },
				},
			};
		}
		const { outTrackId, guid, key, content } = body;
		for (const [name, value] of Object.entries({ outTrackId, guid, key })) {
			if (typeof value !== 'string' || value === '') {
				return apiError(400, CARD_ERROR_CODES.invalidParameter, `${name} 不能为空`);
			}
		}
		if (typeof content !== 'string') {
			return apiError(400, CARD_ERROR_CODES.invalidParameter, 'content 必须是字符串');
		}
		for (const flag of ['isFull', 'isFinalize', 'isError']) {
			if (body[flag] !== undefined && typeof body[flag] !== 'boolean') {
				return apiError(400, CARD_ERROR_CODES.invalidParameter, `${flag} 必须是布尔值`);
			}
		}
		const card = this.cards.card(app.appKey, outTrackId as string);
		if (!card) {
			return apiError(400, CARD_ERROR_CODES.unknownCard, `卡片 ${String(outTrackId)} 不存在`);
		}
		const state = this.state(app.appKey, card.outTrackId);
		if (this.overQps(app.appKey)) {
			state.overLimit += 1;
			state.lastRefused = true;
			return apiError(403, QPS_LIMIT_CODE, '请求太频繁，超过了 QPS 限制');
		}
		state.lastRefused = false;
		if (card.callbackType !== 'STREAM') {
			return {
				status: 500,
				json: {
					code: 'ServiceUnavailable',
					message: 'The request has failed due to a temporary failure of the server.',
					requestid: 'fake-request-id',
				},
			};
		}
		const flowStatus = card.publicData.flowStatus;
		if (
			state.finalized ||
			flowStatus === FLOW_STATUS.finished ||
			flowStatus === FLOW_STATUS.failed
		) {
			return apiError(400, STREAM_FINALIZED_CODE, `卡片 ${card.outTrackId} 的流式更新已结束`);
		}
		const previous = card.publicData[key as string] ?? '';
		const text = body.isFull === true ? (content as string) : previous + (content as string);
		card.publicData = { ...card.publicData, [key as string]: text };
		state.finalized = body.isFinalize === true;
		state.error = body.isError === true;
		state.streams.push({
			at: this.now(),
			guid: guid as string,
			key: key as string,
			content: content as string,
			isFull: body.isFull === true,
			isFinalize: body.isFinalize === true,
			isError: body.isError === true,
			text,
		});
		return { status: 200, json: { success: true, result: true } };
	}
}

/** The flowStatus values the card instance updates (PUT /v1.0/card/instances) set, in order. */
export function flowStatusHistory(card: FakeCard): string[] {
	const history: string[] = [];
	for (const update of card.updates) {
		const cardData = update.body.cardData;
		const map = isObject(cardData) ? cardData.cardParamMap : undefined;
		if (isObject(map) && typeof map.flowStatus === 'string') history.push(map.flowStatus);
	}
	return history;
}
