import { FakeContacts, FakeDingTalk, FakeOpenApi, FakeTodo } from './index';
import { postJson, readAnswer } from './testClient';

const APP = { appKey: 'dingtodoapp', appSecret: 'todo-secret' };

describe('FakeTodo (DingTalk to-dos)', () => {
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({ apps: [APP] });
	const contacts = new FakeContacts(openApi, {
		users: [
			{ userid: 'u1', unionid: 'union1', name: 'A', dept_id_list: [1] },
			{ userid: 'u2', unionid: 'union2', name: 'B', dept_id_list: [1] },
		],
	});
	const todo = new FakeTodo(openApi, contacts);
	fake.use(openApi).use(contacts).use(todo);
	let base: string;

	const token = async () =>
		(await postJson(`${base}/v1.0/oauth2/accessToken`, APP)).json.accessToken as string;
	const call = async (method: string, path: string, body?: unknown, accessToken?: string) =>
		readAnswer(
			await fetch(`${base}${path}`, {
				method,
				headers: {
					'Content-Type': 'application/json',
					...(accessToken ? { 'x-acs-dingtalk-access-token': accessToken } : {}),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			}),
		);

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => fake.reset());

	it('creates, reads, completes and deletes a to-do', async () => {
		const value = await token();
		const created = await call(
			'POST',
			'/v1.0/todo/users/union1/tasks?operatorId=union1',
			{ subject: 'Do it', executorIds: ['union2'], priority: 20 },
			value,
		);
		expect(created).toMatchObject({
			status: 200,
			json: { subject: 'Do it', creatorId: 'union1', executorIds: ['union2'], done: false },
		});
		const path = `/v1.0/todo/users/union2/tasks/${String(created.json.id)}`;
		expect((await call('PUT', path, { done: true }, value)).json).toEqual({ result: true });
		expect((await call('GET', path, undefined, value)).json).toMatchObject({
			done: true,
			finishTime: expect.any(Number),
		});
		expect((await call('DELETE', path, undefined, value)).json).toMatchObject({ result: true });
		expect(todo.tasks.size).toBe(0);
	});

	it('enforces the contract: token, fields, people, methods', async () => {
		const value = await token();
		const create = (body: unknown, accessToken = value) =>
			call('POST', '/v1.0/todo/users/union1/tasks', body, accessToken);
		expect((await create({ subject: 'x' }, '')).json.code).toBe(
			'AuthenticationFailed.MissingParameter',
		);
		expect((await create({})).json).toMatchObject({
			code: 'todo.taskCreate.paramError',
			message: 'subject is empty',
		});
		expect((await create({ subject: 'x', priority: 15 })).status).toBe(400);
		expect((await create({ subject: 'x', dueTime: '2026-01-01' })).status).toBe(400);
		expect((await create({ subject: 'x', executorIds: ['nobody'] })).json.message).toContain(
			'nobody',
		);
		expect(
			(await call('POST', '/v1.0/todo/users/nobody/tasks', { subject: 'x' }, value)).json.code,
		).toBe('todo.taskCreate.paramError');
		expect((await call('GET', '/v1.0/todo/users/union1/tasks', undefined, value)).status).toBe(405);
		expect((await call('GET', '/v1.0/todo/users/union1/other', undefined, value)).status).toBe(404);
	});
});
