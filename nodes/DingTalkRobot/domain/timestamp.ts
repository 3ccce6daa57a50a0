import { MessageFieldError } from './robotMessage';

/** A date and time (ISO text, a JS date, or milliseconds) as DingTalk's milliseconds. */
export function readTimestamp(
	value: unknown,
	field = 'dueTime',
	label = 'Due Time',
): number | undefined {
	if (value === undefined || value === null || String(value).trim() === '') return undefined;
	const millis =
		typeof value === 'number'
			? value
			: value instanceof Date
				? value.getTime()
				: /^\d+$/.test(String(value).trim())
					? Number(String(value).trim())
					: Date.parse(String(value));
	if (!Number.isFinite(millis)) {
		throw new MessageFieldError(
			field,
			`"${label}" is not a date and time: ${String(value).slice(0, 60)}`,
			'Pick a date, or give an ISO date such as 2026-12-31T18:00:00+08:00 or milliseconds since 1970.',
		);
	}
	return Math.round(millis);
}
