import { NodeApiError } from 'n8n-workflow';

import type { FakeUser } from '../../../../fake-dingtalk';
import {
	addApp,
	bodyOf,
	requestsTo,
	run,
	runExpectingError,
	useFakeOpenApi,
} from '../../support/app';
import { expectFieldError } from '../../support/robot';

const alice: FakeUser = {
	userid: 'manager4220',
	unionid: 'union-alice',
	name: '张三',
	dept_id_list: [1],
};
const bob: FakeUser = {
	userid: 'staff0147',
	unionid: 'union-bob',
	name: '李四',
	dept_id_list: [1],
};
const carol: FakeUser = {
	userid: 'staff0200',
	unionid: 'union-carol',
	name: '王五',
	dept_id_list: [1],
};

const server = useFakeOpenApi({ contacts: { users: [alice, bob, carol] } });

const todo = (operation: string, fields: Record<string, unknown> = {}) => ({
	resource: 'todo',
	operation,
	peopleBy: 'userId',
	...fields,
	options: { maxRetries: 0 },
});

const TASKS = '/v1.0/todo/users/union-alice/tasks';
const USER_GET = '/topapi/v2/user/get';

const DUE = '2026-12-31T10:00:00.000Z';

async function createOne(app: ReturnType<typeof addApp>) {
	const [item] = await run(
		app,
		todo('create', { creator: 'manager4220', executors: 'staff0147', subject: 'Review OPS-12' }),
	);
	return item.json;
}

