import { apiError } from './openApi';
import type { FakeApp, FakeOpenApi } from './openApi';
import type { FakeExtension, Reply, RequestContext, Route } from './routing';
import type { FakeStreamGateway, RecordedAck } from './streamGateway';
import { CARD_CALLBACK_TOPIC } from './streamGateway';

/**
 * DingTalk's interactive cards (互动卡片) on the new-style OpenAPI: create and deliver a card
 * instance of a template to a group or a person's chat with the robot, and update it in place.
 * Plug it into a FakeDingTalk with `fake.use(cards)`; tokens come from the FakeOpenApi.
 *
 * The fake checks what DingTalk enforces (cards facts §1): the app holds `Card.Instance.Write`
 * (403 otherwise), the template exists, `outTrackId` is unique per app, every cardParamMap value
 * is a string, the space is one the robot may post to; an update names a card of the app. Card
 * instances are kept so tests can read what a card shows, and {@link FakeCards.click} makes a
 * person click a callback button: a CALLBACK frame over the fake Stream gateway, whose ACK may
 * carry a card update that is applied at once, as DingTalk does.
 *
 * The error codes of template, outTrackId and card-instance refusals are the fake's own choice
 * (DingTalk's exact codes are not documented in the notes); the permission refusal has the
 * shape DingTalk gives a token without the scope.
 */

export const CARD_CREATE_AND_DELIVER_PATH = '/v1.0/card/instances/createAndDeliver';
export const CARD_INSTANCES_PATH = '/v1.0/card/instances';
export const CARD_WRITE_PERMISSION = 'Card.Instance.Write';

export const CARD_ERROR_CODES = {
	permission: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
	unknownTemplate: 'param.cardTemplateId.notExist',
	duplicateOutTrackId: 'param.outTrackId.duplicate',
	unknownCard: 'card.instance.notExist',
	invalidParamMap: 'param.cardParamMap.invalid',
	invalidParameter: 'InvalidParameter',
	invalidSpace: 'param.openSpaceId.invalid',
} as const;

export type CardSpaceType = 'IM_GROUP' | 'IM_ROBOT';

/** A card instance as the fake keeps it. */
export interface FakeCard {
	appKey: string;
	outTrackId: string;
	cardTemplateId: string;
	/** 'STREAM', 'HTTP', or undefined when the card was created without callbacks. */
	callbackType?: string;
	callbackRouteKey?: string;
	spaceType: CardSpaceType;
	/** The openConversationId of the group, or the userId of the person. */
	spaceId: string;
	openSpaceId: string;
	/** What everyone sees. */
	publicData: Record<string, string>;
	/** What one person sees on top of the public data, by userId. */
	privateData: Record<string, Record<string, string>>;
	createdAt: number;
	/** Every update applied (OpenAPI PUT or a callback ACK), oldest first. */
	updates: Array<{ via: 'api' | 'callbackAck'; at: number; body: Record<string, unknown> }>;
}

export interface FakeCardsOptions {
	/** Card template IDs that exist; any other is refused. */
	templates?: string[];
	/** Every template ID exists (the sandbox, which has no card builder). */
	acceptAnyTemplate?: boolean;
	/** Pushes the callbacks of {@link FakeCards.click}. */
	gateway?: FakeStreamGateway;
	now?: () => number;
}

export interface CardClick {
	outTrackId: string;
	/** Who clicked (a userId). */
	userId: string;
	/** The button's parameters, as the template configures them for a 回传请求 button. */
	params?: Record<string, unknown>;
	/** The button's action ID; default 'action'. */
	actionId?: string;
	corpId?: string;
}

