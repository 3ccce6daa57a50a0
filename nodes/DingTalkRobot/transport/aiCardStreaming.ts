import { randomUUID } from 'node:crypto';
import type { IDataObject, NodeApiError } from 'n8n-workflow';

import { describeAiCardError } from '../domain/aiCards/aiCardErrors';
import type { SendOutcome } from '../domain/aiCards/cardTextUpdater';
import { isThrottled } from '../../shared/errorCatalog';
import { updateCard } from './cards';
import type { OpenApiClient, RetryOptions } from './openApi';

export const CARD_STREAMING_PATH = '/v1.0/card/streaming';

export interface StreamingUpdate {
	outTrackId: string;
	/** The template's streaming variable. */
	key: string;
	/** The whole text so far: sent with isFull, a lost call is healed by the next. */
	content: string;
	/** False: `content` is added to what the card shows (manual appends). Default true. */
	isFull?: boolean;
	isFinalize: boolean;
	isError: boolean;
}

/** The body of PUT /v1.0/card/streaming; every call has a new guid. */
export function streamingBody(update: StreamingUpdate): IDataObject {
	return {
		outTrackId: update.outTrackId,
		guid: randomUUID(),
		key: update.key,
		content: update.content,
		isFull: update.isFull !== false,
		isFinalize: update.isFinalize,
		isError: update.isError,
	};
}

/**
 * One streaming call, not retried here: a refusal for DingTalk's call limit comes back as
 * 'throttled' for the card's updater, which backs off and sends the latest text instead.
 */
export async function putCardStreaming(
	client: OpenApiClient,
	update: StreamingUpdate,
): Promise<SendOutcome> {
	try {
		await client.put(CARD_STREAMING_PATH, streamingBody(update), {
			maxRetries: 0,
			retryDelayMs: 0,
			what: 'DingTalk did not take the AI card update',
			describeCode: describeAiCardError,
		});
		return 'sent';
	} catch (caught) {
		const error = caught as NodeApiError;
		if (isThrottled(Number(error.httpCode), error.context?.code)) return 'throttled';
		throw error;
	}
}

/** An AI card of the app, and the names of its streaming and status variables. */
export interface AiCardHandle {
	client: OpenApiClient;
	outTrackId: string;
	contentKey: string;
	statusKey: string;
	retry: RetryOptions;
}

/** Sets the card's status variable (and its text, when given), leaving its other variables. */
export async function setAiCardStatus(
	card: AiCardHandle,
	status: string,
	content?: string,
): Promise<void> {
	const variables = { [card.statusKey]: status };
	if (content !== undefined) variables[card.contentKey] = content;
	await updateCard(
		card.client,
		{ outTrackId: card.outTrackId, variables, byKey: true },
		card.retry,
	);
}
