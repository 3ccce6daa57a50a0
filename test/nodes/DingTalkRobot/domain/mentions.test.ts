import {
	addRobot,
	expectFieldError,
	params,
	send,
	sendExpectingError,
	useFakeDingTalk,
} from '../support/robot';

const fake = useFakeDingTalk();

const members = [
	{ mobile: '13800000001', userId: 'alice' },
	{ mobile: '13800000002', userId: 'bob' },
	{ mobile: '13800000003', userId: 'carol' },
];

function teamRobot() {
	return addRobot(fake(), { secret: 'SEC-mentions', members });
}

describe('mention lists', () => {
	it('reads comma and newline separated text, trims, drops blanks, a leading @ and repeats', async () => {
		await send(
			teamRobot(),
			params('sendText', {
				content: 'Deploy done',
				atMobiles: ' 13800000001 ,\n13800000002，13800000001\n\n',
				atUserIds: '@alice;  bob ,alice',
			}),
		);
		const [received] = fake().received;
		expect(received.body.at).toEqual({
			atMobiles: ['13800000001', '13800000002'],
			atUserIds: ['alice', 'bob'],
		});
		expect(received.body.text.content).toBe('Deploy done @13800000001 @13800000002 @alice @bob');
		expect(received.notified).toEqual({
			mobiles: ['13800000001', '13800000002'],
			userIds: ['alice', 'bob'],
			all: false,
		});
	});

	it('reads arrays given by expressions, numbers included', async () => {
		await send(
			teamRobot(),
			params('sendText', {
				content: 'On call',
				atMobiles: '={{ $json.mobiles }}',
				atUserIds: '={{ $json.users }}',
			}),
			{ items: [{ mobiles: [13800000001, ' 13800000003 ', '13800000001'], users: ['carol', ''] }] },
		);
		const [received] = fake().received;
		expect(received.body.at).toEqual({
			atMobiles: ['13800000001', '13800000003'],
			atUserIds: ['carol'],
		});
		expect(received.notified.mobiles).toEqual(['13800000001', '13800000003']);
		expect(received.notified.userIds).toEqual(['carol']);
	});

	it('leaves the @ of people the content already names where they are', async () => {
		await send(
			teamRobot(),
			params('sendText', {
				content: '@13800000002 please look, cc @bob',
				atMobiles: '13800000002',
				atUserIds: 'bob, carol',
			}),
		);
		const [received] = fake().received;
		expect(received.body.text.content).toBe('@13800000002 please look, cc @bob @carol');
		expect(received.notified).toEqual({
			mobiles: ['13800000002'],
			userIds: ['bob', 'carol'],
			all: false,
		});
	});

	it('adds the missing @ to a markdown text on a line of its own', async () => {
		await send(
			teamRobot(),
			params('sendMarkdown', {
				title: 'Incident',
				text: '#### Incident\n> db down',
				atMobiles: '13800000003',
				atUserIds: 'alice',
			}),
		);
		const [received] = fake().received;
		expect(received.body.markdown).toEqual({
			title: 'Incident',
			text: '#### Incident\n> db down\n\n@13800000003 @alice',
		});
		expect(received.notified).toMatchObject({ mobiles: ['13800000003'], userIds: ['alice'] });
	});

	it('adds the missing @ to a raw JSON message too', async () => {
		const message = {
			msgtype: 'text',
			text: { content: 'raw' },
			at: { atMobiles: ['13800000001'], atUserIds: ['bob', 'bob'] },
		};
		await send(teamRobot(), params('sendRaw', { jsonMessage: JSON.stringify(message) }));
		const [received] = fake().received;
		expect(received.body.text.content).toBe('raw @13800000001 @bob');
		expect(received.body.at).toEqual({ atMobiles: ['13800000001'], atUserIds: ['bob'] });
		expect(received.notified).toMatchObject({ mobiles: ['13800000001'], userIds: ['bob'] });
	});

	it('with "Add Missing @ to Content" off, sends the content as written and the @ does not fire', async () => {
		await send(
			teamRobot(),
			params(
				'sendText',
				{ content: 'Quiet notice', atMobiles: '13800000001', atUserIds: 'alice' },
				{ insertMentions: false },
			),
		);
		const [received] = fake().received;
		expect(received.body.text.content).toBe('Quiet notice');
		expect(received.body.at).toEqual({ atMobiles: ['13800000001'], atUserIds: ['alice'] });
		expect(received.notified).toEqual({ mobiles: [], userIds: [], all: false });
	});

	it('@all sets isAtAll and notifies everyone, without touching the content', async () => {
		await send(
			teamRobot(),
			params('sendMarkdown', { title: 'All', text: 'Everyone', atAll: true }),
		);
		const [received] = fake().received;
		expect(received.body.at).toEqual({ isAtAll: true });
		expect(received.body.markdown.text).toBe('Everyone');
		expect(received.notified.all).toBe(true);
	});

	it('sends no "at" at all when nobody is mentioned', async () => {
		await send(teamRobot(), params('sendText', { content: 'nobody', atMobiles: ' , \n' }));
		expect(fake().received[0].body).not.toHaveProperty('at');
	});

	it('accepts exactly 50 people', async () => {
		const mobiles = Array.from(
			{ length: 30 },
			(_, index) => `1390000${String(index).padStart(4, '0')}`,
		);
		const users = Array.from({ length: 20 }, (_, index) => `user${index}`);
		await send(
			addRobot(fake()),
			params('sendText', {
				content: 'fifty',
				atMobiles: mobiles.join('\n'),
				atUserIds: users.join(','),
			}),
		);
		const [received] = fake().received;
		expect(received.body.at.atMobiles).toHaveLength(30);
		expect(received.body.at.atUserIds).toHaveLength(20);
		expect(received.notified.mobiles).toHaveLength(30);
	});

	it('refuses more than 50 people (after de-duplication) before sending', async () => {
		const mobiles = Array.from(
			{ length: 40 },
			(_, index) => `1390000${String(index).padStart(4, '0')}`,
		);
		const users = Array.from({ length: 11 }, (_, index) => `user${index}`);
		const error = await sendExpectingError(
			addRobot(fake()),
			params('sendText', {
				content: 'too many',
				atMobiles: [...mobiles, ...mobiles].join(','),
				atUserIds: '={{ $json.users }}',
			}),
			{ items: [{ users }] },
		);
		expectFieldError(error, {
			item: 0,
			parameter: 'atMobiles / atUserIds',
			message: /51 people.*at most 50/,
		});
		expect(fake().requests).toHaveLength(0);
	});
});