export interface CardClickResult {
	messageId: string;
	ack: RecordedAck;
	/** The card after the ACK's update (if any) was applied. */
	card: FakeCard;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ok(result: unknown): Reply {
	return { status: 200, json: { success: true, result } };
}

/** A cardParamMap of strings, or the error answer. Absent means empty. */
function paramMapOf(cardData: unknown, where: string): Record<string, string> | Reply {
	if (cardData === undefined) return {};
	if (!isObject(cardData))
		return apiError(400, CARD_ERROR_CODES.invalidParamMap, `${where} 不合法`);
	const map = cardData.cardParamMap;
	if (map === undefined) return {};
	if (!isObject(map)) {
		return apiError(400, CARD_ERROR_CODES.invalidParamMap, `${where}.cardParamMap 必须是对象`);
	}
	for (const [name, value] of Object.entries(map)) {
		if (typeof value !== 'string') {
			return apiError(
				400,
				CARD_ERROR_CODES.invalidParamMap,
				`${where}.cardParamMap.${name} 必须是字符串`,
			);
		}
	}
	return map as Record<string, string>;
}

function isReply(value: unknown): value is Reply {
	return isObject(value) && typeof value.status === 'number' && 'json' in value;
}

function hasPermission(app: FakeApp, permission: string): boolean {
	return app.permissions === undefined || app.permissions.includes(permission);
}

/** `dtv1.card//IM_GROUP.<cid>` or `dtv1.card//IM_ROBOT.<userId>`. */
function parseOpenSpaceId(value: unknown): { spaceType: CardSpaceType; spaceId: string } | null {
	if (typeof value !== 'string') return null;
	const match = /^dtv1\.card\/\/(IM_GROUP|IM_ROBOT)\.(.+)$/.exec(value);
	return match ? { spaceType: match[1] as CardSpaceType, spaceId: match[2] } : null;
}

export class FakeCards implements FakeExtension {
	/** Card instances by `<appKey>/<outTrackId>`. */
	readonly cards = new Map<string, FakeCard>();
	private readonly templates: Set<string>;
	private readonly now: () => number;

	constructor(
		private readonly openApi: FakeOpenApi,
		private readonly options: FakeCardsOptions = {},
	) {
		this.templates = new Set(options.templates ?? []);
		this.now = options.now ?? Date.now;
	}

	addTemplate(cardTemplateId: string): void {
		this.templates.add(cardTemplateId);
	}

	/** The card of an app by its outTrackId. */
	card(appKey: string, outTrackId: string): FakeCard | undefined {
		return this.cards.get(`${appKey}/${outTrackId}`);
	}

	/** What `userId` sees: the public data with their private data on top. */
	seenBy(card: FakeCard, userId: string): Record<string, string> {
		return { ...card.publicData, ...card.privateData[userId] };
	}

	reset(): void {
		this.cards.clear();
	}

	routes(): Route[] {
		return [
			{
				path: CARD_CREATE_AND_DELIVER_PATH,
				methods: ['POST'],
				handle: (context) => this.withCardApp(context, (app, body) => this.create(app, body)),
			},
			{
				path: CARD_INSTANCES_PATH,
				methods: ['PUT'],
				handle: (context) => this.withCardApp(context, (app, body) => this.update(app, body)),
			},
		];
	}

	/**
	 * A person clicks a callback button of a card: DingTalk pushes a card callback over one of
	 * the app's Stream connections and applies the card update the ACK carries. Throws when the
	 * card does not exist, was not created with `callbackType: "STREAM"` (DingTalk sends nothing
	 * then) or the app has no Stream connection subscribed to card callbacks.
	 */
	async click(appKey: string, click: CardClick, timeoutMs = 5000): Promise<CardClickResult> {
		const gateway = this.options.gateway;
		if (!gateway) throw new Error('FakeCards has no Stream gateway to push callbacks through');
		const card = this.card(appKey, click.outTrackId);
		if (!card) throw new Error(`no card ${click.outTrackId} of app ${appKey}`);
		if (card.callbackType !== 'STREAM') {
			throw new Error(
				`card ${click.outTrackId} was not created with callbackType "STREAM": DingTalk sends no callback`,
			);
		}
		const connection = gateway
			.liveConnections()
			.filter(
				(candidate) =>
					candidate.clientId === appKey &&
					candidate.subscriptions.some(
						(subscription) =>
							subscription.type === 'CALLBACK' && subscription.topic === CARD_CALLBACK_TOPIC,
					),
			)
			.pop();
		if (!connection) throw new Error(`app ${appKey} has no Stream connection for card callbacks`);
		const content = JSON.stringify({
			cardPrivateData: { actionIds: [click.actionId ?? 'action'], params: click.params ?? {} },
		});
		const messageId = gateway.pushCardCallback(
			{
				type: 'actionCallback',
				userId: click.userId,
				outTrackId: card.outTrackId,
				corpId: click.corpId ?? 'dingfakecorp',
				spaceType: card.spaceType,
				spaceId: card.spaceId,
				userIdType: 1,
				extension: '{}',
				value: content,
				content,
			},
			{ connectionId: connection.id },
		);
		const ack = await gateway.waitForAck(messageId, timeoutMs);
		this.applyAck(card, click.userId, ack);
		return { messageId, ack, card };
	}

