// Send and Wait for Response with card buttons inside a real n8n: the App Robot posts an
// interactive card (callbackType STREAM) to the fake DingTalk and the execution waits; a click on
// the card comes back as a card callback over the fake Stream gateway to the published DingTalk
// Stream Trigger of the same app, which forwards it, with a proof made with the app secret, to
// the waiting execution's resume URL, and puts the card update the node answers into its ACK.
// Nothing but the Stream connection carries the answer: the person never opens n8n.
//
// Covered: the card as sent; an approver's click resumes with who answered and locks the card for
// everyone; a non-approver's click is refused on the card while the execution keeps waiting; a
// second click changes nothing; forged callbacks (another app's connection, a wrong signature in
// the outTrackId, a direct POST without or with a wrong or stale proof) resume nothing; decline,
// free text and a custom form; and no execution of the Stream trigger's workflow is started by
// Send and Wait cards, while an ordinary card's click still starts one.
import { setTimeout as delay } from 'node:timers/promises';

import { nodeOutput } from '../../scripts/n8n-executions';
import type { ExecutionDetail } from '../../scripts/n8n-executions';
import type { CredentialFixture } from '../../scripts/n8n-instance';
import { FakeCards, FakeContacts, FakeDingTalk, FakeOpenApi } from '../fake-dingtalk';
import type { FakeCard } from '../fake-dingtalk/cards';
import { FakeStreamGateway, type RecordedAck } from '../fake-dingtalk/streamGateway';
import {
	cardProof,
	forwardedClick,
	postForwardedClick,
	readingFor,
	readSendAndWaitOutTrackId,
	withForgedSignature,
} from './support/cardWait';
import { fakeAppCredentialData, randomAppKeys } from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import {
	afterTimeLimit,
	failureOf,
	post,
	whenEnded,
	withExecution,
	withoutExecution,
} from './support/runs';
import { sendAndWaitWorkflow, streamWorkflow, uuidFor } from './support/workflows';

const keys = randomAppKeys();
const otherKeys = randomAppKeys();
const GROUP = 'cidE2eCardWait01==';
const TEMPLATE = 'e2e00000-0000-4000-8000-00000000c4a1.schema';
const APPROVER = 'e2e-card-approver';
const APPROVER_NAME = '张三';
const BYSTANDER = 'e2e-card-bystander';
const NOT_AUTHORIZED = 'Only the approvers of this request can answer it.';
const APP = { id: 'e2eCardWaitApp01', name: 'E2E card wait app (fake DingTalk)' };
const OTHER_APP = { id: 'e2eCardWaitApp02', name: 'E2E another app (fake DingTalk)' };
const app = { type: 'dingTalkAppApi', data: {}, ...APP } as CredentialFixture;
const otherApp = { type: 'dingTalkAppApi', data: {}, ...OTHER_APP } as CredentialFixture;
const ask = (id: string, path: string, parameters: Record<string, unknown>) =>
	sendAndWaitWorkflow({
		id,
		path,
		ask: {
			resource: 'appRobot',
			sendAndWaitTo: 'group',
			openConversationId: GROUP,
			answerVia: 'cardButtons',
			cardTemplateId: TEMPLATE,
			cardTitle: 'Deploy v2.3 to production?',
			message: 'All **checks** passed.',
			options: {},
			...parameters,
		},
		credential: app,
	});

const approval = (id: string, path: string) =>
	ask(id, path, {
		approvers: APPROVER,
		approvalOptions: {
			values: { approvalType: 'double', approveLabel: 'Deploy', disapproveLabel: 'Stop' },
		},
	});

const streamTrigger = (id: string, credential: CredentialFixture) =>
	streamWorkflow({
		id,
		name: `E2E card wait: Stream trigger of ${credential.name}`,
		trigger: { receive: ['robotMessages', 'cardCallbacks'], options: {} },
		credential,
		then: [{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }],
	});

