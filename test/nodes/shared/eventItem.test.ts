import { buildEventItem } from '../../../nodes/shared/eventItem';
import {
	LEGACY_USER_ADD_ORG,
	LEGACY_USER_ADD_ORG_ITEM,
	USER_ADD_ORG,
	USER_ADD_ORG_ITEM,
} from '../DingTalkTrigger/support/documentedPayloads';

describe('buildEventItem', () => {
	it('lifts the envelope of the documented push and keeps the rest as data', () => {
		expect(buildEventItem(USER_ADD_ORG)).toEqual(USER_ADD_ORG_ITEM);
	});

	it('gives the legacy capitalised shape the same names, time from TimeStamp', () => {
		expect(buildEventItem(LEGACY_USER_ADD_ORG)).toEqual(LEGACY_USER_ADD_ORG_ITEM);
	});

	it('keeps the text it was parsed from only when given', () => {
		const text = JSON.stringify(USER_ADD_ORG);
		expect(buildEventItem(USER_ADD_ORG, { raw: text }).raw).toBe(text);
		expect(buildEventItem(USER_ADD_ORG)).not.toHaveProperty('raw');
	});

	it('prefers the camelCase spelling when both are present, and leaves acronyms alone', () => {
		const item = buildEventItem({ EventType: 'x', UserId: ['old'], userId: ['new'], URL: 'u' });
		expect(item.data).toEqual({ userId: ['new'], URL: 'u' });
	});

	it('takes the event time from EventTime, else from the timestamp field', () => {
		expect(buildEventItem({ EventType: 'a', EventTime: '1700000000000' }).eventTime).toBe(
			1700000000000,
		);
		expect(buildEventItem({ EventType: 'a', timeStamp: '1700000000001' }).eventTime).toBe(
			1700000000001,
		);
		expect(buildEventItem({ EventType: 'a', TimeStamp: 'soon' }).eventTime).toBeNull();
	});

	it('tolerates envelope fields of odd types', () => {
		expect(buildEventItem({ EventType: 7, eventId: { x: 1 } })).toMatchObject({
			eventType: '7',
			eventId: '',
		});
	});
});
