import type { IDataObject } from 'n8n-workflow';

/** Readers for loosely typed JSON from DingTalk: wrong types become empty values, never throws. */

export function asString(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

/** Milliseconds (or seconds) since the epoch given as a number or a string of digits. */
export function asTime(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
	return null;
}

export function asObject(value: unknown): IDataObject | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

/** The JSON object `text` holds, or undefined when it is not JSON or not an object. */
export function parseJsonObject(text: string): IDataObject | undefined {
	try {
		return asObject(JSON.parse(text));
	} catch {
		// Not JSON: each caller decides what that means.
		return undefined;
	}
}

/**
 * A received value as it may go into a log line or an answer: at most `max` characters, marked
 * when cut, so a huge field cannot flood either.
 */
export function clip(value: unknown, max = 64): string {
	const text = typeof value === 'string' ? value : String(value);
	return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
