import type { IDataObject } from 'n8n-workflow';

import type { CardAnswerTemplate } from '../shared/cardCallback';
import { toCardParamMap } from '../shared/cardVariables';
import { MessageFieldError } from '../shared/fieldError';
import { parseTextPattern, robotFiltersOf, selectedEventTypes } from '../shared/triggerFilters';
import { DEFAULT_WATCHDOG_MS } from './connection';
import type { StreamSubscriptionKind } from './frames';
import type { StreamTriggerSettings } from './frameHandler';

const KINDS: readonly StreamSubscriptionKind[] = ['robotMessages', 'events', 'cardCallbacks'];

export interface StreamTriggerParameters {
	receive: unknown;
	eventTypes: unknown;
	customEventTypes: unknown;
	options: IDataObject;
}

function numberOf(value: unknown, fallback: number): number {
	const number = typeof value === 'number' ? value : Number(value);
	return Number.isFinite(number) && number >= 0 ? number : fallback;
}

/** Options → Card Update in Answer, checked at activation (the ACK cannot wait for a workflow). */
function readCardAnswer(options: IDataObject): CardAnswerTemplate | undefined {
	const publicVariables = toCardParamMap(
		options.cardAnswerPublic,
		'cardAnswerPublic',
		'Card Update in Answer: For Everyone',
	);
	const privateVariables = toCardParamMap(
		options.cardAnswerPrivate,
		'cardAnswerPrivate',
		'Card Update in Answer: For the Clicker',
	);
	if (Object.keys(publicVariables).length + Object.keys(privateVariables).length === 0) {
		return undefined;
	}
	return { publicVariables, privateVariables };
}

/**
 * Where this trigger hands clicks on Send and Wait cards to: Options → Card Answer Address,
 * else n8n's own address. Only the origin counts: the card carries the resume path.
 */
export function cardAnswerOrigin(option: unknown, instanceBaseUrl: string): string {
	const given = typeof option === 'string' ? option.trim() : '';
	let url: URL | undefined;
	try {
		url = new URL(given || instanceBaseUrl);
	} catch {
		url = undefined;
	}
	if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password) {
		throw new MessageFieldError(
			'cardAnswerBaseUrl',
			`The Card Answer Address must be an http(s) URL, not "${(given || instanceBaseUrl).slice(0, 100)}"`,
			'Give the address this n8n answers at, e.g. http://localhost:5678, or clear the option.',
		);
	}
	return url.origin;
}

/** Reads the node's parameters; a MessageFieldError names what to fix. */
export function readStreamSettings(
	parameters: StreamTriggerParameters,
): StreamTriggerSettings & { watchdogMs: number } {
	const receive = Array.isArray(parameters.receive) ? parameters.receive : [];
	const kinds = KINDS.filter((kind) => receive.includes(kind));
	if (kinds.length === 0) {
		throw new MessageFieldError(
			'receive',
			'Receive has nothing chosen',
			'Choose Robot Messages, Events or Card Callbacks under Receive.',
		);
	}
	const { options } = parameters;
	const textPattern = typeof options.textPattern === 'string' ? options.textPattern : '';
	if (parseTextPattern(textPattern) === null) {
		throw new MessageFieldError(
			'textPattern',
			`The Text Pattern "${textPattern.slice(0, 100)}" is not a valid regular expression`,
			'Fix or clear Options → Text Pattern.',
		);
	}
	return {
		kinds,
		robotFilters: robotFiltersOf(options),
		eventTypes: selectedEventTypes(parameters.eventTypes, parameters.customEventTypes),
		dedupeMs: numberOf(options.dedupeMinutes, 10) * 60_000,
		includeRaw: options.includeRaw === true,
		cardAnswer: readCardAnswer(options),
		watchdogMs: Math.max(10, numberOf(options.watchdogSeconds, DEFAULT_WATCHDOG_MS / 1000)) * 1000,
	};
}