describe('mobile numbers typed into the text as @<mobile>', () => {
	it('notifies a number typed only in a text message and says it was added', async () => {
		const [item] = await send(
			teamRobot(),
			params('sendText', { content: 'Disk full on db-1, @13800000001 please look' }),
		);
		const [received] = fake().received;
		expect(received.body.text.content).toBe('Disk full on db-1, @13800000001 please look');
		expect(received.body.at).toEqual({ atMobiles: ['13800000001'] });
		expect(received.notified).toEqual({ mobiles: ['13800000001'], userIds: [], all: false });
		expect(item.json.mentionsFromText).toEqual(['13800000001']);
	});

	it('adds typed numbers of a markdown text to the listed ones, once each', async () => {
		const [item] = await send(
			teamRobot(),
			params('sendMarkdown', {
				title: 'Incident',
				text: '#### Incident\n@13800000002 and @13800000003, then @13800000002 again',
				atMobiles: '13800000003',
			}),
		);
		const [received] = fake().received;
		expect(received.body.at).toEqual({ atMobiles: ['13800000003', '13800000002'] });
		expect(received.body.markdown.text).toBe(
			'#### Incident\n@13800000002 and @13800000003, then @13800000002 again',
		);
		expect(received.notified.mobiles).toEqual(['13800000003', '13800000002']);
		expect(item.json.mentionsFromText).toEqual(['13800000002']);
	});

	it('leaves e-mail addresses, longer numbers and user IDs alone', async () => {
		const [item] = await send(
			teamRobot(),
			params('sendText', {
				content: 'mail ops@13800000001.example, call @138000000012, ping @alice',
			}),
		);
		expect(fake().received[0].body).not.toHaveProperty('at');
		expect(item.json).not.toHaveProperty('mentionsFromText');
	});

	it('adds typed numbers to a raw JSON text message too', async () => {
		const message = { msgtype: 'text', text: { content: 'raw @13800000002' } };
		await send(teamRobot(), params('sendRaw', { jsonMessage: JSON.stringify(message) }));
		expect(fake().received[0].body.at).toEqual({ atMobiles: ['13800000002'] });
		expect(fake().received[0].notified.mobiles).toEqual(['13800000002']);
	});

	it('with "Mention Numbers Typed in the Text" off, a typed number notifies nobody', async () => {
		const [item] = await send(
			teamRobot(),
			params('sendText', { content: 'FYI @13800000001' }, { mentionTypedMobiles: false }),
		);
		const [received] = fake().received;
		expect(received.body).not.toHaveProperty('at');
		expect(received.notified).toEqual({ mobiles: [], userIds: [], all: false });
		expect(item.json).not.toHaveProperty('mentionsFromText');
	});

	it('counts typed numbers towards the 50 people and says how to leave them out', async () => {
		const typed = Array.from(
			{ length: 51 },
			(_, index) => `@1390000${String(index).padStart(4, '0')}`,
		);
		const error = await sendExpectingError(
			addRobot(fake()),
			params('sendText', { content: typed.join(' ') }),
		);
		expectFieldError(error, { item: 0, parameter: 'atMobiles / atUserIds', message: /51 people/ });
		expect(error.description).toMatch(/Mention Numbers Typed in the Text/);
		expect(fake().requests).toHaveLength(0);
	});
});
