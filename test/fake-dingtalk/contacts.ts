import { randomBytes } from 'node:crypto';

import { parseJsonBody } from './openApi';
import type { FakeApp, FakeOpenApi } from './openApi';
import type { FakeExtension, Reply, RequestContext, Route } from './routing';

/**
 * DingTalk's contacts (通讯录) on the older API, as an internal app reads them: users by user ID,
 * mobile or unionId, the users of a department page by page, departments and their children.
 * Every endpoint is POST with the app token in the access_token query parameter (checked by the
 * FakeOpenApi that issued it) and a JSON body, and answers HTTP 200 with `errcode`, `errmsg`,
 * `request_id` and the `result`, with DingTalk's field names. A missing permission answers
 * errcode 88 with sub_code 60011 naming it, as DingTalk does.
 */

/** A user as topapi/v2/user/get returns it (a subset of DingTalk's fields, same names). */
export interface FakeUser {
	userid: string;
	unionid: string;
	name: string;
	mobile?: string;
	email?: string;
	job_number?: string;
	title?: string;
	dept_id_list: number[];
	manager_userid?: string;
	/** Milliseconds since the epoch, as DingTalk gives it. */
	hired_date?: number;
	active?: boolean;
	admin?: boolean;
	boss?: boolean;
	[field: string]: unknown;
}

export interface FakeDepartment {
	dept_id: number;
	name: string;
	/** Absent for the root department (dept_id 1). */
	parent_id?: number;
	dept_manager_userid_list?: string[];
	order?: number;
}

export interface FakeContactsOptions {
	users?: FakeUser[];
	departments?: FakeDepartment[];
}

/** The most users topapi/v2/user/list returns per page. */
export const MAX_USER_PAGE_SIZE = 100;

const PERMISSIONS = {
	member: 'qyapi_get_member',
	memberByMobile: 'qyapi_get_member_by_mobile',
	departmentMembers: 'qyapi_get_department_member',
	departments: 'qyapi_get_department_list',
} as const;

function requestId(): string {
	return randomBytes(8).toString('hex');
}

function oapiError(errcode: number, errmsg: string, extra: Record<string, unknown> = {}): Reply {
	return { status: 200, json: { errcode, errmsg, ...extra, request_id: requestId() } };
}

function ok(result: unknown): Reply {
	return { status: 200, json: { errcode: 0, errmsg: 'ok', result, request_id: requestId() } };
}

function missingParameter(name: string): Reply {
	return oapiError(40035, `缺少参数 ${name}`);
}

export class FakeContacts implements FakeExtension {
	readonly users = new Map<string, FakeUser>();
	readonly departments = new Map<number, FakeDepartment>();

	constructor(
		private readonly openApi: FakeOpenApi,
		private readonly options: FakeContactsOptions = {},
	) {
		this.reset();
	}

	/** Back to the people and departments given to the constructor. */
	reset(): void {
		this.users.clear();
		this.departments.clear();
		this.addDepartment({ dept_id: 1, name: 'Company' });
		for (const department of this.options.departments ?? []) this.addDepartment(department);
		for (const user of this.options.users ?? []) this.addUser(user);
	}

	addDepartment(department: FakeDepartment): void {
		this.departments.set(department.dept_id, { ...department });
	}

	addUser(user: FakeUser): void {
		this.users.set(user.userid, { ...user });
	}

	/** A person leaves: user/get answers 60121 for them from now on. */
	removeUser(userid: string): void {
		this.users.delete(userid);
	}

	routes(): Route[] {
		const route = (
			path: string,
			permission: string,
			handle: (body: Record<string, unknown>) => Reply,
		): Route => ({
			path,
			methods: ['POST'],
			handle: (context) => this.withApp(context, permission, handle),
		});
		return [
			route('/topapi/v2/user/get', PERMISSIONS.member, (body) => this.getUser(body)),
			route('/topapi/v2/user/getbymobile', PERMISSIONS.memberByMobile, (body) =>
				this.getByMobile(body),
			),
			route('/topapi/user/getbyunionid', PERMISSIONS.member, (body) => this.getByUnionId(body)),
			route('/topapi/v2/user/list', PERMISSIONS.departmentMembers, (body) => this.listUsers(body)),
			route('/topapi/v2/department/get', PERMISSIONS.departments, (body) =>
				this.getDepartment(body),
			),
			route('/topapi/v2/department/listsub', PERMISSIONS.departments, (body) => this.listSub(body)),
		];
	}

