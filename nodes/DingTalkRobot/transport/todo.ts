import type { IDataObject } from 'n8n-workflow';

import { permissionHint } from './openApi';
import type { OpenApiClient, RetryOptions } from './openApi';

/** DingTalk's to-dos (待办), addressed by the unionId of a person. */

/** The console permissions of the to-do API, as a refusal names them. */
export const TODO_PERMISSIONS = {
	write: '待办应用中待办写权限 Todo.Todo.Write',
	read: '待办应用中待办读权限 Todo.Todo.Read',
} as const;

/** The fields create and update send, in DingTalk's names. */
export interface TodoFields extends IDataObject {
	subject?: string;
	description?: string;
	dueTime?: number;
	executorIds?: string[];
	participantIds?: string[];
	done?: boolean;
}

function tasksPath(unionId: string, taskId?: string): string {
	const base = `/v1.0/todo/users/${encodeURIComponent(unionId)}/tasks`;
	return taskId === undefined ? base : `${base}/${encodeURIComponent(taskId)}`;
}

/** Creates a to-do as the person `unionId` (its creator and the operator). */
export async function createTodo(
	client: OpenApiClient,
	unionId: string,
	body: IDataObject,
	retry: RetryOptions,
): Promise<IDataObject> {
	return await client.call(
		'POST',
		tasksPath(unionId),
		{ body, qs: { operatorId: unionId } },
		{
			...retry,
			what: 'DingTalk did not create the to-do',
			describeCode: permissionHint(TODO_PERMISSIONS.write),
		},
	);
}

/** A to-do, read as a person it belongs to (creator, executor or participant). */
export async function getTodo(
	client: OpenApiClient,
	unionId: string,
	taskId: string,
	retry: RetryOptions,
): Promise<IDataObject> {
	return await client.call(
		'GET',
		tasksPath(unionId, taskId),
		{},
		{
			...retry,
			what: `DingTalk did not return the to-do ${taskId}`,
			describeCode: permissionHint(TODO_PERMISSIONS.read),
		},
	);
}

export async function updateTodo(
	client: OpenApiClient,
	unionId: string,
	taskId: string,
	fields: TodoFields,
	retry: RetryOptions,
): Promise<IDataObject> {
	return await client.call(
		'PUT',
		tasksPath(unionId, taskId),
		{ body: fields, qs: { operatorId: unionId } },
		{
			...retry,
			what: `DingTalk did not update the to-do ${taskId}`,
			describeCode: permissionHint(TODO_PERMISSIONS.write),
		},
	);
}

export async function deleteTodo(
	client: OpenApiClient,
	unionId: string,
	taskId: string,
	retry: RetryOptions,
): Promise<IDataObject> {
	return await client.call(
		'DELETE',
		tasksPath(unionId, taskId),
		{ qs: { operatorId: unionId } },
		{
			...retry,
			what: `DingTalk did not delete the to-do ${taskId}`,
			describeCode: permissionHint(TODO_PERMISSIONS.write),
		},
	);
}
