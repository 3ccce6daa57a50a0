// The Approval resource and approval events inside a real n8n, against the fake DingTalk over
// real HTTP: a workflow starts an OA approval with typed form values, the approver agrees (as
// on the sandbox page), and the approval's result event reaches both a DingTalk Trigger
// (encrypted HTTP push) and a DingTalk Stream Trigger (over the fake Stream gateway).
import { setTimeout as delay } from 'node:timers/promises';

import { nodeOutput } from '../../scripts/n8n-executions';
import { FakeContacts, FakeDingTalk, FakeOpenApi, FakeWorkflow } from '../fake-dingtalk';
import type { ApprovalEvent } from '../fake-dingtalk';
import { FakeStreamGateway } from '../fake-dingtalk/streamGateway';
import {
	eventPush,
	fakeAppCredentialData,
	openEventReply,
	randomAppKeys,
} from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import { failureOf, post, withExecution } from './support/runs';
import {
	robotNode,
	streamWorkflow,
	triggerPath,
	triggerWorkflow,
	webhookWorkflow,
} from './support/workflows';

const keys = randomAppKeys();
// The Stream trigger gets an app of its own: DingTalk gives each event to one connection.
const streamKeys = randomAppKeys();
const APP = { id: 'e2eApprovalApp01', name: 'E2E approval app (fake DingTalk)' };
const STREAM_APP = { id: 'e2eApprovalStrm1', name: 'E2E approval Stream app (fake DingTalk)' };
const PROCESS = 'PROC-E2E-EXPENSE';
const CORP = 'dinge2ecorp0001';