const WORKFLOWS = {
	approve: approval('e2eCardWaitAppr1', 'e2e-card-wait-approve'),
	forged: approval('e2eCardWaitForg1', 'e2e-card-wait-forged'),
	direct: approval('e2eCardWaitDirc1', 'e2e-card-wait-direct'),
	freeText: ask('e2eCardWaitText1', 'e2e-card-wait-text', { responseType: 'freeText' }),
	form: ask('e2eCardWaitForm1', 'e2e-card-wait-form', {
		responseType: 'customForm',
		formFields: {
			values: [
				{ fieldLabel: 'Version', fieldType: 'text', requiredField: true },
				{ fieldLabel: 'Note', fieldType: 'textarea' },
			],
		},
	}),
	timeout: ask('e2eCardWaitTime1', 'e2e-card-wait-timeout', {
		approvers: APPROVER,
		options: {
			limitWaitTime: {
				values: { limitType: 'afterTimeInterval', resumeAmount: 0.02, resumeUnit: 'minutes' },
			},
		},
	}),
	stream: streamTrigger('e2eCardWaitStrm1', app),
	otherStream: streamTrigger('e2eCardWaitStrm2', otherApp),
};

describe('Send and Wait with card buttons in a real n8n', () => {
	const gateway = new FakeStreamGateway({
		apps: [
			{ clientId: keys.appKey, clientSecret: keys.appSecret },
			{ clientId: otherKeys.appKey, clientSecret: otherKeys.appSecret },
		],
	});
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [
			{ appKey: keys.appKey, appSecret: keys.appSecret, groups: [GROUP] },
			{ appKey: otherKeys.appKey, appSecret: otherKeys.appSecret, groups: [GROUP] },
		],
	});
	const cards = new FakeCards(openApi, { templates: [TEMPLATE], gateway });
	const contacts = new FakeContacts(openApi, {
		users: [
			{ userid: APPROVER, unionid: 'e2eUnionApprover', name: APPROVER_NAME, dept_id_list: [1] },
		],
	});
	fake.use(openApi).use(cards).use(contacts).use(gateway);

	const n8n = useN8n(async () => {
		await gateway.start();
		const baseUrl = await fake.start();
		return {
			name: 'card-send-and-wait',
			credentials: [
				credential('dingTalkAppApi', APP.id, APP.name, fakeAppCredentialData(keys, baseUrl)),
				credential(
					'dingTalkAppApi',
					OTHER_APP.id,
					OTHER_APP.name,
					fakeAppCredentialData(otherKeys, baseUrl),
				),
			],
			workflows: Object.values(WORKFLOWS),
			publish: Object.values(WORKFLOWS).map((workflow) => workflow.id),
		};
	});
	afterAll(async () => {
		await fake.stop();
		await gateway.stop();
	});

	/** The live Stream connection of an app subscribed to card callbacks. */
	async function connectionOf(appKey: string) {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const connection = gateway
				.liveConnections()
				.filter(
					(candidate) =>
						candidate.clientId === appKey &&
						candidate.subscriptions.some((subscription) => subscription.topic.includes('card')),
				)
				.pop();
			if (connection) return connection;
			if (Date.now() > deadline)
				throw new Error(`the Stream workflow of ${appKey} did not connect`);
			await delay(100);
		}
	}

	/** Starts the workflow and waits until it waits; returns its execution and its card. */
	async function startAndWait(workflow: keyof typeof WORKFLOWS) {
		const fixture = WORKFLOWS[workflow];
		await connectionOf(keys.appKey);
		await post(n8n().webhookUrl(String(fixture.nodes[0].parameters.path)), { release: 'v2.3' });
		const [execution] = await n8n().executions.waitFor(fixture.id, 1, {
			statuses: ['waiting'],
			timeoutMs: 60_000,
		});
		const nodeId = uuidFor(`${fixture.id}/Ask`);
		const card = [...cards.cards.values()].find(
			(candidate) =>
				candidate.appKey === keys.appKey &&
				readingFor(candidate.outTrackId, execution.id, nodeId) !== undefined,
		);
		if (!card) {
			const outTrackIds = [...cards.cards.values()].map((candidate) => candidate.outTrackId);
			throw new Error(
				`no Send and Wait card of execution ${execution.id} in the fake (cards: ${outTrackIds.join(', ') || 'none'})`,
			);
		}
		const target = readingFor(card.outTrackId, execution.id, nodeId)!;
		return { execution, card, fixture, target };
	}

	const finished = async (execution: ExecutionDetail) => await whenEnded(n8n(), execution.id);

	/** Still waiting a while after an answer that must not resume it. */
	async function stillWaiting(execution: ExecutionDetail) {
		await delay(1500);
		expect((await n8n().executions.get(execution.id)).status).toBe('waiting');
	}

	/** A person's click; checks that no execution of the Stream trigger's workflow started. */
	async function click(card: FakeCard, userId: string, params: Record<string, unknown>) {
		return await withoutExecution(
			n8n(),
			WORKFLOWS.stream.id,
			async () =>
				await cards.click(keys.appKey, { outTrackId: card.outTrackId, userId, params }, 20_000),
		);
	}

	/** The private data the ACK set for the clicker (DingTalk's userPrivateData). */
	function privateOf(ack: RecordedAck): Record<string, unknown> {
		const data = JSON.parse(String(ack.data)) as {
			response?: { userPrivateData?: { cardParamMap?: Record<string, unknown> } };
		};
		return data.response?.userPrivateData?.cardParamMap ?? {};
	}

	/** A card callback frame as DingTalk pushes it, over the given connection; resolves with its ACK. */
	async function pushClick(
		connectionId: string,
		click: {
			outTrackId: string;
			userId: string;
			params: Record<string, unknown>;
			actionId?: string;
		},
	): Promise<RecordedAck> {
		const content = JSON.stringify({
			cardPrivateData: { actionIds: [click.actionId ?? 'action'], params: click.params },
		});
		const messageId = gateway.pushCardCallback(
			{
				type: 'actionCallback',
				userId: click.userId,
				outTrackId: click.outTrackId,
				corpId: 'dingfakecorp',
				spaceType: 'IM_GROUP',
				spaceId: GROUP,
				userIdType: 1,
				content,
			},
			{ connectionId },
		);
		return await gateway.waitForAck(messageId, 20_000);
	}

	function expectRespondedAt(value: unknown, since: number) {
		const at = new Date(value as string | number).getTime();
		expect(Number.isNaN(at)).toBe(false);
		expect(at).toBeGreaterThanOrEqual(since - 1000);
		expect(at).toBeLessThanOrEqual(Date.now() + 1000);
	}

	describe('approval with an approvers list', () => {
		let waiting: Awaited<ReturnType<typeof startAndWait>>;

		it('sends the interactive card with the template variables and callbacks over Stream', async () => {
			waiting = await startAndWait('approve');
			const { card } = waiting;
			expect(card).toMatchObject({
				cardTemplateId: TEMPLATE,
				callbackType: 'STREAM',
				spaceType: 'IM_GROUP',
				spaceId: GROUP,
			});
			expect(card.publicData).toMatchObject({
				title: 'Deploy v2.3 to production?',
				content: 'All **checks** passed.',
				responseType: 'approval',
				approveText: 'Deploy',
				declineText: 'Stop',
				status: 'waiting',
				resultText: '',
			});
			// Nothing went out as a link message.
			expect(openApi.messages).toEqual([]);
		});

		it('the card’s outTrackId has the contract’s shape: n8nsw1 + signature + node UUID + execution ID', () => {
			const { card, execution } = waiting;
			expect(readSendAndWaitOutTrackId(card.outTrackId)).toMatchObject({
				executionId: execution.id,
				nodeId: uuidFor(`${WORKFLOWS.approve.id}/Ask`),
			});
		});

		it('a click by someone not among the approvers gets a private notice; the execution keeps waiting', async () => {
			const { card, execution } = waiting;
			const result = await click(card, BYSTANDER, { action: 'approve' });
			expect(result.ack.code).toBe(200);
			expect(cards.seenBy(result.card, BYSTANDER).notice).toBe(NOT_AUTHORIZED);
			expect(cards.seenBy(result.card, APPROVER).notice).toBeUndefined();
			expect(result.card.publicData).toMatchObject({ status: 'waiting', resultText: '' });
			await stillWaiting(execution);
		});

		it('the approver’s click resumes the execution with who approved and locks the card for everyone', async () => {
			const { card, execution } = waiting;
			const clickedAt = Date.now();
			const result = await click(card, APPROVER, { action: 'approve' });
			expect(result.ack.code).toBe(200);
			expect(result.card.publicData.status).toBe('approved');
			expect(result.card.publicData.resultText).toContain(APPROVER_NAME);
			for (const person of [APPROVER, BYSTANDER, 'someone-else']) {
				expect(cards.seenBy(result.card, person)).toMatchObject({
					status: 'approved',
					resultText: result.card.publicData.resultText,
				});
			}

			const done = await finished(execution);
			expect(failureOf(done).status).toBe('success');
			const [answer] = nodeOutput(done.data, 'Ask');
			expect(answer).toEqual({
				data: {
					approved: true,
					responder: { userId: APPROVER, name: APPROVER_NAME },
					respondedAt: expect.anything(),
				},
			});
			expectRespondedAt((answer.data as { respondedAt: unknown }).respondedAt, clickedAt);
			expect(nodeOutput(done.data, 'After the Answer')).toEqual([answer]);
		});

		it('a second click after the decision changes nothing and says it was already answered', async () => {
			const { card, execution } = waiting;
			const before = nodeOutput((await n8n().executions.get(execution.id)).data, 'Ask');
			const result = await click(card, APPROVER, { action: 'decline' });
			expect(result.ack.code).toBe(200);
			expect(String(cards.seenBy(result.card, APPROVER).notice)).toMatch(/already answered/);
			expect(result.card.publicData.status).toBe('approved');
			const after = await n8n().executions.get(execution.id);
			expect(after.status).toBe('success');
			expect(nodeOutput(after.data, 'Ask')).toEqual(before);
		});
	});

	describe('forged callbacks resume nothing', () => {
		let waiting: Awaited<ReturnType<typeof startAndWait>>;
		const params = { action: 'approve' };

		it('the same outTrackId clicked through another app’s Stream connection', async () => {
			waiting = await startAndWait('forged');
			const { card, execution } = waiting;
			const other = await connectionOf(otherKeys.appKey);
			const ack = await withoutExecution(
				n8n(),
				WORKFLOWS.otherStream.id,
				async () =>
					await pushClick(other.id, { outTrackId: card.outTrackId, userId: APPROVER, params }),
			);
			expect(ack.code).toBe(200);
			expect(String(privateOf(ack).notice ?? '')).toMatch(/no longer waiting/);
			await stillWaiting(execution);
			expect(card.publicData.status).toBe('waiting');
		});

		it('an outTrackId of the Send and Wait shape with a wrong signature, or naming no execution', async () => {
			const { card, execution, target } = waiting;
			const wrongSignature = withForgedSignature(card.outTrackId, target);
			const noExecution = `${card.outTrackId.slice(0, -execution.id.length)}987654`;
			expect(card.outTrackId.endsWith(execution.id)).toBe(true);
			const connection = await connectionOf(keys.appKey);
			for (const outTrackId of [wrongSignature, noExecution]) {
				expect(outTrackId).not.toBe(card.outTrackId);
				const ack = await withoutExecution(
					n8n(),
					WORKFLOWS.stream.id,
					async () => await pushClick(connection.id, { outTrackId, userId: APPROVER, params }),
				);
				expect(ack.code).toBe(200);
				expect(String(privateOf(ack).notice ?? '')).toMatch(/no longer waiting/);
			}
			await stillWaiting(execution);
		});

		it('a POST to the resume URL without the proof, with another app’s proof or a stale one gets 403', async () => {
			const { card, execution, target } = waiting;
			const payload = forwardedClick({
				appKey: keys.appKey,
				userId: APPROVER,
				outTrackId: card.outTrackId,
				params,
				spaceId: GROUP,
			});
			const origin = n8n().baseUrl;
			expect((await postForwardedClick(origin, target, payload)).status).toBe(403);
			expect((await postForwardedClick(origin, target, payload, undefined, 'json')).status).toBe(
				403,
			);
			const otherProof = cardProof(otherKeys.appSecret, payload);
			expect((await postForwardedClick(origin, target, payload, otherProof)).status).toBe(403);
			const stale = cardProof(keys.appSecret, payload, Date.now() - 120_000);
			expect((await postForwardedClick(origin, target, payload, stale)).status).toBe(403);
			// A proof of another payload does not carry over.
			const swapped = payload.replace(APPROVER, BYSTANDER);
			const proofOfOriginal = cardProof(keys.appSecret, payload);
			expect((await postForwardedClick(origin, target, swapped, proofOfOriginal)).status).toBe(403);
			await stillWaiting(execution);
		});

		it('after all that, the approver declines through the card: approved is false', async () => {
			const { card, execution } = waiting;
			const result = await click(card, APPROVER, { action: 'decline' });
			expect(result.card.publicData.status).toBe('declined');
			expect(result.card.publicData.resultText).toContain(APPROVER_NAME);
			const done = await finished(execution);
			expect(failureOf(done).status).toBe('success');
			expect(nodeOutput(done.data, 'Ask')).toEqual([
				{
					data: {
						approved: false,
						responder: { userId: APPROVER, name: APPROVER_NAME },
						respondedAt: expect.anything(),
					},
				},
			]);
		});
	});

	it('the hand-over itself: a POST with the app’s own proof resumes, the same POST again does not', async () => {
		const { card, execution, target } = await startAndWait('direct');
		const payload = forwardedClick({
			appKey: keys.appKey,
			userId: APPROVER,
			outTrackId: card.outTrackId,
			params: { action: 'approve' },
			spaceId: GROUP,
		});
		const proof = cardProof(keys.appSecret, payload);
		// Someone else's click with the approver's proof: the proof covers the payload.
		const bystander = payload.replace(APPROVER, BYSTANDER);
		expect((await postForwardedClick(n8n().baseUrl, target, bystander, proof)).status).toBe(403);

		const taken = await postForwardedClick(n8n().baseUrl, target, payload, proof);
		expect(taken.status).toBe(200);
		expect(JSON.parse(taken.body)).toMatchObject({
			outcome: 'resumed',
			cardUpdate: expect.any(Object),
		});
		const done = await finished(execution);
		expect(nodeOutput(done.data, 'Ask')).toEqual([
			{
				data: {
					approved: true,
					responder: { userId: APPROVER, name: APPROVER_NAME },
					respondedAt: expect.anything(),
				},
			},
		]);
		const replay = await postForwardedClick(n8n().baseUrl, target, payload, proof);
		// n8n answers a finished Send and Wait itself (2.8.4: 200 and a page saying it was answered).
		expect(replay.body).not.toMatch(/"outcome"\s*:\s*"resumed"/);
		expect(nodeOutput((await n8n().executions.get(execution.id)).data, 'Ask')).toHaveLength(1);
	});

	it('free text: anyone may answer (no approvers); the text comes back as data.text', async () => {
		const { card, execution } = await startAndWait('freeText');
		expect(card.publicData).toMatchObject({
			responseType: 'freeText',
			status: 'waiting',
			resultText: '',
		});
		expect(card.publicData.submitText).toEqual(expect.any(String));
		expect(card.publicData.submitText).not.toBe('');
		const result = await click(card, BYSTANDER, {
			action: 'submit',
			text: 'Wait until 18:00, please',
		});
		expect(result.card.publicData.status).toBe('answered');
		expect(result.card.publicData.resultText).toContain(BYSTANDER);
		const done = await finished(execution);
		// The bystander is not in the contacts: the name is left out, the answer still counts.
		expect(nodeOutput(done.data, 'Ask')).toEqual([
			{
				data: {
					text: 'Wait until 18:00, please',
					responder: { userId: BYSTANDER },
					respondedAt: expect.anything(),
				},
			},
		]);
	});

	it('custom form: a submit without a required field keeps waiting; the fields come back under their labels', async () => {
		const { card, execution } = await startAndWait('form');
		expect(card.publicData).toMatchObject({ responseType: 'customForm', status: 'waiting' });
		// The fields as JSON text, for a template (and the sandbox) that lays out its inputs.
		expect(JSON.parse(card.publicData.formFields)).toEqual([
			{ label: 'Version', type: 'text', required: true },
			{ label: 'Note', type: 'textarea', required: false },
		]);
		const missing = await click(card, APPROVER, { action: 'submit', Note: 'no version' });
		expect(missing.ack.code).toBe(200);
		expect(missing.card.publicData.status).toBe('waiting');
		await stillWaiting(execution);

		const result = await click(card, APPROVER, {
			action: 'submit',
			Version: 'v2.3.1',
			Note: 'after the backup',
		});
		expect(result.card.publicData.status).toBe('answered');
		const done = await finished(execution);
		expect(nodeOutput(done.data, 'Ask')).toEqual([
			{
				data: {
					Version: 'v2.3.1',
					Note: 'after the backup',
					responder: { userId: APPROVER, name: APPROVER_NAME },
					respondedAt: expect.anything(),
				},
			},
		]);
	});

	it('a time limit resumes the workflow without an answer; a click after it resumes nothing', async () => {
		const { card, execution } = await startAndWait('timeout');
		const done = await afterTimeLimit(n8n(), execution.id);
		expect(failureOf(done).status).toBe('success');
		const [output] = nodeOutput(done.data, 'After the Answer');
		expect(output).toMatchObject({ body: { release: 'v2.3' } });

		const late = await click(card, APPROVER, { action: 'approve' });
		expect(late.ack.code).toBe(200);
		expect(String(cards.seenBy(late.card, APPROVER).notice)).toMatch(/no longer waiting/);
		expect(nodeOutput((await n8n().executions.get(execution.id)).data, 'After the Answer')).toEqual(
			[output],
		);
	}, 150_000);

	it('the Stream workflow still runs for a click on an ordinary card (the checks above are not vacuous)', async () => {
		const connection = await connectionOf(keys.appKey);
		const { result, execution } = await withExecution(
			n8n(),
			WORKFLOWS.stream.id,
			async () =>
				await pushClick(connection.id, {
					outTrackId: 'n8n-ordinary-card-0001',
					userId: BYSTANDER,
					params: { action: 'acknowledge' },
					actionId: 'ack',
				}),
		);
		expect(result.code).toBe(200);
		expect(execution.mode).toBe('trigger');
		expect(nodeOutput(execution.data, 'DingTalk Stream Trigger')[0]).toMatchObject({
			outTrackId: 'n8n-ordinary-card-0001',
			userId: BYSTANDER,
		});
		// Neither Stream workflow ran for any Send and Wait card during the file.
		const ran = await n8n().executions.list(WORKFLOWS.stream.id);
		expect(ran).toHaveLength(1);
		expect(await n8n().executions.list(WORKFLOWS.otherStream.id)).toHaveLength(0);
	});
});
