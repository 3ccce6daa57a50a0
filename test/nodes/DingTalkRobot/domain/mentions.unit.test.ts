import {
	insertMissingMentions,
	mentionsId,
	parseMentionList,
	typedMobileMentions,
} from '../../../../nodes/DingTalkRobot/domain/mentions';

describe('parseMentionList', () => {
	it('splits text and arrays, trims, drops blanks, a leading @ and repeats', () => {
		expect(parseMentionList(' 138, 139\n@140；138 ,, ')).toEqual(['138', '139', '140']);
		expect(parseMentionList(['u1', ' u2 ', ['u1', 13800000000]])).toEqual([
			'u1',
			'u2',
			'13800000000',
		]);
		expect(parseMentionList(undefined)).toEqual([]);
		expect(parseMentionList('')).toEqual([]);
	});
});

describe('mentionsId', () => {
	it('matches whole mentions only', () => {
		expect(mentionsId('hi @138 there', '138')).toBe(true);
		expect(mentionsId('hi @138', '138')).toBe(true);
		expect(mentionsId('hi @13800000000', '138')).toBe(false);
		expect(mentionsId('hi @user_1x', 'user_1')).toBe(false);
		expect(mentionsId('ping @+1-2025550123.', '+1-2025550123')).toBe(true);
		expect(mentionsId('hi 138', '138')).toBe(false);
	});
});

describe('insertMissingMentions', () => {
	it('appends only the mentions the content lacks, in the style of the message type', () => {
		expect(insertMissingMentions('Deploy @138 done', ['138', '139'], 'text')).toBe(
			'Deploy @138 done @139',
		);
		expect(insertMissingMentions('## Done', ['u1'], 'markdown')).toBe('## Done\n\n@u1');
		expect(insertMissingMentions('@1380 only', ['138'], 'text')).toBe('@1380 only @138');
		expect(insertMissingMentions('', ['u1', 'u2'], 'text')).toBe('@u1 @u2');
		expect(insertMissingMentions('all there @u1', ['u1'], 'text')).toBe('all there @u1');
	});
});

describe('typedMobileMentions', () => {
	it('finds mainland and international numbers written as @<mobile>, once each, in order', () => {
		expect(
			typedMobileMentions(
				'@13800000001: see @+1-2025550123. Then @13800000001 again (@13900000002)',
			),
		).toEqual(['13800000001', '+1-2025550123', '13900000002']);
	});

	it('skips e-mail addresses, URLs, longer digit runs and other words', () => {
		expect(
			typedMobileMentions(
				'a@13800000001.cn https://x.cn/@13800000002 @138000000031 @1380000000 @alice @13800000004x',
			),
		).toEqual([]);
	});
});
