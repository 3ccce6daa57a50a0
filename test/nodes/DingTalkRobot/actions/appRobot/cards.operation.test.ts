/**
 * Send Interactive Card and Update Card against the fake's card contract (test/fake-dingtalk/
 * cards.ts): what goes on the wire, what a card then shows, and the hints of DingTalk's refusals.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	addApp,
	appParams,
	bodyOf,
	requestsTo,
	run,
	runExpectingError,
	triggerItem,
	useFakeOpenApi,
} from '../../support/app';

const TEMPLATE = 'c0ffee00-1111-2222-3333-444455556666.schema';
const GROUP = 'cidCardsGroup==';
const CREATE_PATH = '/v1.0/card/instances/createAndDeliver';
const UPDATE_PATH = '/v1.0/card/instances';

const server = useFakeOpenApi({ cards: { templates: [TEMPLATE] } });

const pairs = (variables: Record<string, string>) => ({
	variablesInput: 'fields',
	variables: {
		variable: Object.entries(variables).map(([name, value]) => ({ name, value })),
	},
});

function sendCard(fields: Record<string, unknown>, options: IDataObject = {}) {
	return appParams(
		'sendCard',
		{
			cardTemplateId: TEMPLATE,
			cardSendTo: 'group',
			openConversationId: GROUP,
			...fields,
		} as never,
		options,
	);
}

describe('Send Interactive Card', () => {
	it('sends a card of the template to a group with Stream callbacks and outputs its handle', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const output = await run(app, sendCard(pairs({ title: 'Deploy v2.3?', status: 'waiting' })));
		const [request] = requestsTo(server(), CREATE_PATH);
		expect(request.method).toBe('POST');
		expect(request.headers['x-acs-dingtalk-access-token']).toEqual(expect.any(String));
		const body = bodyOf(request);
		expect(body).toEqual({
			cardTemplateId: TEMPLATE,
			outTrackId: expect.stringMatching(/^n8n-[0-9a-f-]{36}$/),
			cardData: { cardParamMap: { title: 'Deploy v2.3?', status: 'waiting' } },
			callbackType: 'STREAM',
			openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
			userIdType: 1,
			imGroupOpenSpaceModel: { supportForward: true },
			imGroupOpenDeliverModel: { robotCode: app.appKey },
		});
		expect(output).toHaveLength(1);
		expect(output[0].json).toEqual({
			outTrackId: body.outTrackId,
			cardTemplateId: TEMPLATE,
			openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
			sentTo: 'group',
			openConversationId: GROUP,
			callbackType: 'STREAM',
			robotCode: app.appKey,
			variables: { title: 'Deploy v2.3?', status: 'waiting' },
			result: {
				outTrackId: body.outTrackId,
				deliverResults: [
					{ spaceType: 'IM_GROUP', spaceId: GROUP, success: true, carrierId: body.outTrackId },
				],
			},
		});
		const card = server().cards.card(app.appKey, body.outTrackId as string)!;
		expect(card.publicData).toEqual({ title: 'Deploy v2.3?', status: 'waiting' });
	});

	it('turns JSON values into text: numbers and booleans as text, objects and lists as JSON', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		await run(
			app,
			sendCard({
				variablesInput: 'json',
				variablesJson: JSON.stringify({
					count: 3,
					urgent: true,
					owner: { name: '张三' },
					tags: ['a', 'b'],
					note: null,
				}),
			}),
		);
		expect(bodyOf(requestsTo(server(), CREATE_PATH)[0]).cardData).toEqual({
			cardParamMap: {
				count: '3',
				urgent: 'true',
				owner: '{"name":"张三"}',
				tags: '["a","b"]',
				note: '',
			},
		});
	});

	it('sends one card per person into their chat with the robot, one output item each', async () => {
		const app = addApp(server(), { users: ['alice', 'bob'] });
		const output = await run(
			app,
			sendCard(
				{ cardSendTo: 'users', userIds: 'alice, bob', ...pairs({ title: 'Hi' }) },
				{
					outTrackId: 'weekly-42',
				},
			),
		);
		const bodies = requestsTo(server(), CREATE_PATH).map(bodyOf);
		expect(bodies.map((body) => [body.outTrackId, body.openSpaceId])).toEqual([
			['weekly-42-alice', 'dtv1.card//IM_ROBOT.alice'],
			['weekly-42-bob', 'dtv1.card//IM_ROBOT.bob'],
		]);
		expect(bodies[0].imRobotOpenDeliverModel).toEqual({
			spaceType: 'IM_ROBOT',
			robotCode: app.appKey,
		});
		expect(output.map((item) => [item.json.userId, item.json.outTrackId, item.pairedItem])).toEqual(
			[
				['alice', 'weekly-42-alice', { item: 0 }],
				['bob', 'weekly-42-bob', { item: 0 }],
			],
		);
	});

	it('replies into the group of a received message, or to the sender of a 1:1 message', async () => {
		const app = addApp(server(), { groups: [GROUP], users: ['staff-alice'] });
		const now = Date.now() + 3_600_000;
		for (const type of ['group', 'single'] as const) {
			const incoming = triggerItem(server(), app, {
				type,
				conversationId: GROUP,
				sessionExpiresAt: now,
			});
			await run(
				app,
				sendCard({ cardSendTo: 'reply', incomingMessage: incoming, ...pairs({ a: 'b' }) }),
			);
		}
		expect(requestsTo(server(), CREATE_PATH).map((request) => bodyOf(request).openSpaceId)).toEqual(
			[`dtv1.card//IM_GROUP.${GROUP}`, 'dtv1.card//IM_ROBOT.staff-alice'],
		);
	});

	it('keeps a given Out Track ID; a second card with it fails with a hint', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const first = await run(app, sendCard(pairs({ a: '1' }), { outTrackId: 'deploy-7' }));
		expect(first[0].json.outTrackId).toBe('deploy-7');
		const error = await runExpectingError(
			app,
			sendCard(pairs({ a: '1' }), { outTrackId: 'deploy-7' }),
		);
		expect(error.message).toContain('DingTalk did not create and deliver the card');
		expect(error.message).toContain('[item 0]');
		expect(error.description).toContain('already sent by the app');
		expect(error.context).toMatchObject({ code: 'param.outTrackId.duplicate' });
	});

	it('names the missing Card.Instance.Write permission and an unknown template', async () => {
		const denied = addApp(server(), { groups: [GROUP], permissions: ['qyapi_robot_sendmsg'] });
		const permission = await runExpectingError(denied, sendCard(pairs({ a: '1' })));
		expect(permission.description).toContain('Card.Instance.Write');
		const app = addApp(server(), { groups: [GROUP] });
		const template = await runExpectingError(
			app,
			sendCard({ cardTemplateId: 'nope.schema', ...pairs({ a: '1' }) }),
		);
		expect(template.description).toContain('card template ID');
	});

	it('asks for a route key for HTTP callbacks and sends it', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			sendCard(pairs({ a: '1' }), { callbackType: 'HTTP' }),
		);
		expect(error.message).toContain('Callback Route Key');
		expect(requestsTo(server(), CREATE_PATH)).toHaveLength(0);
		await run(app, sendCard(pairs({ a: '1' }), { callbackType: 'HTTP', callbackRouteKey: 'rk1' }));
		expect(bodyOf(requestsTo(server(), CREATE_PATH)[0])).toMatchObject({
			callbackType: 'HTTP',
			callbackRouteKey: 'rk1',
		});
	});

	it('refuses variables that are not a JSON object, naming the field', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const error = await runExpectingError(
			app,
			sendCard({ variablesInput: 'json', variablesJson: '["a"]' }),
		);
		expect(error.message).toContain('"Variables (JSON)" is not a JSON object');
		expect(error.description).toContain('parameter: variablesJson');
	});
});

describe('Update Card', () => {
	async function sentCard(app: ReturnType<typeof addApp>) {
		await run(app, sendCard(pairs({ title: 'Deploy?', status: 'waiting' }), { outTrackId: 'c1' }));
		return server().cards.card(app.appKey, 'c1')!;
	}

	it('changes public variables by key and private ones per person', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const card = await sentCard(app);
		const output = await run(
			app,
			appParams('updateCard', {
				outTrackId: 'c1',
				...pairs({ status: 'approved' }),
				privateVariables: JSON.stringify({ alice: { note: 'you approved', n: 1 } }),
			} as never),
		);
		const [request] = requestsTo(server(), UPDATE_PATH);
		expect(request.method).toBe('PUT');
		expect(bodyOf(request)).toEqual({
			outTrackId: 'c1',
			userIdType: 1,
			cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
			cardData: { cardParamMap: { status: 'approved' } },
			privateData: { alice: { cardParamMap: { note: 'you approved', n: '1' } } },
		});
		expect(card.publicData).toEqual({ title: 'Deploy?', status: 'approved' });
		expect(server().cards.seenBy(card, 'alice')).toMatchObject({ note: 'you approved' });
		expect(output[0].json).toEqual({
			outTrackId: 'c1',
			variables: { status: 'approved' },
			privateVariables: { alice: { note: 'you approved', n: '1' } },
			updatedByKey: true,
			result: true,
		});
	});

	it('replaces all variables when Keep Other Variables is off', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const card = await sentCard(app);
		await run(
			app,
			appParams('updateCard', { outTrackId: 'c1', ...pairs({ status: 'closed' }) } as never, {
				updateByKey: false,
			}),
		);
		expect(card.publicData).toEqual({ status: 'closed' });
	});

	it('fails for an unknown card with a hint, and refuses an update with nothing in it', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const unknown = await runExpectingError(
			app,
			appParams('updateCard', { outTrackId: 'ghost', ...pairs({ a: 'b' }) } as never),
		);
		expect(unknown.message).toContain('DingTalk did not update the card');
		expect(unknown.description).toContain('knows no card with this Out Track ID');
		const empty = await runExpectingError(
			app,
			appParams('updateCard', {
				outTrackId: 'c1',
				variablesInput: 'fields',
				variables: {},
			} as never),
		);
		expect(empty.message).toContain('no variables to change');
		expect(requestsTo(server(), UPDATE_PATH)).toHaveLength(1);
	});
});
