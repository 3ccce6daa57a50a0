import { randomBytes } from 'node:crypto';

import type { FakeContacts } from './contacts';
import { apiError, parseJsonBody, permissionRefusal } from './openApi';
import type { FakeApp, FakeOpenApi } from './openApi';
import type { FakeExtension, Reply, RequestContext, Route } from './routing';

/**
 * DingTalk to-dos (待办) of the new-style API, addressed by the unionId of a person:
 * POST /v1.0/todo/users/{unionId}/tasks creates, GET / PUT / DELETE
 * /v1.0/todo/users/{unionId}/tasks/{taskId} read, update and delete (operatorId in the query).
 * People are the FakeContacts users, by their `unionid`. Plug it in next to the FakeOpenApi that
 * issues the tokens: `fake.use(new FakeTodo(openApi, contacts))`.
 *
 * Checks, in this order: token (FakeOpenApi); permission Todo.Todo.Write to write,
 * Todo.Todo.Read to read, when the app lists its permissions (HTTP 403 naming it); the unionId
 * of the path (a known person); the JSON body and its fields; the task (it exists and the person
 * is its creator, an executor or a participant). Refusals are HTTP 400 with
 * `todo.task<Create|Update|Delete|Query>.paramError`, the code DingTalk answers for a
 * to-do that does not exist; the messages are the fake's own words.
 */

export const TODO_PERMISSIONS = { write: 'Todo.Todo.Write', read: 'Todo.Todo.Read' } as const;

export const MAX_TODO_SUBJECT = 1024;
export const MAX_TODO_DESCRIPTION = 4096;
const PRIORITIES = [10, 20, 30, 40];
const PREFIX = '/v1.0/todo/users/';

/** A to-do as GET returns it (DingTalk's field names). */
export interface FakeTodoTask {
	id: string;
	subject: string;
	description?: string;
	creatorId: string;
	modifierId: string;
	executorIds: string[];
	participantIds: string[];
	dueTime?: number;
	priority?: number;
	detailUrl?: { appUrl?: string; pcUrl?: string };
	sourceId?: string;
	isOnlyShowExecutor: boolean;
	done: boolean;
	finishTime?: number;
	createdTime: number;
	modifiedTime: number;
	source: string;
	bizTag: string;
	/** The app that created it (not a DingTalk field of the answer). */
	appKey: string;
}

type Operation = 'Create' | 'Update' | 'Delete' | 'Query';

