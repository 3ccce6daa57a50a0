import type { IDataObject } from 'n8n-workflow';

import type { CardParamMap } from '../cardVariables';

/**
 * What a Send and Wait card template works with. The node fills these public variables when it
 * sends the card, and after the decision sets `status` and `resultText` for everyone; `notice` is
 * private to one clicker. Callback buttons (回传请求) send `action` and, for free text and forms,
 * the inputs' values.
 */
export const CARD_WAIT_VARIABLES = {
	title: 'title',
	content: 'content',
	responseType: 'responseType',
	approveText: 'approveText',
	declineText: 'declineText',
	submitText: 'submitText',
	status: 'status',
	resultText: 'resultText',
	notice: 'notice',
} as const;

export type CardWaitStatus = 'waiting' | 'approved' | 'declined' | 'answered';

export const CARD_WAIT_ACTIONS = {
	approve: 'approve',
	decline: 'decline',
	submit: 'submit',
} as const;

/** What the Stream trigger answers a click with when the waiting execution did not answer it. */
export const NOT_WAITING_NOTICE = 'This request was already answered or is no longer waiting.';

/** A card click as the Stream trigger hands it to the waiting node (the signed `payload`). */
export interface ForwardedCardClick extends IDataObject {
	appKey: string;
	userId: string;
	outTrackId: string;
	actionId: string;
	params: IDataObject;
	corpId: string;
	spaceType: string;
	spaceId: string;
}

/** A card update to put into the ACK of the callback: public and the clicker's own variables. */
export interface CardAckUpdate extends IDataObject {
	cardData?: { cardParamMap: CardParamMap };
	userPrivateData?: { cardParamMap: CardParamMap };
	cardUpdateOptions: { updateCardDataByKey: true; updatePrivateDataByKey: true };
}

export type CardWaitOutcome = 'resumed' | 'notAuthorized' | 'invalidAnswer';

/** The waiting node's answer to a forwarded click. */
export interface CardWaitAnswer extends IDataObject {
	outcome: CardWaitOutcome;
	cardUpdate: CardAckUpdate;
}

export function cardAckUpdate(
	publicVariables: CardParamMap | undefined,
	privateVariables: CardParamMap | undefined,
): CardAckUpdate {
	const update: CardAckUpdate = {
		cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
	};
	if (publicVariables) update.cardData = { cardParamMap: publicVariables };
	if (privateVariables) update.userPrivateData = { cardParamMap: privateVariables };
	return update;
}

function stringMap(value: unknown): CardParamMap | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
	const map = (value as IDataObject).cardParamMap;
	if (typeof map !== 'object' || map === null || Array.isArray(map)) return undefined;
	const entries = Object.entries(map).filter(([, text]) => typeof text === 'string');
	return Object.fromEntries(entries) as CardParamMap;
}

/**
 * The card update of a waiting node's answer, rebuilt from its string variables only, or
 * undefined when the answer is not one: the ACK never carries anything else.
 */
export function readCardWaitAnswer(body: unknown): CardAckUpdate | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const { outcome, cardUpdate } = body as IDataObject;
	if (!['resumed', 'notAuthorized', 'invalidAnswer'].includes(String(outcome))) return undefined;
	if (typeof cardUpdate !== 'object' || cardUpdate === null) return undefined;
	const update = cardUpdate as IDataObject;
	return cardAckUpdate(stringMap(update.cardData), stringMap(update.userPrivateData));
}
