import type { IDataObject } from 'n8n-workflow';

import { asString, asTime } from './values';

/**
 * The item the DingTalk Trigger outputs for an event subscription push (事件订阅), whatever way it
 * arrived: the decrypted JSON of an HTTP push, or the event of a Stream frame.
 */
export type EventItem = {
	eventType: string;
	eventId: string;
	eventTime: number | null;
	corpId: string;
	bizId: string;
	/** Every field of the event except the envelope above, under its camelCase name. */
	data: IDataObject;
	/** The decrypted text, when asked for. */
	raw?: string;
};

/** Envelope keys lifted to the top of the item; every other key goes into `data`. */
const ENVELOPE_KEYS = new Set(['eventType', 'eventId', 'eventTime', 'corpId', 'bizId']);

/**
 * The legacy push shape capitalises its keys (`EventType`, `TimeStamp`, `UserId`, `CorpId`);
 * the current one uses camelCase. `UserId` → `userId`, while acronyms such as `URL` stay.
 */
function camelCaseKey(key: string): string {
	return /^[A-Z][a-z]/.test(key) ? key[0].toLowerCase() + key.slice(1) : key;
}

/**
 * Normalises both the current flat and the legacy capitalised event shape into one item.
 * `raw` is the text the event was parsed from, kept when given.
 */
export function buildEventItem(event: IDataObject, options: { raw?: string } = {}): EventItem {
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
	if (options.raw !== undefined) item.raw = options.raw;
	return item;
}