	private withApp(
		context: RequestContext,
		permission: string,
		handle: (body: Record<string, unknown>) => Reply,
	): Reply {
		const app = this.openApi.appOfQueryToken(context);
		if ('status' in app) return app;
		if (!hasPermission(app, permission)) {
			const subMsg = `应用尚未开通所需的权限：[${permission}]`;
			return oapiError(88, `ding talk error[subcode=60011,submsg=${subMsg}]`, {
				sub_code: '60011',
				sub_msg: subMsg,
			});
		}
		const body = parseJsonBody(context);
		if (!body) return oapiError(40035, '不合法的参数');
		return handle(body);
	}

	private getUser(body: Record<string, unknown>): Reply {
		if (typeof body.userid !== 'string' || body.userid === '') return missingParameter('userid');
		const user = this.users.get(body.userid);
		return user ? ok(user) : oapiError(60121, '找不到该用户');
	}

	private getByMobile(body: Record<string, unknown>): Reply {
		if (typeof body.mobile !== 'string' || body.mobile === '') return missingParameter('mobile');
		const user = [...this.users.values()].find((candidate) => candidate.mobile === body.mobile);
		return user
			? ok({ userid: user.userid, exclusive_account_userid_list: [] })
			: oapiError(60121, '找不到该用户');
	}

	private getByUnionId(body: Record<string, unknown>): Reply {
		if (typeof body.unionid !== 'string' || body.unionid === '') return missingParameter('unionid');
		const user = [...this.users.values()].find((candidate) => candidate.unionid === body.unionid);
		return user ? ok({ contact_type: 0, userid: user.userid }) : oapiError(60121, '找不到该用户');
	}

	private listUsers(body: Record<string, unknown>): Reply {
		const deptId = Number(body.dept_id);
		if (body.dept_id === undefined || !Number.isInteger(deptId)) return missingParameter('dept_id');
		if (!this.departments.has(deptId)) return oapiError(60003, '部门不存在');
		const size = Number(body.size);
		if (!Number.isInteger(size) || size < 1 || size > MAX_USER_PAGE_SIZE) {
			return oapiError(40035, `size 必须在1到${MAX_USER_PAGE_SIZE}之间`);
		}
		const cursor = body.cursor === undefined ? 0 : Number(body.cursor);
		if (!Number.isInteger(cursor) || cursor < 0) return oapiError(40035, '不合法的参数 cursor');
		const members = [...this.users.values()].filter((user) => user.dept_id_list.includes(deptId));
		const list = members.slice(cursor, cursor + size);
		const hasMore = cursor + size < members.length;
		return ok({ has_more: hasMore, ...(hasMore ? { next_cursor: cursor + size } : {}), list });
	}

	private getDepartment(body: Record<string, unknown>): Reply {
		const deptId = Number(body.dept_id);
		if (body.dept_id === undefined || !Number.isInteger(deptId)) return missingParameter('dept_id');
		const department = this.departments.get(deptId);
		return department ? ok(department) : oapiError(60003, '部门不存在');
	}

	private listSub(body: Record<string, unknown>): Reply {
		const deptId = Number(body.dept_id);
		if (body.dept_id === undefined || !Number.isInteger(deptId)) return missingParameter('dept_id');
		if (!this.departments.has(deptId)) return oapiError(60003, '部门不存在');
		const children = [...this.departments.values()]
			.filter((department) => department.parent_id === deptId)
			.map(({ dept_id, name, parent_id }) => ({
				dept_id,
				name,
				parent_id,
				auto_add_user: false,
				create_dept_group: false,
			}));
		return ok(children);
	}
}

function hasPermission(app: FakeApp, permission: string): boolean {
	return app.permissions === undefined || app.permissions.includes(permission);
}
