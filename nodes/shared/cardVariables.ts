import { MessageFieldError } from './fieldError';

/** The variables of an interactive card (cardParamMap): DingTalk takes strings only. */
export type CardParamMap = Record<string, string>;

/**
 * A variable's value as DingTalk takes it: strings as they are, numbers and booleans as text,
 * objects and arrays as their JSON text (a template's list or object variables are read from
 * that JSON), null and undefined as ''.
 */
export function cardValueText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value === null || value === undefined) return '';
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

export const NOT_JSON = Symbol('not JSON');

/** The value JSON text holds, or {@link NOT_JSON}. */
export function parseJsonText(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return NOT_JSON;
	}
}

/**
 * A JSON object (or its text) of variables as a cardParamMap. Fails naming `field` when it is
 * not an object or a variable name is empty.
 */
export function toCardParamMap(value: unknown, field: string, label: string): CardParamMap {
	let parsed = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		parsed = parseJsonText(value);
		if (parsed === NOT_JSON) {
			throw new MessageFieldError(
				field,
				`"${label}" is not valid JSON`,
				'Write the variables as a JSON object, e.g. {"title": "Deploy v2", "status": "waiting"}.',
			);
		}
	}
	if (parsed === null || parsed === undefined) return {};
	if (typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new MessageFieldError(
			field,
			`"${label}" is not a JSON object`,
			'Write the variables as a JSON object of names and values, e.g. {"title": "Deploy v2"}.',
		);
	}
	return pairsToCardParamMap(Object.entries(parsed as Record<string, unknown>), field, label);
}

/** Name/value pairs as a cardParamMap; a later pair of the same name wins. */
export function pairsToCardParamMap(
	pairs: Array<[unknown, unknown]>,
	field: string,
	label: string,
): CardParamMap {
	const map: CardParamMap = {};
	for (const [rawName, value] of pairs) {
		const name = typeof rawName === 'string' ? rawName.trim() : '';
		if (!name) {
			throw new MessageFieldError(
				field,
				`A variable in "${label}" has no name`,
				'Give every variable the name it has in the card template.',
			);
		}
		map[name] = cardValueText(value);
	}
	return map;
}