	private applyAck(card: FakeCard, userId: string, ack: RecordedAck): void {
		if (ack.code !== 200 || typeof ack.data !== 'string') return;
		let data: unknown;
		try {
			data = JSON.parse(ack.data);
		} catch {
			return;
		}
		const response = isObject(data) ? data.response : undefined;
		if (!isObject(response)) return;
		const publicMap = paramMapOf(response.cardData, 'cardData');
		const privateMap = paramMapOf(response.userPrivateData, 'userPrivateData');
		if (isReply(publicMap) || isReply(privateMap)) return;
		const options = isObject(response.cardUpdateOptions) ? response.cardUpdateOptions : {};
		if (response.cardData !== undefined) {
			card.publicData =
				options.updateCardDataByKey === true ? { ...card.publicData, ...publicMap } : publicMap;
		}
		if (response.userPrivateData !== undefined) {
			card.privateData[userId] =
				options.updatePrivateDataByKey === true
					? { ...card.privateData[userId], ...privateMap }
					: privateMap;
		}
		card.updates.push({ via: 'callbackAck', at: this.now(), body: response });
	}

	private withCardApp(
		context: RequestContext,
		handle: (app: FakeApp, body: Record<string, unknown>) => Reply,
	): Reply {
		return this.openApi.withApp(context, (app, body) => {
			if (!hasPermission(app, CARD_WRITE_PERMISSION)) {
				return {
					status: 403,
					json: {
						code: CARD_ERROR_CODES.permission,
						message:
							'没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp/add-api-permission',
						requestid: 'fake-request-id',
						accessdenieddetail: { requiredScopes: [CARD_WRITE_PERMISSION] },
					},
				};
			}
			return handle(app, body);
		});
	}

	private create(app: FakeApp, body: Record<string, unknown>): Reply {
		const { cardTemplateId, outTrackId, callbackType } = body;
		if (typeof cardTemplateId !== 'string' || cardTemplateId === '') {
			return apiError(400, CARD_ERROR_CODES.invalidParameter, 'cardTemplateId 不能为空');
		}
		if (typeof outTrackId !== 'string' || outTrackId === '') {
			return apiError(400, CARD_ERROR_CODES.invalidParameter, 'outTrackId 不能为空');
		}
		if (!this.options.acceptAnyTemplate && !this.templates.has(cardTemplateId)) {
			return apiError(400, CARD_ERROR_CODES.unknownTemplate, `卡片模板 ${cardTemplateId} 不存在`);
		}
		if (this.card(app.appKey, outTrackId)) {
			return apiError(400, CARD_ERROR_CODES.duplicateOutTrackId, `outTrackId ${outTrackId} 已存在`);
		}
		if (callbackType !== undefined && callbackType !== 'STREAM' && callbackType !== 'HTTP') {
			return apiError(400, CARD_ERROR_CODES.invalidParameter, 'callbackType 只能是 STREAM 或 HTTP');
		}
		if (callbackType === 'HTTP' && !body.callbackRouteKey) {
			return apiError(400, CARD_ERROR_CODES.invalidParameter, 'HTTP 回调需要 callbackRouteKey');
		}
		const publicData = paramMapOf(body.cardData, 'cardData');
		if (isReply(publicData)) return publicData;
		const space = parseOpenSpaceId(body.openSpaceId);
		if (!space) {
			return apiError(400, CARD_ERROR_CODES.invalidSpace, 'openSpaceId 不合法');
		}
		const spaceError = this.checkSpace(app, space, body);
		if (spaceError) return spaceError;
		const card: FakeCard = {
			appKey: app.appKey,
			outTrackId,
			cardTemplateId,
			callbackType: callbackType as string | undefined,
			callbackRouteKey:
				typeof body.callbackRouteKey === 'string' ? body.callbackRouteKey : undefined,
			...space,
			openSpaceId: String(body.openSpaceId),
			publicData,
			privateData: {},
			createdAt: this.now(),
			updates: [],
		};
		this.cards.set(`${app.appKey}/${outTrackId}`, card);
		return ok({
			outTrackId,
			deliverResults: [
				{
					spaceType: space.spaceType,
					spaceId: space.spaceId,
					success: true,
					carrierId: outTrackId,
				},
			],
		});
	}

