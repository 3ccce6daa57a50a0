// The DingTalk Trigger inside a real n8n, fed over real HTTP with what DingTalk sends: signed
// robot @-messages and encrypted event pushes. Checks what starts an execution, what starts none,
// and what each request is answered with.
import type { IDataObject } from 'n8n-workflow';

import { buildEventItem } from '../../nodes/shared/eventItem';
import { buildRobotMessageItem } from '../../nodes/shared/robotMessage';
import { nodeOutput } from '../../scripts/n8n-executions';
import {
	eventPush,
	openEventReply,
	randomAppKeys,
	robotMessageBody,
	signedRobotHeaders,
	type EventPush,
} from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import { post, withExecution, withoutExecution } from './support/runs';
import { triggerPath, triggerWorkflow } from './support/workflows';

const keys = randomAppKeys();
const app = credential('dingTalkAppApi', 'e2eAppCredentia1', 'E2E app (fake DingTalk)', {
	...keys,
	ownerKey: '',
	// Not used by the trigger; the robot node's app resource would call it.
	apiBaseUrl: 'http://127.0.0.1:9',
});

const WORKFLOWS = {
	robot: triggerWorkflow({
		id: 'e2eTrigRobot0001',
		name: 'E2E trigger: robot messages, acknowledged',
		credential: app,
		trigger: { mode: 'robot', robotVerification: 'signature', replyMode: 'acknowledge' },
	}),
	robotReply: triggerWorkflow({
		id: 'e2eTrigReply0001',
		name: 'E2E trigger: robot messages, answered with the last node',
		credential: app,
		trigger: { mode: 'robot', robotVerification: 'signature', replyMode: 'lastNode' },
		then: [
			{
				name: 'Answer',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				parameters: {
					mode: 'raw',
					jsonOutput:
						'={{ JSON.stringify({ msgtype: "text", text: { content: "pong: " + $json.text }, at: { atUserIds: [$json.sender.staffId] } }) }}',
					options: {},
				},
			},
		],
	}),
	outgoing: triggerWorkflow({
		id: 'e2eTrigOutgoing1',
		name: 'E2E trigger: custom robot Outgoing',
		credential: app,
		trigger: { mode: 'robot', robotVerification: 'outgoingToken', replyMode: 'acknowledge' },
	}),
	events: triggerWorkflow({
		id: 'e2eTrigEvents001',
		name: 'E2E trigger: event subscription',
		credential: app,
		trigger: { mode: 'event', eventTypes: ['user_add_org', 'bpms_instance_change'] },
	}),
};

