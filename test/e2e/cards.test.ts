// Interactive cards inside a real n8n, against the fake DingTalk's card contract and the fake
// Stream gateway over a real WebSocket: a webhook workflow sends a card to a group and updates
// it through the DingTalk Robot node; a click on the card, pushed as a card callback, runs the
// published Stream Trigger workflow with who clicked and which button, and the card update the
// trigger puts into its ACK changes the card in the fake at once.
import { setTimeout as delay } from 'node:timers/promises';

import { nodeOutput } from '../../scripts/n8n-executions';
import type { WorkflowFixture } from '../../scripts/n8n-instance';
import { PACKAGE_NAME } from '../../scripts/n8n-runtime';
import { FakeCards, FakeDingTalk, FakeOpenApi } from '../fake-dingtalk';
import { FakeStreamGateway } from '../fake-dingtalk/streamGateway';
import { fakeAppCredentialData, randomAppKeys } from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import { failureOf, post, withExecution } from './support/runs';
import { credentialReference, robotNode, uuidFor, webhookWorkflow } from './support/workflows';

const keys = randomAppKeys();
const GROUP = 'cidE2eCardsGroup==';
const STAFF = 'e2e-staff-cards';
const TEMPLATE = 'e2e00000-0000-4000-8000-000000000001.schema';
const APP = { id: 'e2eCardsAppCred1', name: 'E2E cards app (fake DingTalk)' };
const app = { type: 'dingTalkAppApi', data: {}, ...APP };

const appRobot = (name: string, parameters: Record<string, unknown>) =>
	robotNode(name, { resource: 'appRobot', ...parameters }, app);

function streamCardsWorkflow(id: string): WorkflowFixture {
	const trigger = {
		id: uuidFor(`${id}/DingTalk Stream Trigger`),
		name: 'DingTalk Stream Trigger',
		type: `${PACKAGE_NAME}.dingTalkStreamTrigger`,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {
			receive: ['cardCallbacks'],
			options: {
				cardAnswerPublic: '{"status": "Acknowledged by {userId}"}',
				cardAnswerPrivate: '{"note": "You chose {params.action}"}',
			},
		},
		credentials: credentialReference(app),
	};
	const done = {
		id: uuidFor(`${id}/Done`),
		name: 'Done',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [240, 0] as [number, number],
		parameters: {},
	};
	return {
		id,
		name: 'E2E cards: card callback -> Done',
		nodes: [trigger, done],
		connections: { [trigger.name]: { main: [[{ node: done.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const WORKFLOWS = {
	sendAndUpdate: webhookWorkflow({
		id: 'e2eCardsSend0001',
		path: 'e2e-cards-send',
		then: [
			appRobot('Send Card', {
				operation: 'sendCard',
				cardTemplateId: TEMPLATE,
				cardSendTo: 'group',
				openConversationId: GROUP,
				variablesInput: 'json',
				variablesJson: '={{ JSON.stringify($json.body.variables) }}',
				options: {},
			}),
			appRobot('Update Card', {
				operation: 'updateCard',
				outTrackId: '={{ $json.outTrackId }}',
				variablesInput: 'fields',
				variables: { variable: [{ name: 'status', value: 'firing' }] },
				privateVariables: '',
				options: {},
			}),
		],
	}),
	callbacks: streamCardsWorkflow('e2eCardsStream01'),
};

describe('Interactive cards in a real n8n', () => {
	const gateway = new FakeStreamGateway({
		apps: [{ clientId: keys.appKey, clientSecret: keys.appSecret }],
	});
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [{ appKey: keys.appKey, appSecret: keys.appSecret, groups: [GROUP], users: [STAFF] }],
	});
	const cards = new FakeCards(openApi, { templates: [TEMPLATE], gateway });
	fake.use(openApi).use(cards).use(gateway);

	const n8n = useN8n(async () => {
		await gateway.start();
		const baseUrl = await fake.start();
		return {
			name: 'cards',
			credentials: [
				credential('dingTalkAppApi', APP.id, APP.name, fakeAppCredentialData(keys, baseUrl)),
			],
			workflows: Object.values(WORKFLOWS),
			publish: Object.values(WORKFLOWS).map((workflow) => workflow.id),
		};
	});
	afterAll(async () => {
		await fake.stop();
		await gateway.stop();
	});

	async function connected(): Promise<void> {
		const deadline = Date.now() + 60_000;
		while (!gateway.liveConnections().some((connection) => connection.clientId === keys.appKey)) {
			if (Date.now() > deadline) throw new Error('the Stream workflow did not connect');
			await delay(100);
		}
	}

	let outTrackId = '';

	it('sends a card to a group and updates it through the DingTalk Robot node', async () => {
		const fixture = WORKFLOWS.sendAndUpdate;
		const { execution } = await withExecution(n8n(), fixture.id, async () =>
			post(n8n().webhookUrl('e2e-cards-send'), {
				variables: { title: 'Disk full on web-1', count: 3 },
			}),
		);
		expect(failureOf(execution).status).toBe('success');
		const [sent] = nodeOutput(execution.data, 'Send Card');
		expect(sent).toMatchObject({
			sentTo: 'group',
			openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
			callbackType: 'STREAM',
			variables: { title: 'Disk full on web-1', count: '3' },
		});
		outTrackId = sent.outTrackId as string;
		expect(outTrackId).toMatch(/^n8n-/);
		expect(nodeOutput(execution.data, 'Update Card')[0]).toMatchObject({
			outTrackId,
			result: true,
		});
		const card = cards.card(keys.appKey, outTrackId)!;
		expect(card).toMatchObject({ callbackType: 'STREAM', spaceType: 'IM_GROUP', spaceId: GROUP });
		expect(card.publicData).toEqual({ title: 'Disk full on web-1', count: '3', status: 'firing' });
	});

	it('runs the Stream workflow for a click and the ACK’s card update changes the card', async () => {
		expect(outTrackId).not.toBe('');
		await connected();
		const { result, execution } = await withExecution(n8n(), WORKFLOWS.callbacks.id, async () =>
			cards.click(
				keys.appKey,
				{ outTrackId, userId: STAFF, actionId: 'ack', params: { action: 'acknowledge' } },
				15_000,
			),
		);
		expect(failureOf(execution).status).toBe('success');
		expect(execution.mode).toBe('trigger');
		expect(nodeOutput(execution.data, 'DingTalk Stream Trigger')[0]).toMatchObject({
			type: 'actionCallback',
			userId: STAFF,
			outTrackId,
			spaceType: 'IM_GROUP',
			spaceId: GROUP,
			actionIds: ['ack'],
			actionId: 'ack',
			params: { action: 'acknowledge' },
		});
		expect(result.ack.code).toBe(200);
		expect(result.card.publicData).toEqual({
			title: 'Disk full on web-1',
			count: '3',
			status: `Acknowledged by ${STAFF}`,
		});
		expect(cards.seenBy(result.card, STAFF).note).toBe('You chose acknowledge');
		expect(cards.seenBy(result.card, 'someone-else').note).toBeUndefined();
	});
});
