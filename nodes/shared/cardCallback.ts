import type { IDataObject } from 'n8n-workflow';

import { cardValueText, type CardParamMap } from './cardVariables';
import { asObject, asString, parseJsonObject } from './values';

/**
 * An interactive-card callback: the `data` of a Stream frame on topic
 * /v1.0/card/instances/callback, as DingTalk sends it when someone clicks a callback button
 * (回传请求) of a card created with `callbackType: "STREAM"`. `content` and `extension` are JSON
 * *strings*; the button's parameters are in `content` → `cardPrivateData`.
 */
export interface CardCallbackData extends IDataObject {
	/** 'actionCallback' for a button click. */
	type?: string;
	/** The person who clicked. */
	userId?: string;
	outTrackId?: string;
	corpId?: string;
	/** 'IM_GROUP' or 'IM_ROBOT'. */
	spaceType?: string;
	spaceId?: string;
	userIdType?: number | string;
	/** JSON text. */
	extension?: string;
	value?: string;
	/** JSON text: `{"cardPrivateData": {"actionIds": [...], "params": {...}}}`. */
	content?: string;
}

/**
 * The workflow item of a card callback: every field as DingTalk sent it, plus the click read out
 * of `content` — who (`userId`), which card (`outTrackId`, `spaceType`, `spaceId`), which button
 * (`actionIds`, `actionId` the first of them) and its parameters (`params`).
 */
export interface CardCallbackItem extends IDataObject {
	userId: string;
	outTrackId: string;
	spaceType: string;
	spaceId: string;
	corpId: string;
	actionIds: string[];
	actionId: string;
	params: IDataObject;
}

/** `cardPrivateData` of `content`, else of `value` (both JSON text). */
function cardPrivateDataOf(data: CardCallbackData): IDataObject {
	for (const text of [data.content, data.value]) {
		if (typeof text !== 'string') continue;
		const privateData = asObject(parseJsonObject(text)?.cardPrivateData);
		if (privateData) return privateData;
	}
	return {};
}

export function buildCardCallbackItem(
	data: CardCallbackData,
	options: { raw?: string } = {},
): CardCallbackItem {
	const privateData = cardPrivateDataOf(data);
	const actionIds = Array.isArray(privateData.actionIds)
		? privateData.actionIds.map((id) => asString(id)).filter((id) => id !== '')
		: [];
	const item: CardCallbackItem = {
		...data,
		userId: asString(data.userId),
		outTrackId: asString(data.outTrackId),
		spaceType: asString(data.spaceType),
		spaceId: asString(data.spaceId),
		corpId: asString(data.corpId),
		actionIds,
		actionId: actionIds[0] ?? '',
		params: asObject(privateData.params) ?? {},
	};
	if (options.raw !== undefined) item.raw = options.raw;
	return item;
}

/**
 * The card update to answer a callback with, as set on the trigger: variables for everyone and
 * for the person who clicked. String values may hold placeholders filled from the callback:
 * {userId}, {outTrackId}, {spaceId}, {spaceType}, {actionId} and {params.<name>}.
 */
export interface CardAnswerTemplate {
	publicVariables?: CardParamMap;
	privateVariables?: CardParamMap;
}

const PLACEHOLDER = /\{(userId|outTrackId|spaceId|spaceType|actionId|params\.[^{}\s]+)\}/g;

function fill(text: string, item: CardCallbackItem): string {
	return text.replace(PLACEHOLDER, (_, name: string) =>
		name.startsWith('params.')
			? cardValueText(item.params[name.slice('params.'.length)])
			: asString(item[name]),
	);
}

function filled(map: CardParamMap, item: CardCallbackItem): CardParamMap {
	return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, fill(value, item)]));
}

/**
 * The `response` of the ACK of a card callback: DingTalk updates the card at once, public
 * variables for everyone, private ones for the clicker only, each by key (other variables stay).
 * Null when the template holds no variables: the card stays as it is.
 */
export function cardCallbackAnswer(
	template: CardAnswerTemplate | undefined,
	item: CardCallbackItem,
): IDataObject | null {
	const publicVariables = template?.publicVariables ?? {};
	const privateVariables = template?.privateVariables ?? {};
	const hasPublic = Object.keys(publicVariables).length > 0;
	const hasPrivate = Object.keys(privateVariables).length > 0;
	if (!hasPublic && !hasPrivate) return null;
	const answer: IDataObject = {
		cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
	};
	if (hasPublic) answer.cardData = { cardParamMap: filled(publicVariables, item) };
	if (hasPrivate) answer.userPrivateData = { cardParamMap: filled(privateVariables, item) };
	return answer;
}
