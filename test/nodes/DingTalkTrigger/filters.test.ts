import { normalizeEvent } from '../../../nodes/DingTalkTrigger/eventCallback';
import {
	isEventTypeSelected,
	parseEventTypeList,
	parseTextPattern,
} from '../../../nodes/DingTalkTrigger/filters';

describe('filters', () => {
	it('parses text patterns', () => {
		expect(parseTextPattern('')).toBeUndefined();
		expect(parseTextPattern('  ')).toBeUndefined();
		expect(parseTextPattern('^a+$')?.source).toBe('^a+$');
		expect(parseTextPattern('/Hi/i')?.flags).toBe('i');
		expect(parseTextPattern('/a/b/')?.source).toBe('a\\/b');
		expect(parseTextPattern('(')).toBeNull();
		expect(parseTextPattern('/a/zz')).toBeNull();
	});

	it('splits event type lists', () => {
		expect(parseEventTypeList(' a, b，c\nd  e,,')).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(parseEventTypeList(undefined)).toEqual([]);
		expect(isEventTypeSelected('x', [])).toBe(true);
		expect(isEventTypeSelected('x', ['y'])).toBe(false);
	});
});

describe('event normalisation', () => {
	it('takes the event time from EventTime, else from the timestamp field', () => {
		expect(
			normalizeEvent({ EventType: 'a', EventTime: '1700000000000' }, '', false).eventTime,
		).toBe(1700000000000);
		expect(
			normalizeEvent({ EventType: 'a', timeStamp: '1700000000001' }, '', false).eventTime,
		).toBe(1700000000001);
		expect(normalizeEvent({ EventType: 'a', TimeStamp: 'soon' }, '', false).eventTime).toBeNull();
	});

	it('tolerates envelope fields of odd types', () => {
		expect(normalizeEvent({ EventType: 7, eventId: { x: 1 } }, '', false)).toMatchObject({
			eventType: '7',
			eventId: '',
		});
	});
});