describe('DingTalk approvals in a real n8n', () => {
	const gateway = new FakeStreamGateway({
		apps: [{ clientId: streamKeys.appKey, clientSecret: streamKeys.appSecret }],
	});
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({ apps: [{ appKey: keys.appKey, appSecret: keys.appSecret }] });
	const contacts = new FakeContacts(openApi, {
		users: [
			{ userid: 'e2e-staff-01', unionid: 'e2eUnionStaff01', name: 'Staff', dept_id_list: [1] },
			{ userid: 'e2e-manager', unionid: 'e2eUnionManager', name: 'Manager', dept_id_list: [1] },
		],
	});
	const workflow = new FakeWorkflow(openApi, contacts, [
		{ processCode: PROCESS, name: '报销', requiredFields: ['Amount'], approvers: ['e2e-manager'] },
	]);
	fake.use(openApi).use(contacts).use(workflow).use(gateway);

	let app = credential('dingTalkAppApi', APP.id, APP.name, {});
	let streamApp = credential('dingTalkAppApi', STREAM_APP.id, STREAM_APP.name, {});
	const workflows = () => ({
		start: webhookWorkflow({
			id: 'e2eApprovalStart',
			path: 'e2e-approval-start',
			then: [
				robotNode(
					'Start Approval',
					{
						resource: 'approval',
						operation: 'start',
						processCode: PROCESS,
						originatorUserId: '={{ $json.body.userId }}',
						formInput: 'json',
						formJson: '={{ $json.body.form }}',
						options: {},
					},
					app,
				),
			],
		}),
		http: triggerWorkflow({
			id: 'e2eApprovalHttp1',
			name: 'E2E approval results over HTTP',
			credential: app,
			trigger: { mode: 'event', eventTypes: ['bpms_instance_change'] },
		}),
		stream: streamWorkflow({
			id: 'e2eApprovalStrm1',
			name: 'E2E approval results over Stream',
			credential: streamApp,
			trigger: { receive: ['events'], eventTypes: ['bpms_instance_change'], options: {} },
			then: [{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }],
		}),
	});
	let fixtures = workflows();

	const n8n = useN8n(async () => {
		await gateway.start();
		const baseUrl = await fake.start();
		const data = (appKeys: typeof keys) => fakeAppCredentialData(appKeys, baseUrl);
		app = credential('dingTalkAppApi', APP.id, APP.name, data(keys));
		streamApp = credential('dingTalkAppApi', STREAM_APP.id, STREAM_APP.name, data(streamKeys));
		fixtures = workflows();
		return {
			name: 'approval',
			credentials: [app, streamApp],
			workflows: Object.values(fixtures),
			publish: [fixtures.http.id, fixtures.stream.id, fixtures.start.id],
		};
	});
	afterAll(async () => {
		await fake.stop();
		await gateway.stop();
	});

	async function startApproval(): Promise<string> {
		const { execution } = await withExecution(
			n8n(),
			fixtures.start.id,
			async () =>
				await post(n8n().webhookUrl('e2e-approval-start'), {
					userId: 'e2e-staff-01',
					form: { Reason: 'Client visit', Amount: 120 },
				}),
		);
		expect(failureOf(execution).status).toBe('success');
		const [output] = nodeOutput(execution.data, 'Start Approval');
		const instanceId = String(output.instanceId);
		expect(workflow.instances.get(instanceId)).toMatchObject({
			status: 'RUNNING',
			originatorUserId: 'e2e-staff-01',
			formComponentValues: [
				expect.objectContaining({ name: 'Reason', value: 'Client visit' }),
				expect.objectContaining({ name: 'Amount', value: '120' }),
			],
		});
		return instanceId;
	}

	/** The approval's result event, without its type (the envelope carries it). */
	function finished(events: ApprovalEvent[]): Record<string, unknown> {
		const event = events.find((candidate) => candidate.eventType === 'bpms_instance_change');
		if (!event) throw new Error('the approval did not finish');
		const { eventType, ...fields } = event;
		void eventType;
		return fields;
	}

	it('starts an approval and receives its result through the DingTalk Trigger (HTTP push)', async () => {
		const instanceId = await startApproval();
		const fields = finished(workflow.act(instanceId, 'e2e-manager', 'agree', Date.now()));
		const push = eventPush(
			JSON.stringify({
				EventType: 'bpms_instance_change',
				EventTime: Date.now(),
				CorpId: CORP,
				eventId: `e2eapproval${instanceId.replace(/-/g, '')}`,
				...fields,
			}),
			keys,
		);
		const url = `${n8n().webhookUrl(triggerPath(fixtures.http))}?${new URLSearchParams(push.query)}`;
		const { result, execution } = await withExecution(
			n8n(),
			fixtures.http.id,
			async () => await post(url, push.body),
		);

		expect(openEventReply(result.body, keys)).toBe('success');
		expect(failureOf(execution).status).toBe('success');
		expect(nodeOutput(execution.data, 'DingTalk Trigger')).toEqual([
			expect.objectContaining({
				eventType: 'bpms_instance_change',
				corpId: CORP,
				data: expect.objectContaining({
					processInstanceId: instanceId,
					processCode: PROCESS,
					type: 'finish',
					result: 'agree',
					staffId: 'e2e-staff-01',
				}),
			}),
		]);
	});

	it('receives a refused approval’s result through the DingTalk Stream Trigger', async () => {
		const deadline = Date.now() + 60_000;
		while (!gateway.liveConnections().some((c) => c.clientId === streamKeys.appKey)) {
			if (Date.now() > deadline) throw new Error('The Stream workflow never connected');
			await delay(100);
		}
		const instanceId = await startApproval();
		const fields = finished(workflow.act(instanceId, 'e2e-manager', 'refuse', Date.now(), 'No'));
		const event = {
			eventType: 'bpms_instance_change',
			eventId: `e2estream${instanceId.replace(/-/g, '')}`,
			eventBornTime: Date.now(),
			eventCorpId: CORP,
			data: fields,
		};
		const { result: messageId, execution } = await withExecution(
			n8n(),
			fixtures.stream.id,
			async () => gateway.pushEvent(event),
		);

		const ack = await gateway.waitForAck(messageId);
		expect(JSON.parse(String(ack.data))).toMatchObject({ status: 'SUCCESS' });
		expect(failureOf(execution).status).toBe('success');
		expect(nodeOutput(execution.data, 'DingTalk Stream Trigger')).toEqual([
			expect.objectContaining({
				eventType: 'bpms_instance_change',
				data: expect.objectContaining({ processInstanceId: instanceId, result: 'refuse' }),
			}),
		]);
	});
});