describe('DingTalk Trigger in a real n8n', () => {
	const n8n = useN8n(() => ({
		name: 'trigger',
		credentials: [app],
		workflows: Object.values(WORKFLOWS),
	}));
	const url = (workflow: keyof typeof WORKFLOWS) =>
		n8n().webhookUrl(triggerPath(WORKFLOWS[workflow]));

	describe('robot @-messages', () => {
		it('starts one execution with the normalised message and acknowledges at once', async () => {
			const body = robotMessageBody('deploy web-1');
			const { result, execution } = await withExecution(n8n(), WORKFLOWS.robot.id, async () =>
				post(url('robot'), body, signedRobotHeaders(keys.appSecret)),
			);

			expect(result).toMatchObject({ status: 200, body: { msgtype: 'empty' } });
			expect(execution).toMatchObject({ mode: 'webhook', status: 'success' });
			const items = nodeOutput(execution.data, 'DingTalk Trigger');
			expect(items).toEqual([buildRobotMessageItem(body as IDataObject)]);
			expect(items[0]).toMatchObject({
				messageId: body.msgId,
				messageType: 'text',
				text: 'deploy web-1',
				sender: { nick: 'E2E Tester', staffId: 'e2e-staff-01' },
				conversation: { id: 'cidE2eGroup0001==', type: 'group', title: 'E2E group' },
				sessionWebhook: body.sessionWebhook,
				sessionWebhookExpiresAt: body.sessionWebhookExpiredTime,
			});
		});

		it('starts nothing for a message it already received (same msgId)', async () => {
			const body = robotMessageBody('status');
			await withExecution(n8n(), WORKFLOWS.robot.id, async () =>
				post(url('robot'), body, signedRobotHeaders(keys.appSecret)),
			);
			const again = await withoutExecution(n8n(), WORKFLOWS.robot.id, async () =>
				post(url('robot'), body, signedRobotHeaders(keys.appSecret)),
			);
			expect(again).toMatchObject({ status: 200, body: { msgtype: 'empty' } });
		});

		it('refuses a captured timestamp and sign with another message (401 signatureReused)', async () => {
			const captured = signedRobotHeaders(keys.appSecret);
			await withExecution(n8n(), WORKFLOWS.robot.id, async () =>
				post(url('robot'), robotMessageBody('status'), captured),
			);
			const forged = await withoutExecution(n8n(), WORKFLOWS.robot.id, async () =>
				post(url('robot'), robotMessageBody('deploy evil'), captured),
			);
			expect(forged).toMatchObject({ status: 401, body: { error: 'signatureReused' } });
		});

		it('refuses a message without msgId (400 missingMessageId) and starts nothing', async () => {
			const answer = await withoutExecution(n8n(), WORKFLOWS.robot.id, async () =>
				post(
					url('robot'),
					robotMessageBody('hello', { msgId: undefined }),
					signedRobotHeaders(keys.appSecret),
				),
			);
			expect(answer).toMatchObject({ status: 400, body: { error: 'missingMessageId' } });
		});

		it.each([
			['a wrong signature', 401, 'signMismatch', { secret: 'not-the-app-secret' }],
			['a timestamp two hours old', 401, 'staleTimestamp', { ageMs: 2 * 3_600_000 }],
		])('refuses %s with %i %s and starts nothing', async (_, status, reason, options) => {
			const answer = await withoutExecution(n8n(), WORKFLOWS.robot.id, async () =>
				post(url('robot'), robotMessageBody('hello'), signedRobotHeaders(keys.appSecret, options)),
			);
			expect(answer).toMatchObject({ status, body: { error: reason } });
		});

		it('refuses a request without signature headers with 401 and starts nothing', async () => {
			const answer = await withoutExecution(n8n(), WORKFLOWS.robot.id, async () =>
				post(url('robot'), robotMessageBody('hello')),
			);
			expect(answer).toMatchObject({ status: 401, body: { error: 'missingTimestamp' } });
		});

		it.each([
			// n8n's own body parser answers 422 before the trigger sees the request.
			['a body that is not JSON', 422, '{"msgtype": "text", "text": '],
			['a JSON array', 400, '[{"msgtype":"text"}]'],
			['a JSON string', 400, '"hello"'],
		])('refuses %s with %i and starts nothing', async (_, status, rawBody) => {
			const answer = await withoutExecution(n8n(), WORKFLOWS.robot.id, async () =>
				post(url('robot'), rawBody, signedRobotHeaders(keys.appSecret)),
			);
			expect(answer.status).toBe(status);
		});

		it('answers with the last node’s message in the synchronous reply mode', async () => {
			const { result, execution } = await withExecution(
				n8n(),
				WORKFLOWS.robotReply.id,
				async () =>
					await post(
						url('robotReply'),
						robotMessageBody('ping'),
						signedRobotHeaders(keys.appSecret),
					),
			);

			expect(execution.status).toBe('success');
			expect(result.status).toBe(200);
			expect(result.body).toEqual({
				msgtype: 'text',
				text: { content: 'pong: ping' },
				at: { atUserIds: ['e2e-staff-01'] },
			});
		});

		it('accepts a custom robot’s Outgoing request by its token and refuses a wrong token', async () => {
			const body = robotMessageBody('hello outgoing', { robotCode: undefined });
			const { result, execution } = await withExecution(n8n(), WORKFLOWS.outgoing.id, async () =>
				post(url('outgoing'), body, { token: keys.outgoingToken }),
			);
			expect(result).toMatchObject({ status: 200, body: { msgtype: 'empty' } });
			expect(nodeOutput(execution.data, 'DingTalk Trigger')[0]).toMatchObject({
				text: 'hello outgoing',
			});

			const refused = await withoutExecution(n8n(), WORKFLOWS.outgoing.id, async () =>
				post(url('outgoing'), robotMessageBody('again'), { token: 'wrong-token' }),
			);
			expect(refused).toMatchObject({ status: 401, body: { error: 'tokenMismatch' } });
		});
	});

	describe('event subscription pushes', () => {
		const pushUrl = (push: EventPush) => `${url('events')}?${new URLSearchParams(push.query)}`;
		const newEmployee = (eventId: string) => ({
			EventType: 'user_add_org',
			EventTime: Date.now(),
			CorpId: 'dinge2ecorp0001',
			BizId: '1663143335567',
			eventId,
			timeStamp: String(Date.now()),
			userId: ['e2e-new-hire-01'],
		});

		it('answers check_url with an encrypted, signed "success" and starts nothing', async () => {
			const push = eventPush(JSON.stringify({ EventType: 'check_url' }), keys);
			const answer = await withoutExecution(n8n(), WORKFLOWS.events.id, async () =>
				post(pushUrl(push), push.body),
			);
			expect(answer.status).toBe(200);
			expect(openEventReply(answer.body, keys)).toBe('success');
		});

		it('starts one execution per event and none for a retry with the same eventId', async () => {
			const event = newEmployee('e2eevent0000000000000000000001');
			const plaintext = JSON.stringify(event);
			const first = eventPush(plaintext, keys);
			const { result, execution } = await withExecution(n8n(), WORKFLOWS.events.id, async () =>
				post(pushUrl(first), first.body),
			);
			expect(result.status).toBe(200);
			expect(openEventReply(result.body, keys)).toBe('success');
			const items = nodeOutput(execution.data, 'DingTalk Trigger');
			expect(items).toEqual([buildEventItem(event as IDataObject)]);
			expect(items[0]).toMatchObject({
				eventType: 'user_add_org',
				eventId: event.eventId,
				corpId: 'dinge2ecorp0001',
				data: { userId: ['e2e-new-hire-01'] },
			});

			// DingTalk retries after 10 s and 30 s with a fresh nonce, timestamp and encryption.
			const retry = eventPush(plaintext, keys);
			expect(retry.body.encrypt).not.toBe(first.body.encrypt);
			const retried = await withoutExecution(n8n(), WORKFLOWS.events.id, async () =>
				post(pushUrl(retry), retry.body),
			);
			expect(retried.status).toBe(200);
			expect(openEventReply(retried.body, keys)).toBe('success');

			const next = eventPush(JSON.stringify(newEmployee('e2eevent0000000000000000000002')), keys);
			const { execution: second } = await withExecution(n8n(), WORKFLOWS.events.id, async () =>
				post(pushUrl(next), next.body),
			);
			expect(nodeOutput(second.data, 'DingTalk Trigger')[0]).toMatchObject({
				eventId: 'e2eevent0000000000000000000002',
			});
		});

		it('answers "success" to an event type the node does not listen to, and starts nothing', async () => {
			const push = eventPush(
				JSON.stringify({
					...newEmployee('e2eevent0000000000000000000003'),
					EventType: 'chat_quit',
				}),
				keys,
			);
			const answer = await withoutExecution(n8n(), WORKFLOWS.events.id, async () =>
				post(pushUrl(push), push.body),
			);
			expect(answer.status).toBe(200);
			expect(openEventReply(answer.body, keys)).toBe('success');
		});

		it.each([
			['a wrong signature', 401, 'signMismatch', { token: 'not-the-event-token' }],
			['a timestamp two hours old', 401, 'staleTimestamp', { ageMs: 2 * 3_600_000 }],
			['an event for another app', 400, 'eventUnreadable', { ownerKey: 'dingotherapp0001' }],
		])('refuses %s with %i %s and starts nothing', async (_, status, reason, options) => {
			const push = eventPush(
				JSON.stringify(newEmployee('e2eevent0000000000000000000004')),
				keys,
				options,
			);
			const answer = await withoutExecution(n8n(), WORKFLOWS.events.id, async () =>
				post(pushUrl(push), push.body),
			);
			expect(answer).toMatchObject({ status, body: { error: reason } });
		});

		it('refuses a push without an encrypt field with 400 and starts nothing', async () => {
			const push = eventPush(JSON.stringify(newEmployee('e2eevent0000000000000000000005')), keys);
			const answer = await withoutExecution(n8n(), WORKFLOWS.events.id, async () =>
				post(pushUrl(push), { encrypted: push.body.encrypt }),
			);
			expect(answer).toMatchObject({ status: 400, body: { error: 'missingEncrypt' } });
		});
	});
});
