import { buildEventItem, type EventItem } from '../shared/eventItem';
import type { StreamEvent } from './frames';

/**
 * The items of the Stream trigger come from the same builders as the HTTP trigger's, so a
 * workflow sees the same shape whichever way a message arrived. A robot message's `data` is the
 * very body of an HTTP callback: `buildRobotMessageItem(parsed.message)` needs no adapter.
 */

/**
 * A Stream event carries its envelope in the frame headers; the header values win over fields of
 * the same name in `data`. `raw` is the frame's data string, when asked for.
 */
export function streamEventItem(event: StreamEvent, options: { raw?: string } = {}): EventItem {
	const envelope: Record<string, string> = {};
	if (event.eventType) envelope.eventType = event.eventType;
	if (event.eventId) envelope.eventId = event.eventId;
	if (event.eventBornTime) envelope.eventTime = event.eventBornTime;
	if (event.eventCorpId) envelope.corpId = event.eventCorpId;
	return buildEventItem({ ...event.data, ...envelope }, options);
}
