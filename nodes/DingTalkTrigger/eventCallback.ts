import type { IDataObject } from 'n8n-workflow';

import { decryptEventMessage, verifyEventSignature } from '../shared/eventCrypto';
import type { EventUnreadableCause, RejectionReason } from './rejections';

/** Plaintexts DingTalk sends while a callback URL is being saved; they are answered, not run. */
export const CHECK_EVENT_TYPES = ['check_url', 'check_create_suite_url', 'check_update_suite_url'];

/** Envelope keys lifted to the top of the item; every other key goes into `data`. */
const ENVELOPE_KEYS = new Set(['eventType', 'eventId', 'eventTime', 'corpId', 'bizId']);

export type EventItem = {
	eventType: string;
	eventId: string;
	eventTime: number | null;
	corpId: string;
	bizId: string;
	data: IDataObject;
	raw?: string;
};

export type OpenedEvent = {
	event: IDataObject;
	message: string;
	/** The signed timestamp in milliseconds. */
	signedAtMs: number;
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
}):
	| { ok: true; value: OpenedEvent }
	| { ok: false; reason: RejectionReason; cause?: EventUnreadableCause } {
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

export function parseJsonObject(text: string): IDataObject | undefined {
	try {
		const parsed: unknown = JSON.parse(text);
		return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
			? (parsed as IDataObject)
			: undefined;
	} catch {
		// Not JSON: the caller answers 400.
		return undefined;
	}
}

/**
 * The legacy push shape capitalises its keys (`EventType`, `TimeStamp`, `UserId`, `CorpId`);
 * the current one uses camelCase. `UserId` → `userId`, while acronyms such as `URL` stay.
 */
function camelCaseKey(key: string): string {
	return /^[A-Z][a-z]/.test(key) ? key[0].toLowerCase() + key.slice(1) : key;
}

function asString(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

function asTime(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
	return null;
}

/** Normalises both the current flat and the legacy capitalised event shape into one item. */
export function normalizeEvent(
	event: IDataObject,
	message: string,
	includeRaw: boolean,
): EventItem {
	const fields: IDataObject = {};
	for (const [key, value] of Object.entries(event)) {
		const name = camelCaseKey(key);
		// When both spellings are present, the current (camelCase) one wins.
		if (name === key || !(name in event)) fields[name] = value;
	}
	const data: IDataObject = {};
	for (const [key, value] of Object.entries(fields)) {
		if (!ENVELOPE_KEYS.has(key)) data[key] = value;
	}
	const item: EventItem = {
		eventType: asString(fields.eventType),
		eventId: asString(fields.eventId),
		eventTime: asTime(fields.eventTime) ?? asTime(fields.timeStamp),
		corpId: asString(fields.corpId),
		bizId: asString(fields.bizId),
		data,
	};
	if (includeRaw) item.raw = message;
	return item;
}