describe('To-Do → Create', () => {
	it('creates a to-do for people given by user ID, looking up their unionIds, and says so', async () => {
		const app = addApp(server());
		const [item] = await run(
			app,
			todo('create', {
				creator: 'manager4220',
				executors: 'staff0147, staff0200',
				subject: 'Review OPS-12: Disk full',
				additionalFields: {
					description: 'db-1 /var at 93%',
					dueTime: DUE,
					priority: 30,
					detailUrl: 'https://jira.example.com/browse/OPS-12',
					participants: 'manager4220',
					sourceId: 'OPS-12',
				},
			}),
		);

		const [create] = requestsTo(server(), TASKS);
		expect(create.method).toBe('POST');
		expect(create.query).toEqual({ operatorId: 'union-alice' });
		expect(bodyOf(create)).toEqual({
			subject: 'Review OPS-12: Disk full',
			creatorId: 'union-alice',
			executorIds: ['union-bob', 'union-carol'],
			participantIds: ['union-alice'],
			description: 'db-1 /var at 93%',
			dueTime: Date.parse(DUE),
			priority: 30,
			detailUrl: {
				appUrl: 'https://jira.example.com/browse/OPS-12',
				pcUrl: 'https://jira.example.com/browse/OPS-12',
			},
			sourceId: 'OPS-12',
		});
		// One contacts lookup per person, even when a person appears twice.
		expect(requestsTo(server(), USER_GET).map((request) => bodyOf(request).userid)).toEqual([
			'manager4220',
			'staff0147',
			'staff0200',
		]);
		expect(item.json).toMatchObject({
			id: expect.stringMatching(/^task/),
			subject: 'Review OPS-12: Disk full',
			executorIds: ['union-bob', 'union-carol'],
			done: false,
			peopleBy: 'userId',
			unionIdOfUserId: {
				manager4220: 'union-alice',
				staff0147: 'union-bob',
				staff0200: 'union-carol',
			},
		});
		expect(server().todo.tasks.size).toBe(1);
	});

	it('uses unionIds as they are, without a lookup', async () => {
		const app = addApp(server());
		const [item] = await run(
			app,
			todo('create', {
				peopleBy: 'unionId',
				creator: 'union-alice',
				executors: '={{ $json.assignees }}',
				subject: 'Sign the contract',
			}),
			{ items: [{ assignees: ['union-bob', 'union-carol'] }] },
		);
		expect(requestsTo(server(), USER_GET)).toHaveLength(0);
		expect(bodyOf(requestsTo(server(), TASKS)[0]).executorIds).toEqual([
			'union-bob',
			'union-carol',
		]);
		expect(item.json.peopleBy).toBe('unionId');
		expect(item.json.unionIdOfUserId).toBeUndefined();
	});

	it('refuses a missing subject, no assignees, a bad due time or link before calling DingTalk', async () => {
		const app = addApp(server());
		const base = { creator: 'manager4220', executors: 'staff0147', subject: 'x' };
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ ...base, subject: ' ' }, 'subject'],
			[{ ...base, executors: ' , ' }, 'executors'],
			[{ ...base, additionalFields: { dueTime: 'next week' } }, 'dueTime'],
			[{ ...base, additionalFields: { detailUrl: 'jira/OPS-12' } }, 'detailUrl'],
			[{ ...base, subject: 'x'.repeat(1025) }, 'subject'],
		];
		for (const [fields, parameter] of cases) {
			const error = await runExpectingError(app, todo('create', fields));
			expectFieldError(error, { item: 0, parameter });
		}
		expect(requestsTo(server(), TASKS)).toHaveLength(0);
	});

	it('fails naming the user ID DingTalk does not know', async () => {
		const app = addApp(server());
		const error = await runExpectingError(
			app,
			todo('create', { creator: 'manager4220', executors: 'ghost01', subject: 'x' }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('ghost01');
		expect(error.message).toContain('(errcode 60121)');
		expect(requestsTo(server(), TASKS)).toHaveLength(0);
	});

	it('fails with DingTalk’s code for an unknown unionId', async () => {
		const app = addApp(server());
		const error = await runExpectingError(
			app,
			todo('create', {
				peopleBy: 'unionId',
				creator: 'union-alice',
				executors: 'union-ghost',
				subject: 'x',
			}),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('(todo.taskCreate.paramError)');
		expect(error.message).toContain('union-ghost');
	});

	it('names Todo.Todo.Write when the app lacks it', async () => {
		const app = addApp(server(), { permissions: ['qyapi_get_member'] });
		const error = await runExpectingError(
			app,
			todo('create', { creator: 'manager4220', executors: 'staff0147', subject: 'x' }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('(Forbidden.AccessDenied.AccessTokenPermissionDenied)');
		expect(error.description).toMatch(/Todo\.Todo\.Write/);
		expect(error.description).not.toMatch(/qyapi_robot_sendmsg/);
	});
});

describe('To-Do → Update, Get, Delete', () => {
	it('completes a to-do as its assignee, and reopens it', async () => {
		const app = addApp(server());
		const created = await createOne(app);
		const [done] = await run(
			app,
			todo('update', { taskId: created.id, person: 'staff0147', status: 'done' }),
		);
		const path = `/v1.0/todo/users/union-bob/tasks/${String(created.id)}`;
		const [put] = requestsTo(server(), path);
		expect(put.method).toBe('PUT');
		expect(put.query).toEqual({ operatorId: 'union-bob' });
		expect(bodyOf(put)).toEqual({ done: true });
		expect(done.json).toEqual({
			id: created.id,
			updated: true,
			done: true,
			peopleBy: 'userId',
			unionIdOfUserId: { staff0147: 'union-bob' },
		});
		const task = server().todo.tasks.get(created.id as string)!;
		expect(task).toMatchObject({
			done: true,
			finishTime: expect.any(Number),
			modifierId: 'union-bob',
		});

		await run(app, todo('update', { taskId: created.id, person: 'staff0147', status: 'notDone' }));
		expect(task.done).toBe(false);
	});

	it('changes fields, leaving the status alone', async () => {
		const app = addApp(server());
		const created = await createOne(app);
		await run(
			app,
			todo('update', {
				taskId: created.id,
				person: 'manager4220',
				status: 'unchanged',
				updateFields: { subject: 'Review OPS-12 again', dueTime: DUE, executors: 'staff0200' },
			}),
		);
		const body = bodyOf(requestsTo(server(), `${TASKS}/${String(created.id)}`)[0]);
		expect(body).toEqual({
			subject: 'Review OPS-12 again',
			dueTime: Date.parse(DUE),
			executorIds: ['union-carol'],
		});
		expect(server().todo.tasks.get(created.id as string)).toMatchObject({
			subject: 'Review OPS-12 again',
			executorIds: ['union-carol'],
			done: false,
		});
	});

	it('refuses an update that changes nothing', async () => {
		const app = addApp(server());
		const error = await runExpectingError(
			app,
			todo('update', { taskId: 'task1', person: 'manager4220', status: 'unchanged' }),
		);
		expectFieldError(error, { item: 0, parameter: 'updateFields', message: /Nothing to update/ });
	});

	it('gets a to-do with DingTalk’s field names', async () => {
		const app = addApp(server());
		const created = await createOne(app);
		const [item] = await run(app, todo('get', { taskId: created.id, person: 'staff0147' }));
		const [get] = requestsTo(server(), `/v1.0/todo/users/union-bob/tasks/${String(created.id)}`);
		expect(get.method).toBe('GET');
		expect(item.json).toMatchObject({
			id: created.id,
			subject: 'Review OPS-12',
			creatorId: 'union-alice',
			executorIds: ['union-bob'],
			done: false,
			peopleBy: 'userId',
		});
	});

	it('fails for a to-do that does not exist, or a person it does not belong to', async () => {
		const app = addApp(server());
		const created = await createOne(app);
		const unknown = await runExpectingError(
			app,
			todo('get', { taskId: 'task-none', person: 'staff0147' }),
		);
		expect(unknown.message).toContain('(todo.taskQuery.paramError)');
		expect(unknown.message).toContain('task not exist');
		const stranger = await runExpectingError(
			app,
			todo('delete', { taskId: created.id, person: 'staff0200' }),
		);
		expect(stranger.message).toContain('(todo.taskDelete.paramError)');
		expect(server().todo.tasks.size).toBe(1);
	});

	it('names Todo.Todo.Read when the app may not read to-dos', async () => {
		const app = addApp(server(), { permissions: ['qyapi_get_member', 'Todo.Todo.Write'] });
		const created = await createOne(app);
		const error = await runExpectingError(
			app,
			todo('get', { taskId: created.id, person: 'staff0147' }),
		);
		expect(error.description).toMatch(/Todo\.Todo\.Read/);
	});

	it('deletes a to-do', async () => {
		const app = addApp(server());
		const created = await createOne(app);
		const [item] = await run(app, todo('delete', { taskId: created.id, person: 'manager4220' }));
		expect(requestsTo(server(), `${TASKS}/${String(created.id)}`)[0].method).toBe('DELETE');
		expect(item.json).toMatchObject({ id: created.id, deleted: true, peopleBy: 'userId' });
		expect(server().todo.tasks.size).toBe(0);
	});

	it('refuses an empty To-Do ID naming the parameter', async () => {
		const app = addApp(server());
		const error = await runExpectingError(app, todo('get', { taskId: ' ', person: 'staff0147' }));
		expectFieldError(error, { item: 0, parameter: 'taskId' });
	});
});
