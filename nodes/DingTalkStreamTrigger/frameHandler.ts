import type { IDataObject } from 'n8n-workflow';

import {
	buildCardCallbackItem,
	cardCallbackAnswer,
	type CardAnswerTemplate,
	type CardCallbackItem,
} from '../shared/cardCallback';
import type { CardAckUpdate } from '../shared/cardWait/contract';
import { readSendAndWaitTrackId, type CardWaitTarget } from '../shared/cardWait/trackId';
import { MAX_MESSAGE_ID_LENGTH, type TtlSet } from '../shared/dedupe';
import { buildRobotMessageItem } from '../shared/robotMessage';
import { clip } from '../shared/values';
import {
	isEventTypeSelected,
	robotMessageFilteredBy,
	type RobotMessageFilters,
} from '../shared/triggerFilters';
import {
	FRAME_FAILED_TEXT,
	streamCallbackAck,
	streamErrorAck,
	streamEventAck,
	type ParsedStreamFrame,
	type StreamAck,
	type StreamSubscriptionKind,
} from './frames';
import { streamEventItem } from './items';

/** What the node's parameters say about the frames to turn into executions. */
export interface StreamTriggerSettings {
	kinds: StreamSubscriptionKind[];
	robotFilters: RobotMessageFilters;
	/** Empty: every event type. */
	eventTypes: string[];
	/** How long a msgId or eventId is remembered; 0 turns deduplication off. */
	dedupeMs: number;
	includeRaw: boolean;
	/** The card update put into the ACK of each card callback that started an execution. */
	cardAnswer?: CardAnswerTemplate;
}

export interface FrameHandlerOptions {
	settings: StreamTriggerSettings;
	/** Starts an execution with the item; throws when it could not be started. */
	emit: (item: IDataObject) => void;
	seen: TtlSet;
	now?: () => number;
	/** Why a frame started nothing, for the debug log. */
	skipped?: (why: string) => void;
	/**
	 * An execution could not be started; the frame was answered LATER (events) or 500 with a fixed
	 * text, as the error's own can hold paths and internals: it goes to n8n's log only.
	 */
	failed?: (message: string) => void;
	/** False once a test run has its item: later events are handed back to DingTalk. */
	acceptsMore?: () => boolean;
	/**
	 * Hands a click on a Send and Wait card to its waiting execution and gives the card update
	 * for the ACK. Such clicks never start an execution of this trigger.
	 */
	forwardCardWait?: (target: CardWaitTarget, click: CardCallbackItem) => Promise<CardAckUpdate>;
}

type Deliverable = Extract<ParsedStreamFrame, { kind: 'robotMessage' | 'event' | 'cardCallback' }>;

type Outcome = { start: IDataObject; key?: string } | { skip: string };

function isDeliverable(parsed: ParsedStreamFrame): parsed is Deliverable {
	return (
		parsed.kind === 'robotMessage' || parsed.kind === 'event' || parsed.kind === 'cardCallback'
	);
}

async function forwardCardWait(
	forward: NonNullable<FrameHandlerOptions['forwardCardWait']>,
	target: CardWaitTarget,
	parsed: Extract<ParsedStreamFrame, { kind: 'cardCallback' }>,
): Promise<StreamAck> {
	const update = await forward(target, buildCardCallbackItem(parsed.callback));
	return streamCallbackAck(parsed.frame.headers.messageId, update);
}

/**
 * Turns a frame into at most one execution and the ACK DingTalk expects. Robot messages and card
 * callbacks are ACKed whatever happens (DingTalk does not push them again); an event is ACKed
 * SUCCESS once its execution started, or when this trigger does not want it. A failed start
 * forgets the ID again and answers LATER, so DingTalk's redelivery runs.
 */
