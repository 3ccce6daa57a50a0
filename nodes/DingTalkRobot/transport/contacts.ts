import type { IDataObject } from 'n8n-workflow';

import { describeContactError } from '../../shared/errorCatalog';
import { judgeOapi } from './openApi';
import type { OpenApiClient, RetryOptions } from './openApi';

/** DingTalk's contacts (通讯录) on the older API, as an internal app reads them. */

export const USER_PAGE_SIZE = 100;

const NOT_FOUND_ERRCODE = 60121;

export interface ContactOptions extends RetryOptions {
	/** zh_CN or en_US: the language of department names and similar texts. */
	language: string;
}

async function call(
	client: OpenApiClient,
	path: string,
	body: IDataObject,
	options: ContactOptions & { what: string },
): Promise<IDataObject> {
	return await client.oapiPost(path, body, { ...options, describeErrcode: describeContactError });
}

export async function getUser(
	client: OpenApiClient,
	userId: string,
	options: ContactOptions,
): Promise<IDataObject> {
	const body = await call(
		client,
		'/topapi/v2/user/get',
		{ userid: userId, language: options.language },
		{ ...options, what: `DingTalk could not get the user ${userId}` },
	);
	return (body.result ?? {}) as IDataObject;
}

/**
 * The user ID of a mobile number or unionId, or undefined when DingTalk knows no such person
 * (errcode 60121); every other refusal fails.
 */
async function findUserId(
	client: OpenApiClient,
	path: string,
	body: IDataObject,
	options: RetryOptions & { what: string },
): Promise<string | undefined> {
	const answer = await client.oapiPost(path, body, {
		...options,
		describeErrcode: describeContactError,
		judge: (reply) =>
			Number(reply.body.errcode) === NOT_FOUND_ERRCODE && reply.statusCode === 200
				? 'ok'
				: judgeOapi(reply),
	});
	const userId = (answer.result as IDataObject | undefined)?.userid;
	return typeof userId === 'string' && userId !== '' ? userId : undefined;
}

export async function findUserIdByMobile(
	client: OpenApiClient,
	mobile: string,
	options: RetryOptions,
): Promise<string | undefined> {
	return await findUserId(
		client,
		'/topapi/v2/user/getbymobile',
		{ mobile },
		{ ...options, what: `DingTalk could not look up the mobile number ${mobile}` },
	);
}

export async function findUserIdByUnionId(
	client: OpenApiClient,
	unionId: string,
	options: RetryOptions,
): Promise<string | undefined> {
	return await findUserId(
		client,
		'/topapi/user/getbyunionid',
		{ unionid: unionId },
		{ ...options, what: `DingTalk could not look up the unionId ${unionId}` },
	);
}

/**
 * The users of a department, page by page (DingTalk gives at most 100 per page) until `limit`
 * users or the last page; `limit` undefined reads every page.
 */
export async function listDepartmentUsers(
	client: OpenApiClient,
	departmentId: number,
	limit: number | undefined,
	options: ContactOptions,
): Promise<IDataObject[]> {
	const users: IDataObject[] = [];
	let cursor = 0;
	for (;;) {
		const size = Math.min(
			USER_PAGE_SIZE,
			limit === undefined ? USER_PAGE_SIZE : limit - users.length,
		);
		const body = await call(
			client,
			'/topapi/v2/user/list',
			{ dept_id: departmentId, cursor, size, language: options.language },
			{ ...options, what: `DingTalk could not list the users of department ${departmentId}` },
		);
		const result = (body.result ?? {}) as IDataObject;
		users.push(...((result.list as IDataObject[] | undefined) ?? []));
		const next = Number(result.next_cursor);
		const done = result.has_more !== true || !Number.isInteger(next) || next <= cursor;
		if (done || (limit !== undefined && users.length >= limit)) break;
		cursor = next;
	}
	return limit === undefined ? users : users.slice(0, limit);
}

export async function getDepartment(
	client: OpenApiClient,
	departmentId: number,
	options: ContactOptions,
): Promise<IDataObject> {
	const body = await call(
		client,
		'/topapi/v2/department/get',
		{ dept_id: departmentId, language: options.language },
		{ ...options, what: `DingTalk could not get department ${departmentId}` },
	);
	return (body.result ?? {}) as IDataObject;
}

export async function listSubDepartments(
	client: OpenApiClient,
	departmentId: number,
	options: ContactOptions,
): Promise<IDataObject[]> {
	const body = await call(
		client,
		'/topapi/v2/department/listsub',
		{ dept_id: departmentId, language: options.language },
		{ ...options, what: `DingTalk could not list the sub-departments of ${departmentId}` },
	);
	return (body.result as IDataObject[] | undefined) ?? [];
}
