import { FakeContacts, FakeDingTalk, FakeOpenApi, FakeWorkflow } from './index';
import { postJson, readAnswer } from './testClient';

const APP = { appKey: 'dingflowapp', appSecret: 'flow-secret' };

describe('FakeWorkflow (OA approvals)', () => {
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({ apps: [APP] });
	const contacts = new FakeContacts(openApi, {
		users: ['u1', 'm1', 'm2'].map((userid) => ({
			userid,
			unionid: `x${userid}`,
			name: userid,
			dept_id_list: [1],
		})),
	});
	const workflow = new FakeWorkflow(openApi, contacts, [
		{ processCode: 'PROC-1', name: 'Leave', approvers: ['m1', 'm2'], requiredFields: ['Days'] },
	]);
	fake.use(openApi).use(contacts).use(workflow);
	let base: string;

	const start = async () => {
		const token = (await postJson(`${base}/v1.0/oauth2/accessToken`, APP)).json
			.accessToken as string;
		const answer = await readAnswer(
			await fetch(`${base}/v1.0/workflow/processInstances`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': token },
				body: JSON.stringify({
					processCode: 'PROC-1',
					originatorUserId: 'u1',
					formComponentValues: [{ name: 'Days', value: '2' }],
				}),
			}),
		);
		return answer.json.instanceId as string;
	};

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	it('walks the approval chain: agree moves on, the last agree finishes with both events', async () => {
		const id = await start();
		expect(workflow.waitingFor('m1').map((i) => i.processInstanceId)).toEqual([id]);
		const first = workflow.act(id, 'm1', 'agree', 1_000, 'fine');
		expect(first).toEqual([
			expect.objectContaining({
				eventType: 'bpms_task_change',
				type: 'finish',
				result: 'agree',
				staffId: 'm1',
				remark: 'fine',
			}),
		]);
		expect(workflow.waitingFor('m2')).toHaveLength(1);
		const last = workflow.act(id, 'm2', 'agree', 2_000);
		expect(last.map((event) => event.eventType)).toEqual([
			'bpms_task_change',
			'bpms_instance_change',
		]);
		expect(last[1]).toMatchObject({
			processInstanceId: id,
			processCode: 'PROC-1',
			type: 'finish',
			result: 'agree',
			staffId: 'u1',
			finishTime: 2_000,
		});
		expect(workflow.instances.get(id)).toMatchObject({ status: 'COMPLETED', result: 'agree' });
	});

	it('a refusal finishes the approval at once and cancels the later steps', async () => {
		const id = await start();
		const events = workflow.act(id, 'm1', 'refuse', 1_000);
		expect(events.map((event) => [event.eventType, event.result])).toEqual([
			['bpms_task_change', 'refuse'],
			['bpms_instance_change', 'refuse'],
		]);
		expect(workflow.instances.get(id)!.tasks.map((task) => task.status)).toEqual([
			'COMPLETED',
			'CANCELED',
		]);
		expect(() => workflow.act(id, 'm2', 'agree', 2_000)).toThrow(/no running task/);
	});
});