	private checkSpace(
		app: FakeApp,
		space: { spaceType: CardSpaceType; spaceId: string },
		body: Record<string, unknown>,
	): Reply | undefined {
		const robotCode = app.robotCode ?? app.appKey;
		if (space.spaceType === 'IM_GROUP') {
			const deliver = body.imGroupOpenDeliverModel;
			if (!isObject(deliver) || deliver.robotCode !== robotCode) {
				return apiError(
					400,
					CARD_ERROR_CODES.invalidParameter,
					'imGroupOpenDeliverModel.robotCode 不合法',
				);
			}
			if (!(app.groups ?? []).includes(space.spaceId)) {
				return apiError(400, CARD_ERROR_CODES.invalidSpace, '群不存在或机器人不在群中');
			}
			return undefined;
		}
		const deliver = body.imRobotOpenDeliverModel;
		if (!isObject(deliver) || deliver.spaceType !== 'IM_ROBOT') {
			return apiError(
				400,
				CARD_ERROR_CODES.invalidParameter,
				'imRobotOpenDeliverModel.spaceType 必须是 IM_ROBOT',
			);
		}
		if (app.users && !app.users.includes(space.spaceId)) {
			return apiError(400, CARD_ERROR_CODES.invalidSpace, `用户 ${space.spaceId} 不存在`);
		}
		return undefined;
	}

	private update(app: FakeApp, body: Record<string, unknown>): Reply {
		const { outTrackId } = body;
		if (typeof outTrackId !== 'string' || outTrackId === '') {
			return apiError(400, CARD_ERROR_CODES.invalidParameter, 'outTrackId 不能为空');
		}
		const card = this.card(app.appKey, outTrackId);
		if (!card) return apiError(400, CARD_ERROR_CODES.unknownCard, `卡片 ${outTrackId} 不存在`);
		const publicData = paramMapOf(body.cardData, 'cardData');
		if (isReply(publicData)) return publicData;
		const privateData: Record<string, Record<string, string>> = {};
		if (body.privateData !== undefined) {
			if (!isObject(body.privateData)) {
				return apiError(400, CARD_ERROR_CODES.invalidParamMap, 'privateData 必须是对象');
			}
			for (const [userId, data] of Object.entries(body.privateData)) {
				const map = paramMapOf(data, `privateData.${userId}`);
				if (isReply(map)) return map;
				privateData[userId] = map;
			}
		}
		const options = isObject(body.cardUpdateOptions) ? body.cardUpdateOptions : {};
		if (body.cardData !== undefined) {
			card.publicData =
				options.updateCardDataByKey === true ? { ...card.publicData, ...publicData } : publicData;
		}
		for (const [userId, map] of Object.entries(privateData)) {
			card.privateData[userId] =
				options.updatePrivateDataByKey === true ? { ...card.privateData[userId], ...map } : map;
		}
		card.updates.push({ via: 'api', at: this.now(), body });
		return ok(true);
	}
}
