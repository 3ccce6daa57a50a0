import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	buildEncryptedSuccessReply,
	decryptEventMessage,
	deriveEventAesKey,
	verifyEventSignature,
} from '../../shared/eventCrypto';
import { buildEventItem } from '../../shared/eventItem';
import { parseJsonObject } from '../../shared/values';
import { configProblem, type TriggerConfig } from '../config';
import { MAX_MESSAGE_ID_LENGTH } from '../../shared/dedupe';
import { isEventTypeSelected, selectedEventTypes } from '../../shared/triggerFilters';
import type { EventUnreadableCause, RejectionReason } from '../rejections';
import { isDuplicate, numberOption, readJsonBody, refuse } from '../webhookRequest';

/** Event mode: encrypted event subscription pushes (事件订阅, HTTP 推送). */

/** Plaintexts DingTalk sends while a callback URL is being saved; they are answered, not run. */
export const CHECK_EVENT_TYPES = ['check_url', 'check_create_suite_url', 'check_update_suite_url'];

export type OpenedEvent = {
	event: IDataObject;
	message: string;
	/** The signed timestamp in milliseconds. */
	signedAtMs: number;
};

export type OpenEventFailure = {
	ok: false;
	reason: RejectionReason;
	/** Set with `eventUnreadable`: the precise reason, for the log only. */
	cause?: EventUnreadableCause;
};

function firstString(query: IDataObject, ...names: string[]): string | undefined {
	for (const name of names) {
		const value = query[name];
		if (typeof value === 'string' && value.length > 0) return value;
	}
	return undefined;
}

/** Event timestamps come in seconds or milliseconds; anything below 10^11 is taken as seconds. */
export function eventTimestampToMs(timestamp: string): number {
	const value = Number(timestamp);
	return value < 1e11 ? value * 1000 : value;
}

/**
 * Verifies and decrypts one HTTP push: query `msg_signature` (or the older `signature`),
 * `timestamp` (or `timeStamp`) and `nonce`, body `{"encrypt": "..."}`.
 */
export function openEventPush(options: {
	query: IDataObject;
	body: IDataObject;
	token: string;
	aesKey: Buffer;
	ownerKey: string;
	nowMs: number;
	/** 0 turns the timestamp window off. */
	windowMs: number;
}): { ok: true; value: OpenedEvent } | OpenEventFailure {
	const { query, body } = options;
	const signature = firstString(query, 'msg_signature', 'signature');
	const timestamp = firstString(query, 'timestamp', 'timeStamp');
	const nonce = firstString(query, 'nonce');
	if (signature === undefined) return { ok: false, reason: 'missingSign' };
	if (timestamp === undefined) return { ok: false, reason: 'missingTimestamp' };
	if (nonce === undefined) return { ok: false, reason: 'missingNonce' };
	if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'badTimestamp' };
	if (
		options.windowMs > 0 &&
		Math.abs(options.nowMs - eventTimestampToMs(timestamp)) > options.windowMs
	) {
		return { ok: false, reason: 'staleTimestamp' };
	}

	const encrypt = body.encrypt;
	if (typeof encrypt !== 'string' || encrypt.length === 0) {
		return { ok: false, reason: 'missingEncrypt' };
	}
	if (!verifyEventSignature({ token: options.token, timestamp, nonce, encrypt, signature })) {
		return { ok: false, reason: 'signMismatch' };
	}

	const decrypted = decryptEventMessage({
		aesKey: options.aesKey,
		encrypt,
		ownerKey: options.ownerKey,
	});
	if (!decrypted.ok) {
		// A bad key is our configuration, not the caller's fault.
		if (decrypted.reason === 'badAesKey') return { ok: false, reason: 'misconfigured' };
		return { ok: false, reason: 'eventUnreadable', cause: decrypted.reason };
	}

	const event = parseJsonObject(decrypted.value.message);
	if (!event) return { ok: false, reason: 'eventUnreadable', cause: 'eventNotJson' };
	return {
		ok: true,
		value: { event, message: decrypted.value.message, signedAtMs: eventTimestampToMs(timestamp) },
	};
}

export async function handleEventRequest(
	context: IWebhookFunctions,
	config: TriggerConfig,
): Promise<IWebhookResponseData> {
	const options = context.getNodeParameter('eventOptions', {}) as IDataObject;
	const problem = configProblem(config, 'signature', '');
	const aesKey = deriveEventAesKey(config.eventAesKey);
	if (problem || !aesKey.ok) {
		return refuse(context, 'misconfigured', { detail: problem ?? 'Invalid aes_key.' });
	}

	const read = readJsonBody(context);
	if (!read.ok) return refuse(context, read.reason);
	const windowMs = numberOption(options, 'timestampToleranceSeconds', 3600) * 1000;
	const opened = openEventPush({
		query: context.getQueryData() as IDataObject,
		body: read.body,
		token: config.eventToken,
		aesKey: aesKey.value,
		ownerKey: config.ownerKey,
		nowMs: Date.now(),
		windowMs,
	});
	if (!opened.ok) return refuse(context, opened.reason, { cause: opened.cause });

	// DingTalk wants this exact answer for every accepted push, whatever the workflow does next.
	const webhookResponse = buildEncryptedSuccessReply({
		aesKey: aesKey.value,
		token: config.eventToken,
		ownerKey: config.ownerKey,
	});
	const item = buildEventItem(opened.value.event, {
		raw: options.includeRaw === true ? opened.value.message : undefined,
	});
	if (item.eventId.length > MAX_MESSAGE_ID_LENGTH) {
		return refuse(context, 'eventUnreadable', { cause: 'eventIdTooLong' });
	}
	if (CHECK_EVENT_TYPES.includes(item.eventType)) {
		context.logger.debug(`DingTalk Trigger: answered ${item.eventType}`);
		return { webhookResponse };
	}

	const selected = selectedEventTypes(
		context.getNodeParameter('eventTypes', []),
		context.getNodeParameter('customEventTypes', ''),
	);
	if (!isEventTypeSelected(item.eventType, selected)) return { webhookResponse };

	// Retries of one event carry the same eventId; legacy pushes without one are keyed by content.
	const dedupeKey = item.eventId || `plaintext:${opened.value.message}`;
	const duplicate = isDuplicate(context, 'event', dedupeKey, {
		minutes: numberOption(options, 'dedupeMinutes', 10),
		signedAtMs: opened.value.signedAtMs,
		windowMs,
	});
	if (duplicate) {
		context.logger.debug('DingTalk Trigger: duplicate event ignored');
		return { webhookResponse };
	}
	return { workflowData: [[{ json: item }]], webhookResponse };
}