function paramError(operation: Operation, message: string): Reply {
	return apiError(400, `todo.task${operation}.paramError`, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FakeTodo implements FakeExtension {
	/** Every to-do, by id, oldest first. */
	readonly tasks = new Map<string, FakeTodoTask>();

	constructor(
		private readonly openApi: FakeOpenApi,
		private readonly contacts: FakeContacts,
	) {}

	reset(): void {
		this.tasks.clear();
	}

	routes(): Route[] {
		return [{ path: PREFIX, prefix: true, handle: (context) => this.handle(context) }];
	}

	private handle(context: RequestContext): Reply {
		const parts = context.path.slice(PREFIX.length).split('/').map(decodeURIComponent);
		const [unionId, tasks, taskId, extra] = parts;
		const collection = tasks === 'tasks' && taskId === undefined;
		const single = tasks === 'tasks' && taskId !== undefined && taskId !== '' && !extra;
		if (!unionId || !(collection || single)) {
			return { status: 404, json: { error: 'Not Found', path: context.path } };
		}
		const method = context.method;
		const allowed = collection ? ['POST'] : ['GET', 'PUT', 'DELETE'];
		if (!allowed.includes(method)) {
			return { status: 405, json: { error: 'Method Not Allowed', path: context.path } };
		}
		const app = this.openApi.appOfHeaderToken(context);
		if ('status' in app) return app;
		const permission = method === 'GET' ? TODO_PERMISSIONS.read : TODO_PERMISSIONS.write;
		const refused = permissionRefusal(app, permission);
		if (refused) return refused;
		const operation: Operation =
			method === 'POST'
				? 'Create'
				: method === 'PUT'
					? 'Update'
					: method === 'DELETE'
						? 'Delete'
						: 'Query';
		if (!this.knows(unionId)) return paramError(operation, `unionId ${unionId} not exist`);
		if (method === 'POST') return this.create(context, app, unionId);
		const task = this.tasks.get(taskId);
		if (!task || task.appKey !== app.appKey || !this.involves(task, unionId)) {
			return paramError(operation, 'task not exist');
		}
		if (method === 'GET') return { status: 200, json: this.view(task) };
		if (method === 'DELETE') {
			this.tasks.delete(task.id);
			return { status: 200, json: { requestId: requestId(), result: true } };
		}
		return this.update(context, task, unionId);
	}

	private knows(unionId: string): boolean {
		return [...this.contacts.users.values()].some((user) => user.unionid === unionId);
	}

	private involves(task: FakeTodoTask, unionId: string): boolean {
		return (
			task.creatorId === unionId ||
			task.executorIds.includes(unionId) ||
			task.participantIds.includes(unionId)
		);
	}

	/** The people of a list field, or the refusal; undefined when the field is absent. */
	private people(
		operation: Operation,
		body: Record<string, unknown>,
		field: 'executorIds' | 'participantIds',
	): string[] | Reply | undefined {
		const value = body[field];
		if (value === undefined) return undefined;
		if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
			return paramError(operation, `${field} must be a list of unionIds`);
		}
		const unknown = (value as string[]).filter((unionId) => !this.knows(unionId));
		if (unknown.length > 0) {
			return paramError(operation, `${field} contains unknown unionId ${unknown.join(',')}`);
		}
		return [...new Set(value as string[])];
	}

	/** Checks the fields create and update share; the refusal, or undefined. */
	private checkFields(operation: Operation, body: Record<string, unknown>): Reply | undefined {
		const { subject, description, dueTime, priority, detailUrl, done } = body;
		if (subject !== undefined) {
			if (typeof subject !== 'string' || subject.trim() === '') {
				return paramError(operation, 'subject is empty');
			}
			if (subject.length > MAX_TODO_SUBJECT) {
				return paramError(operation, `subject longer than ${MAX_TODO_SUBJECT}`);
			}
		}
		if (description !== undefined) {
			if (typeof description !== 'string') return paramError(operation, 'description invalid');
			if (description.length > MAX_TODO_DESCRIPTION) {
				return paramError(operation, `description longer than ${MAX_TODO_DESCRIPTION}`);
			}
		}
		if (dueTime !== undefined && (typeof dueTime !== 'number' || !Number.isInteger(dueTime))) {
			return paramError(operation, 'dueTime must be milliseconds since the epoch');
		}
		if (priority !== undefined && !PRIORITIES.includes(priority as number)) {
			return paramError(operation, 'priority must be 10, 20, 30 or 40');
		}
		if (detailUrl !== undefined) {
			const urls = isObject(detailUrl) ? Object.values(detailUrl) : [null];
			if (urls.some((url) => typeof url !== 'string')) {
				return paramError(operation, 'detailUrl must be {appUrl, pcUrl}');
			}
		}
		if (done !== undefined && typeof done !== 'boolean') {
			return paramError(operation, 'done must be true or false');
		}
		return undefined;
	}

	private create(context: RequestContext, app: FakeApp, unionId: string): Reply {
		const body = parseJsonBody(context);
		if (!body) return apiError(400, 'InvalidParameter', '请求体不是合法的JSON');
		if (body.subject === undefined) return paramError('Create', 'subject is empty');
		const invalid = this.checkFields('Create', body);
		if (invalid) return invalid;
		const executorIds = this.people('Create', body, 'executorIds');
		if (executorIds && !Array.isArray(executorIds)) return executorIds;
		const participantIds = this.people('Create', body, 'participantIds');
		if (participantIds && !Array.isArray(participantIds)) return participantIds;
		const creatorId = typeof body.creatorId === 'string' ? body.creatorId : unionId;
		const task: FakeTodoTask = {
			id: `task${randomBytes(10).toString('hex')}`,
			subject: String(body.subject),
			description: body.description as string | undefined,
			creatorId,
			modifierId: creatorId,
			executorIds: executorIds ?? [],
			participantIds: participantIds ?? [],
			dueTime: body.dueTime as number | undefined,
			priority: body.priority as number | undefined,
			detailUrl: body.detailUrl as FakeTodoTask['detailUrl'],
			sourceId: body.sourceId as string | undefined,
			isOnlyShowExecutor: body.isOnlyShowExecutor === true,
			done: false,
			createdTime: context.now,
			modifiedTime: context.now,
			source: app.appKey,
			bizTag: 'ding',
			appKey: app.appKey,
		};
		this.tasks.set(task.id, task);
		return { status: 200, json: this.view(task) };
	}

	private update(context: RequestContext, task: FakeTodoTask, unionId: string): Reply {
		const body = parseJsonBody(context);
		if (!body) return apiError(400, 'InvalidParameter', '请求体不是合法的JSON');
		const invalid = this.checkFields('Update', body);
		if (invalid) return invalid;
		const executorIds = this.people('Update', body, 'executorIds');
		if (executorIds && !Array.isArray(executorIds)) return executorIds;
		const participantIds = this.people('Update', body, 'participantIds');
		if (participantIds && !Array.isArray(participantIds)) return participantIds;
		if (typeof body.subject === 'string') task.subject = body.subject;
		if (typeof body.description === 'string') task.description = body.description;
		if (typeof body.dueTime === 'number') task.dueTime = body.dueTime;
		if (executorIds) task.executorIds = executorIds;
		if (participantIds) task.participantIds = participantIds;
		if (typeof body.done === 'boolean' && body.done !== task.done) {
			task.done = body.done;
			task.finishTime = body.done ? context.now : undefined;
		}
		task.modifierId = context.query.operatorId || unionId;
		task.modifiedTime = context.now;
		return { status: 200, json: { result: true } };
	}

	private view(task: FakeTodoTask): Record<string, unknown> {
		const { appKey, ...fields } = task;
		void appKey;
		return { ...fields, requestId: requestId() };
	}
}

function requestId(): string {
	return randomBytes(8).toString('hex').toUpperCase();
}