export function createFrameHandler(
	options: FrameHandlerOptions,
): (parsed: ParsedStreamFrame) => StreamAck | Promise<StreamAck> {
	const { settings, seen } = options;
	const now = options.now ?? Date.now;

	function firstTime(key: string): boolean {
		if (settings.dedupeMs <= 0) return true;
		return !seen.checkAndAdd(key, settings.dedupeMs, now());
	}

	function outcomeOf(parsed: Deliverable): Outcome {
		const raw = settings.includeRaw ? parsed.frame.data : undefined;
		if (parsed.kind === 'robotMessage') {
			if (!settings.kinds.includes('robotMessages')) return { skip: 'robot messages not chosen' };
			const item = buildRobotMessageItem(parsed.message, { includeRaw: settings.includeRaw });
			if (item.messageId.length > MAX_MESSAGE_ID_LENGTH) return { skip: 'msgId too long' };
			const filteredBy = robotMessageFilteredBy(item, settings.robotFilters);
			if (filteredBy) return { skip: `message filtered out by ${filteredBy}` };
			const key = item.messageId ? `robot:${item.messageId}` : undefined;
			if (key && !firstTime(key)) return { skip: 'duplicate robot message' };
			return { start: item, key };
		}
		if (parsed.kind === 'event') {
			if (!settings.kinds.includes('events')) return { skip: 'events not chosen' };
			const item = streamEventItem(parsed.event, { raw });
			if (item.eventId.length > MAX_MESSAGE_ID_LENGTH) return { skip: 'eventId too long' };
			if (!isEventTypeSelected(item.eventType, settings.eventTypes)) {
				return { skip: `event type ${clip(item.eventType)} not chosen` };
			}
			// A redelivered event keeps its eventId; the frame's messageId is the fallback.
			const key = `event:${item.eventId || parsed.frame.headers.messageId}`;
			if (!firstTime(key)) return { skip: 'duplicate event' };
			return { start: item, key };
		}
		if (!settings.kinds.includes('cardCallbacks')) return { skip: 'card callbacks not chosen' };
		const key = `card:${parsed.frame.headers.messageId}`;
		if (!firstTime(key)) return { skip: 'duplicate card callback' };
		return { start: buildCardCallbackItem(parsed.callback, { raw }), key };
	}

	function ackOf(parsed: Deliverable): StreamAck {
		const messageId = parsed.frame.headers.messageId;
		return parsed.kind === 'event'
			? streamEventAck(messageId, 'SUCCESS')
			: streamCallbackAck(messageId);
	}

	return (parsed) => {
		const messageId = parsed.frame.headers.messageId;
		if (parsed.kind === 'unknownCallback') {
			options.skipped?.(`topic ${clip(parsed.frame.headers.topic)} not supported`);
			return streamErrorAck(messageId, 404, 'topic not supported by this trigger');
		}
		// Pings and disconnects are the connection's own business and never come here.
		if (!isDeliverable(parsed)) return streamCallbackAck(messageId);
		const cardWait =
			parsed.kind === 'cardCallback'
				? readSendAndWaitTrackId(parsed.callback.outTrackId)
				: undefined;
		if (cardWait && options.forwardCardWait && parsed.kind === 'cardCallback') {
			if (!firstTime(`card:${messageId}`)) {
				options.skipped?.('duplicate card callback');
				return streamCallbackAck(messageId);
			}
			return forwardCardWait(options.forwardCardWait, cardWait, parsed);
		}
		if (options.acceptsMore && !options.acceptsMore()) {
			options.skipped?.('the test run already has its item');
			return parsed.kind === 'event'
				? streamEventAck(messageId, 'LATER', 'test run finished')
				: streamCallbackAck(messageId);
		}
		const outcome = outcomeOf(parsed);
		if ('skip' in outcome) {
			options.skipped?.(outcome.skip);
			return ackOf(parsed);
		}
		try {
			options.emit(outcome.start);
		} catch (error) {
			if (outcome.key) seen.delete(outcome.key);
			options.failed?.(error instanceof Error ? error.message : String(error));
			return parsed.kind === 'event'
				? streamEventAck(messageId, 'LATER', FRAME_FAILED_TEXT)
				: streamErrorAck(messageId, 500, FRAME_FAILED_TEXT);
		}
		if (parsed.kind === 'cardCallback') {
			const answer = cardCallbackAnswer(settings.cardAnswer, outcome.start as CardCallbackItem);
			return streamCallbackAck(messageId, answer);
		}
		return ackOf(parsed);
	};
}
