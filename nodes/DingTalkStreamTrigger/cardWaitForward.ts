import { randomBytes } from 'node:crypto';
import type { IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import type { CardCallbackItem } from '../shared/cardCallback';
import {
	cardAckUpdate,
	CARD_WAIT_VARIABLES,
	NOT_WAITING_NOTICE,
	readCardWaitAnswer,
	type CardAckUpdate,
	type ForwardedCardClick,
} from '../shared/cardWait/contract';
import { cardProof, CARD_PROOF_HEADER } from '../shared/cardWait/proof';
import type { CardWaitTarget } from '../shared/cardWait/trackId';
import { clip } from '../shared/values';

/** DingTalk waits a few seconds for the ACK of a click; the forward must end well before. */
export const CARD_FORWARD_TIMEOUT_MS = 4000;

export interface CardWaitForwarderOptions {
	appKey: string;
	appSecret: string;
	/** The origin of n8n as this process reaches it, e.g. http://localhost:5678. */
	n8nOrigin: string;
	request: (options: IHttpRequestOptions) => Promise<IN8nHttpFullResponse>;
	now?: () => number;
	/** Why a click could not be handed to a waiting execution, for n8n's log. */
	warn?: (message: string) => void;
}

/**
 * The click as a form with one field, `payload`. n8n (2.41) accepts a POST to the resume URL of a
 * Send and Wait custom form only as multipart/form-data, and takes it for the other kinds too.
 * The part has no Content-Type of its own: n8n's form parser would take it for a file.
 */
export function multipartPayload(payload: string): { body: string; contentType: string } {
	let boundary = `n8n-dingtalk-${randomBytes(12).toString('hex')}`;
	while (payload.includes(boundary)) boundary = `n8n-dingtalk-${randomBytes(12).toString('hex')}`;
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		body: `--${boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n${payload}\r\n--${boundary}--\r\n`,
	};
}

/** The request that hands a click to the waiting execution's resume URL, with the app's proof. */
export function cardWaitRequest(
	options: CardWaitForwarderOptions,
	target: CardWaitTarget,
	click: CardCallbackItem,
	now: number,
): IHttpRequestOptions {
	const forwarded: ForwardedCardClick = {
		appKey: options.appKey,
		userId: click.userId,
		outTrackId: click.outTrackId,
		actionId: click.actionId,
		params: click.params,
		corpId: click.corpId,
		spaceType: click.spaceType,
		spaceId: click.spaceId,
	};
	const payload = JSON.stringify(forwarded);
	const url = new URL(target.path, options.n8nOrigin);
	url.searchParams.set('signature', target.signature);
	const form = multipartPayload(payload);
	return {
		method: 'POST',
		url: url.toString(),
		headers: {
			'content-type': form.contentType,
			[CARD_PROOF_HEADER]: cardProof(options.appSecret, payload, now),
		},
		body: form.body,
		timeout: CARD_FORWARD_TIMEOUT_MS,
		disableFollowRedirect: true,
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	};
}

/** The answer's body as an object: n8n's request helper parses JSON only sometimes. */
function parsedBody(body: unknown): unknown {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
	if (typeof text !== 'string') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

const notWaiting = (): CardAckUpdate =>
	cardAckUpdate(undefined, { [CARD_WAIT_VARIABLES.notice]: NOT_WAITING_NOTICE });

/**
 * Hands a click on a Send and Wait card to the execution waiting for it and returns the card
 * update for the ACK: the waiting node's own, or a private "no longer waiting" notice when n8n
 * did not take the click (answered already, expired, wrong signature or app, n8n unreachable).
 */
export function createCardWaitForwarder(
	options: CardWaitForwarderOptions,
): (target: CardWaitTarget, click: CardCallbackItem) => Promise<CardAckUpdate> {
	const now = options.now ?? Date.now;
	return async (target, click) => {
		let response: IN8nHttpFullResponse;
		try {
			response = await options.request(cardWaitRequest(options, target, click, now()));
		} catch (error) {
			options.warn?.(
				`could not hand a card click to its waiting execution: ${clip((error as Error).message, 200)}`,
			);
			return notWaiting();
		}
		const update =
			response.statusCode === 200 ? readCardWaitAnswer(parsedBody(response.body)) : undefined;
		if (update) return update;
		options.warn?.(
			`n8n did not take a card click for ${clip(target.path, 120)} (HTTP ${response.statusCode}): the execution was answered already, expired, or the click is not of this app`,
		);
		return notWaiting();
	};
}
