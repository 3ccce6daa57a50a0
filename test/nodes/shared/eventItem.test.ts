import { buildEventItem } from '../../../nodes/shared/eventItem';

// The user_add_org push of DingTalk's documentation (protocol notes §4.1), current and legacy shape.
const USER_ADD_ORG = {
	EventType: 'user_add_org',
	EventTime: 1663143335567,
	CorpId: 'ding9f50b15bxxxx16741',
	BizId: '1663xx35567',
	eventId: 'c7c7120f2c07419xxebdba0318c8',
	timeStamp: '1685501863357',
	userId: ['015xxxx227'],
};
const LEGACY_USER_ADD_ORG = {
	EventType: 'user_add_org',
	TimeStamp: 43535463645,
	UserId: ['user1', 'user2'],
	CorpId: 'dinge8a565xxxx',
};

describe('buildEventItem', () => {
	it('lifts the envelope of the documented push and keeps the rest as data', () => {
		expect(buildEventItem(USER_ADD_ORG)).toEqual({
			eventType: 'user_add_org',
			eventId: 'c7c7120f2c07419xxebdba0318c8',
			eventTime: 1663143335567,
			corpId: 'ding9f50b15bxxxx16741',
			bizId: '1663xx35567',
			data: { timeStamp: '1685501863357', userId: ['015xxxx227'] },
		});
	});

	it('gives the legacy capitalised shape the same names, time from TimeStamp', () => {
		expect(buildEventItem(LEGACY_USER_ADD_ORG)).toEqual({
			eventType: 'user_add_org',
			eventId: '',
			eventTime: 43535463645,
			corpId: 'dinge8a565xxxx',
			bizId: '',
			data: { timeStamp: 43535463645, userId: ['user1', 'user2'] },
		});
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
