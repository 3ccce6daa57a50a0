import type { IDataObject } from 'n8n-workflow';

import type { RobotMessageItem } from './robotMessage';

export interface RobotMessageFilters {
	messageTypes: string[];
	chatType: 'all' | 'single' | 'group';
	commandPrefix: string;
	textPattern?: RegExp;
}

/**
 * Reads a pattern either as `/source/flags` or as a bare regular expression source.
 * Returns undefined for an empty pattern and null for one that does not compile.
 */
export function parseTextPattern(pattern: string | undefined): RegExp | undefined | null {
	const value = (pattern ?? '').trim();
	if (!value) return undefined;
	const literal = /^\/(.+)\/([a-z]*)$/s.exec(value);
	try {
		return literal ? new RegExp(literal[1], literal[2]) : new RegExp(value);
	} catch {
		// Reported to the user as a configuration problem by the caller.
		return null;
	}
}

/** The robot message filters of a trigger's Options collection. */
export function robotFiltersOf(options: IDataObject): RobotMessageFilters {
	const textPattern = typeof options.textPattern === 'string' ? options.textPattern : '';
	return {
		messageTypes: Array.isArray(options.messageTypes) ? (options.messageTypes as string[]) : [],
		chatType: (options.chatType as RobotMessageFilters['chatType']) ?? 'all',
		commandPrefix: typeof options.commandPrefix === 'string' ? options.commandPrefix : '',
		textPattern: parseTextPattern(textPattern) ?? undefined,
	};
}

/** Why a verified message starts no execution, or undefined when it passes every filter. */
export function robotMessageFilteredBy(
	item: RobotMessageItem,
	filters: RobotMessageFilters,
): string | undefined {
	if (filters.messageTypes.length > 0 && !filters.messageTypes.includes(item.messageType)) {
		return 'messageType';
	}
	if (filters.chatType !== 'all' && item.conversation.type !== filters.chatType) {
		return 'chatType';
	}
	if (filters.commandPrefix && !item.text.startsWith(filters.commandPrefix)) {
		return 'commandPrefix';
	}
	if (filters.textPattern) {
		filters.textPattern.lastIndex = 0;
		if (!filters.textPattern.test(item.text)) return 'textPattern';
	}
	return undefined;
}

/** Splits free-text event types (commas, spaces, Chinese commas or new lines). */
export function parseEventTypeList(value: string | undefined): string[] {
	return (value ?? '')
		.split(/[\s,，]+/)
		.map((type) => type.trim())
		.filter((type) => type.length > 0);
}

/** An empty selection means every event type. */
export function isEventTypeSelected(eventType: string, selected: string[]): boolean {
	return selected.length === 0 || selected.includes(eventType);
}

/** The event types a trigger's Event Types and Other Event Types select; empty: every type. */
export function selectedEventTypes(eventTypes: unknown, customEventTypes: unknown): string[] {
	return [
		...(Array.isArray(eventTypes) ? (eventTypes as string[]) : []),
		...parseEventTypeList(typeof customEventTypes === 'string' ? customEventTypes : ''),
	];
}
