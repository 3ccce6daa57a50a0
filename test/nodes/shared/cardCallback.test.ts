import { buildCardCallbackItem, cardCallbackAnswer } from '../../../nodes/shared/cardCallback';

const click = {
	type: 'actionCallback',
	userId: 'manager42',
	outTrackId: 'deploy-7',
	corpId: 'dingcorp',
	spaceType: 'IM_GROUP',
	spaceId: 'cidOps==',
	userIdType: 1,
	extension: '{}',
	value: '{"cardPrivateData":{"actionIds":["approve"],"params":{"action":"agree"}}}',
	content: '{"cardPrivateData":{"actionIds":["approve","x"],"params":{"action":"agree","n":2}}}',
};

describe('card callback item', () => {
	it('keeps every field DingTalk sent and reads who, which card and which button', () => {
		expect(buildCardCallbackItem(click)).toEqual({
			...click,
			actionIds: ['approve', 'x'],
			actionId: 'approve',
			params: { action: 'agree', n: 2 },
		});
	});

	it('falls back to value, and gives empty fields for a callback without content', () => {
		expect(buildCardCallbackItem({ ...click, content: undefined }).params).toEqual({ action: 'agree' });
		expect(buildCardCallbackItem({ content: 'not json', userId: ['x'] as never })).toMatchObject({
			userId: '',
			outTrackId: '',
			actionIds: [],
			actionId: '',
			params: {},
		});
	});

	it('adds the frame data as raw when asked', () => {
		expect(buildCardCallbackItem(click, { raw: '{"a":1}' }).raw).toBe('{"a":1}');
	});
});

describe('card update in the answer', () => {
	const item = buildCardCallbackItem(click);

	it('is null without variables, so the card stays as it is', () => {
		expect(cardCallbackAnswer(undefined, item)).toBeNull();
		expect(cardCallbackAnswer({ publicVariables: {}, privateVariables: {} }, item)).toBeNull();
	});

	it('fills placeholders from the click and updates by key', () => {
		expect(
			cardCallbackAnswer(
				{
					publicVariables: { status: 'Done by {userId} ({actionId})', card: '{outTrackId}' },
					privateVariables: { note: 'You chose {params.action} {params.n}{params.none}, {other}' },
				},
				item,
			),
		).toEqual({
			cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
			cardData: { cardParamMap: { status: 'Done by manager42 (approve)', card: 'deploy-7' } },
			userPrivateData: { cardParamMap: { note: 'You chose agree 2, {other}' } },
		});
	});

	it('leaves out the part that has no variables', () => {
		expect(cardCallbackAnswer({ privateVariables: { a: 'b' } }, item)).toEqual({
			cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
			userPrivateData: { cardParamMap: { a: 'b' } },
		});
	});
});
