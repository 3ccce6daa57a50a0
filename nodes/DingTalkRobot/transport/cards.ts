import type { IDataObject } from 'n8n-workflow';

import type { CardParamMap } from '../../shared/cardVariables';
import { describeCardError } from '../domain/cards/cardErrors';
import { openSpaceIdOf, type CardSpace } from '../domain/cards/openSpace';
import type { OpenApiClient, RetryOptions } from './openApi';

export const CARD_CREATE_AND_DELIVER_PATH = '/v1.0/card/instances/createAndDeliver';
export const CARD_INSTANCES_PATH = '/v1.0/card/instances';

/** userIdType 1: user IDs are userids (staff IDs), not unionIds. */
const USER_ID_TYPE_USERID = 1;

export type CardCallbackType = 'STREAM' | 'HTTP';

export interface NewCard {
	cardTemplateId: string;
	outTrackId: string;
	variables: CardParamMap;
	space: CardSpace;
	robotCode: string;
	callbackType: CardCallbackType;
	/** HTTP callbacks only: the route key registered with /v1.0/card/callbacks/register. */
	callbackRouteKey?: string;
	supportForward: boolean;
}

export interface CardUpdate {
	outTrackId: string;
	variables?: CardParamMap;
	/** What one person sees on top of the public variables, by userId. */
	privateVariables?: Record<string, CardParamMap>;
	/** True: only the variables given change; false: they replace all of the card's. */
	byKey: boolean;
}

/** The body of createAndDeliver for one card in one space. */
export function createAndDeliverBody(card: NewCard): IDataObject {
	const body: IDataObject = {
		cardTemplateId: card.cardTemplateId,
		outTrackId: card.outTrackId,
		cardData: { cardParamMap: card.variables },
		callbackType: card.callbackType,
		openSpaceId: openSpaceIdOf(card.space),
		userIdType: USER_ID_TYPE_USERID,
	};
	if (card.callbackType === 'HTTP' && card.callbackRouteKey) {
		body.callbackRouteKey = card.callbackRouteKey;
	}
	if (card.space.type === 'IM_GROUP') {
		body.imGroupOpenSpaceModel = { supportForward: card.supportForward };
		body.imGroupOpenDeliverModel = { robotCode: card.robotCode };
	} else {
		body.imRobotOpenSpaceModel = { supportForward: card.supportForward };
		body.imRobotOpenDeliverModel = { spaceType: 'IM_ROBOT', robotCode: card.robotCode };
	}
	return body;
}

/** The body of PUT /v1.0/card/instances. */
export function updateCardBody(update: CardUpdate): IDataObject {
	const body: IDataObject = {
		outTrackId: update.outTrackId,
		userIdType: USER_ID_TYPE_USERID,
		cardUpdateOptions: {
			updateCardDataByKey: update.byKey,
			updatePrivateDataByKey: update.byKey,
		},
	};
	if (update.variables) body.cardData = { cardParamMap: update.variables };
	if (update.privateVariables) {
		body.privateData = Object.fromEntries(
			Object.entries(update.privateVariables).map(([userId, map]) => [
				userId,
				{ cardParamMap: map },
			]),
		);
	}
	return body;
}

export async function createAndDeliverCard(
	client: OpenApiClient,
	card: NewCard,
	retry: RetryOptions,
): Promise<IDataObject> {
	return await client.post(CARD_CREATE_AND_DELIVER_PATH, createAndDeliverBody(card), {
		...retry,
		what: 'DingTalk did not create and deliver the card',
		describeCode: describeCardError,
	});
}

export async function updateCard(
	client: OpenApiClient,
	update: CardUpdate,
	retry: RetryOptions,
): Promise<IDataObject> {
	return await client.put(CARD_INSTANCES_PATH, updateCardBody(update), {
		...retry,
		what: 'DingTalk did not update the card',
		describeCode: describeCardError,
	});
}
