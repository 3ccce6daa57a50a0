// The To-Do resource of the DingTalk Robot node inside a real n8n, against the fake DingTalk over
// real HTTP: a to-do created for people given by user ID (looked up to unionIds through the
// contacts API), then completed by its assignee, as DingTalk's to-do API sees it.
import { nodeOutput } from '../../scripts/n8n-executions';
import { FakeContacts, FakeDingTalk, FakeOpenApi, FakeTodo } from '../fake-dingtalk';
import { fakeAppCredentialData, randomAppKeys } from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import { failureOf, post, withExecution } from './support/runs';
import { robotNode, webhookWorkflow } from './support/workflows';

const keys = randomAppKeys();
const APP = { id: 'e2eTodoApp000001', name: 'E2E to-do app (fake DingTalk)' };
const app = { type: 'dingTalkAppApi', data: {}, ...APP };

const WORKFLOWS = {
	createAndComplete: webhookWorkflow({
		id: 'e2eTodoCreate001',
		path: 'e2e-todo-create',
		then: [
			robotNode(
				'Create To-Do',
				{
					resource: 'todo',
					operation: 'create',
					peopleBy: 'userId',
					creator: '={{ $json.body.creator }}',
					executors: '={{ $json.body.assignees }}',
					subject: '={{ $json.body.subject }}',
					additionalFields: {
						dueTime: '={{ $json.body.due }}',
						priority: 30,
						detailUrl: '={{ $json.body.url }}',
					},
					options: {},
				},
				app,
			),
			robotNode(
				'Complete To-Do',
				{
					resource: 'todo',
					operation: 'update',
					taskId: '={{ $json.id }}',
					peopleBy: 'userId',
					person: "={{ $('Webhook').item.json.body.assignees[0] }}",
					status: 'done',
					options: {},
				},
				app,
			),
		],
	}),
};

describe('DingTalk to-dos in a real n8n', () => {
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({ apps: [{ appKey: keys.appKey, appSecret: keys.appSecret }] });
	const contacts = new FakeContacts(openApi, {
		users: [
			{ userid: 'e2e-manager', unionid: 'e2eUnionManager', name: 'Manager', dept_id_list: [1] },
			{ userid: 'e2e-staff-01', unionid: 'e2eUnionStaff01', name: 'Staff', dept_id_list: [1] },
		],
	});
	const todo = new FakeTodo(openApi, contacts);
	fake.use(openApi).use(contacts).use(todo);
	const n8n = useN8n(async () => {
		const baseUrl = await fake.start();
		const data = fakeAppCredentialData(keys, baseUrl);
		return {
			name: 'todo',
			credentials: [credential('dingTalkAppApi', APP.id, APP.name, data)],
			workflows: Object.values(WORKFLOWS),
		};
	});
	afterAll(async () => await fake.stop());

	it('creates a to-do for a user ID and completes it as the assignee', async () => {
		const fixture = WORKFLOWS.createAndComplete;
		const due = '2026-12-31T10:00:00.000Z';
		const { execution } = await withExecution(
			n8n(),
			fixture.id,
			async () =>
				await post(n8n().webhookUrl('e2e-todo-create'), {
					creator: 'e2e-manager',
					assignees: ['e2e-staff-01'],
					subject: 'Review OPS-12',
					due,
					url: 'https://jira.example.com/browse/OPS-12',
				}),
		);

		expect(failureOf(execution).status).toBe('success');
		const [task] = [...todo.tasks.values()];
		expect(task).toMatchObject({
			subject: 'Review OPS-12',
			creatorId: 'e2eUnionManager',
			executorIds: ['e2eUnionStaff01'],
			dueTime: Date.parse(due),
			priority: 30,
			detailUrl: {
				appUrl: 'https://jira.example.com/browse/OPS-12',
				pcUrl: 'https://jira.example.com/browse/OPS-12',
			},
			done: true,
			modifierId: 'e2eUnionStaff01',
		});
		const create = fake.requests.find(
			(request) => request.path === '/v1.0/todo/users/e2eUnionManager/tasks',
		)!;
		expect(create.headers['x-acs-dingtalk-access-token']).toEqual(expect.any(String));
		expect(nodeOutput(execution.data, 'Create To-Do')).toEqual([
			expect.objectContaining({
				id: task.id,
				peopleBy: 'userId',
				unionIdOfUserId: { 'e2e-manager': 'e2eUnionManager', 'e2e-staff-01': 'e2eUnionStaff01' },
			}),
		]);
		expect(nodeOutput(execution.data, 'Complete To-Do')).toEqual([
			{
				id: task.id,
				updated: true,
				done: true,
				peopleBy: 'userId',
				unionIdOfUserId: { 'e2e-staff-01': 'e2eUnionStaff01' },
			},
		]);
	});
});
