import {
	isEventTypeSelected,
	parseEventTypeList,
	parseTextPattern,
} from '../../../nodes/shared/triggerFilters';

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
