import { randomBytes } from 'node:crypto';

import type { FakeContacts } from './contacts';
import { apiError, parseJsonBody, permissionRefusal } from './openApi';
import type { FakeApp, FakeOpenApi } from './openApi';
import type { FakeExtension, Reply, RequestContext, Route } from './routing';

/**
 * DingTalk OA approvals (审批) of the new-style workflow API: start an instance of a process
 * (POST /v1.0/workflow/processInstances), read it (GET with ?processInstanceId), list the IDs of a
 * process's instances in a time range (POST /v1.0/workflow/processes/instanceIds/query, paged with
 * nextToken / maxResults ≤ 20) and comment (POST /v1.0/workflow/processInstances/comments). People
 * are the FakeContacts users. `act()` lets an approver agree or refuse, as the sandbox page does,
 * and returns the bpms_task_change / bpms_instance_change events DingTalk would push.
 *
 * Checks, in this order: token (FakeOpenApi); permission Workflow.Instance.Write to start and
 * comment, Workflow.Instance.Read to get and list, when the app lists its permissions; the
 * body; processCode (a known process), originatorUserId (a known person), formComponentValues
 * (non-empty, every required field of the process with a value). Refusals are HTTP 400 with
 * codes of the fake's own (DingTalk's exact codes for these are not documented where we looked).
 */

export const APPROVAL_PERMISSIONS = {
	write: 'Workflow.Instance.Write',
	read: 'Workflow.Instance.Read',
} as const;

export const MAX_INSTANCE_IDS_PER_PAGE = 20;

export interface FakeProcess {
	processCode: string;
	name: string;
	/** Names of the form fields that must have a value. */
	requiredFields?: string[];
	/** The approval chain when the start request names no approvers: one user ID per step. */
	approvers: string[];
}

export interface FakeTask {
	taskId: number;
	userId: string;
	status: 'NEW' | 'RUNNING' | 'COMPLETED' | 'CANCELED';
	result: 'NONE' | 'AGREE' | 'REFUSE';
	activityId: string;
	createTime?: string;
	finishTime?: string;
	processInstanceId: string;
	pcUrl: string;
	mobileUrl: string;
}

export interface FakeOperationRecord {
	userId: string;
	date: string;
	type: 'START_PROCESS_INSTANCE' | 'EXECUTE_TASK_NORMAL' | 'ADD_REMARK';
	result: 'NONE' | 'AGREE' | 'REFUSE';
	remark?: string;
}

export interface FakeInstance {
	processInstanceId: string;
	processCode: string;
	appKey: string;
	title: string;
	businessId: string;
	originatorUserId: string;
	originatorDeptId: string;
	status: 'RUNNING' | 'COMPLETED' | 'TERMINATED';
	result: '' | 'agree' | 'refuse';
	createTime: string;
	finishTime?: string;
	/** The fake's clock at the start, for listing by time. */
	createdAt: number;
	formComponentValues: Array<Record<string, unknown>>;
	approverUserIds: string[];
	ccUserIds: string[];
	tasks: FakeTask[];
	operationRecords: FakeOperationRecord[];
}

/** The fields of a bpms event as DingTalk pushes it (protocol notes §4), without the envelope. */
export type ApprovalEvent = { eventType: 'bpms_task_change' | 'bpms_instance_change' } & Record<
	string,
	unknown
>;

const INSTANCES = '/v1.0/workflow/processInstances';

function iso(millis: number): string {
	return new Date(millis).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ok(body: Record<string, unknown>): Reply {
	return { status: 200, json: body };
}

export class FakeWorkflow implements FakeExtension {
	readonly instances = new Map<string, FakeInstance>();
	private readonly processes = new Map<string, FakeProcess>();
	private taskCounter = 0;

	constructor(
		private readonly openApi: FakeOpenApi,
		private readonly contacts: FakeContacts,
		processes: FakeProcess[] = [],
	) {
		for (const process of processes) this.processes.set(process.processCode, { ...process });
	}

	reset(): void {
		this.instances.clear();
	}

	routes(): Route[] {
		return [
			{
				path: INSTANCES,
				methods: ['GET', 'POST'],
				handle: (context) => this.instancesRoute(context),
			},
			{
				path: '/v1.0/workflow/processes/instanceIds/query',
				methods: ['POST'],
				handle: (context) => this.withApp(context, 'read', (app, body) => this.listIds(app, body)),
			},
			{
				path: `${INSTANCES}/comments`,
				methods: ['POST'],
				handle: (context) =>
					this.withApp(context, 'write', (app, body) => this.comment(context, app, body)),
			},
		];
	}

	/** Running approvals of a person: the ones waiting for them. */
	waitingFor(userId: string): FakeInstance[] {
		return [...this.instances.values()].filter((instance) =>
			instance.tasks.some((task) => task.userId === userId && task.status === 'RUNNING'),
		);
	}

	/**
	 * The approver `userId` agrees or refuses; returns the events DingTalk pushes: the task's
	 * bpms_task_change, and bpms_instance_change when the approval is finished.
	 */
	act(
		processInstanceId: string,
		userId: string,
		decision: 'agree' | 'refuse',
		now: number,
		remark = '',
	): ApprovalEvent[] {
		const instance = this.instances.get(processInstanceId);
		const task = instance?.tasks.find((t) => t.userId === userId && t.status === 'RUNNING');
		if (!instance || !task) {
			throw new Error(`${userId} has no running task in approval ${processInstanceId}`);
		}
		task.status = 'COMPLETED';
		task.result = decision === 'agree' ? 'AGREE' : 'REFUSE';
		task.finishTime = iso(now);
		instance.operationRecords.push({
			userId,
			date: iso(now),
			type: 'EXECUTE_TASK_NORMAL',
			result: task.result,
			...(remark ? { remark } : {}),
		});
		const common = {
			processInstanceId,
			processCode: instance.processCode,
			bizCategoryId: '',
			businessId: instance.businessId,
			title: instance.title,
			createTime: Date.parse(instance.createTime),
		};
		const events: ApprovalEvent[] = [
			{
				eventType: 'bpms_task_change',
				...common,
				type: 'finish',
				result: decision,
				taskId: task.taskId,
				staffId: userId,
				remark,
				finishTime: now,
			},
		];
		const next = instance.tasks.find((t) => t.status === 'NEW');
		if (decision === 'agree' && next) {
			next.status = 'RUNNING';
			next.createTime = iso(now);
			return events;
		}
		for (const waiting of instance.tasks.filter((t) => t.status === 'NEW')) {
			waiting.status = 'CANCELED';
		}
		instance.status = 'COMPLETED';
		instance.result = decision;
		instance.finishTime = iso(now);
		events.push({
			eventType: 'bpms_instance_change',
			...common,
			type: 'finish',
			result: decision,
			staffId: instance.originatorUserId,
			finishTime: now,
			url: `https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm?procInstId=${processInstanceId}`,
		});
		return events;
	}

	private withApp(
		context: RequestContext,
		access: 'read' | 'write',
		handle: (app: FakeApp, body: Record<string, unknown>) => Reply,
	): Reply {
		const app = this.openApi.appOfHeaderToken(context);
		if ('status' in app) return app;
		const refused = permissionRefusal(app, APPROVAL_PERMISSIONS[access]);
		if (refused) return refused;
		if (context.method === 'GET') return handle(app, {});
		const body = parseJsonBody(context);
		if (!body) return apiError(400, 'InvalidParameter', '请求体不是合法的JSON');
		return handle(app, body);
	}

	private instancesRoute(context: RequestContext): Reply {
		if (context.method === 'GET') {
			return this.withApp(context, 'read', (app) => this.get(context, app));
		}
		return this.withApp(context, 'write', (app, body) => this.start(context, app, body));
	}

	private knows(userId: unknown): userId is string {
		return typeof userId === 'string' && this.contacts.users.has(userId);
	}

	private start(context: RequestContext, app: FakeApp, body: Record<string, unknown>): Reply {
		const process = this.processes.get(String(body.processCode ?? ''));
		if (!body.processCode) {
			return apiError(400, 'invalidParameter.processCode.empty', 'processCode 不能为空');
		}
		if (!process) return apiError(400, 'invalidParameter.processCode.notExist', '审批模板不存在');
		if (!this.knows(body.originatorUserId)) {
			return apiError(400, 'invalidParameter.originatorUserId.invalid', '发起人不存在');
		}
		const values = body.formComponentValues;
		if (!Array.isArray(values) || values.length === 0 || !values.every(isObject)) {
			return apiError(400, 'invalidParameter.formComponentValues.empty', '表单内容不能为空');
		}
		for (const entry of values) {
			if (typeof entry.name !== 'string' || typeof entry.value !== 'string') {
				return apiError(
					400,
					'invalidParameter.formComponentValues.invalid',
					'表单控件的name和value必须是字符串',
				);
			}
		}
		for (const required of process.requiredFields ?? []) {
			const given = values.find((entry) => entry.name === required);
			if (!given || String(given.value).trim() === '') {
				return apiError(
					400,
					'invalidParameter.formComponentValues.required',
					`表单必填项「${required}」为空`,
				);
			}
		}
		const steps = this.approverSteps(body, process);
		if ('status' in steps) return steps;
		const ccUserIds = Array.isArray(body.ccList) ? body.ccList.map(String) : [];
		if (!ccUserIds.every((userId) => this.knows(userId))) {
			return apiError(400, 'invalidParameter.ccList.invalid', '抄送人不存在');
		}
		const processInstanceId = `${randomBytes(4).toString('hex')}-${randomBytes(6).toString('hex')}`;
		const originator = this.contacts.users.get(body.originatorUserId as string)!;
		const taskOf = (userId: string, index: number): FakeTask => ({
			taskId: ++this.taskCounter,
			userId,
			status: index === 0 ? 'RUNNING' : 'NEW',
			result: 'NONE',
			activityId: `sid-${index + 1}`,
			createTime: index === 0 ? iso(context.now) : undefined,
			processInstanceId,
			pcUrl: `https://aflow.dingtalk.com/dingtalk/pc/query/pchomepage.htm?procInstId=${processInstanceId}`,
			mobileUrl: `https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm?procInstId=${processInstanceId}`,
		});
		const instance: FakeInstance = {
			processInstanceId,
			processCode: process.processCode,
			appKey: app.appKey,
			title: `${originator.name}提交的${process.name}`,
			businessId: String(context.now).slice(-12),
			originatorUserId: originator.userid,
			originatorDeptId: String(body.deptId ?? originator.dept_id_list[0] ?? 1),
			status: 'RUNNING',
			result: '',
			createTime: iso(context.now),
			createdAt: context.now,
			formComponentValues: values.map((entry, index) => ({
				componentType: 'TextField',
				id: `TextField_${index + 1}`,
				...entry,
			})),
			approverUserIds: steps,
			ccUserIds,
			tasks: steps.map(taskOf),
			operationRecords: [
				{
					userId: originator.userid,
					date: iso(context.now),
					type: 'START_PROCESS_INSTANCE',
					result: 'NONE',
				},
			],
		};
		this.instances.set(processInstanceId, instance);
		return ok({ instanceId: processInstanceId });
	}

	/** One approver per step, from the request's approvers or the process's own chain. */
	private approverSteps(body: Record<string, unknown>, process: FakeProcess): string[] | Reply {
		if (body.approvers === undefined) return [...process.approvers];
		const steps = Array.isArray(body.approvers) ? body.approvers : [];
		const userIds = steps.flatMap((step) =>
			isObject(step) && Array.isArray(step.userIds) ? step.userIds.map(String) : [''],
		);
		if (userIds.length === 0 || !userIds.every((userId) => this.knows(userId))) {
			return apiError(400, 'invalidParameter.approvers.invalid', '审批人不存在');
		}
		return userIds;
	}

	private view(instance: FakeInstance): Record<string, unknown> {
		const { appKey, createdAt, processInstanceId, processCode, ...fields } = instance;
		void appKey;
		void createdAt;
		void processInstanceId;
		void processCode;
		return fields;
	}

	private get(context: RequestContext, app: FakeApp): Reply {
		const id = context.query.processInstanceId;
		if (!id) {
			return apiError(
				400,
				'invalidParameter.processInstanceId.empty',
				'processInstanceId 不能为空',
			);
		}
		const instance = this.instances.get(id);
		if (!instance || instance.appKey !== app.appKey) {
			return apiError(400, 'invalidParameter.processInstanceId.notExist', '审批实例不存在');
		}
		return ok({ success: true, result: this.view(instance) });
	}

	private listIds(app: FakeApp, body: Record<string, unknown>): Reply {
		const { processCode, startTime, endTime, nextToken, maxResults } = body;
		if (typeof processCode !== 'string' || !this.processes.has(processCode)) {
			return apiError(400, 'invalidParameter.processCode.notExist', '审批模板不存在');
		}
		if (typeof startTime !== 'number') {
			return apiError(400, 'invalidParameter.startTime.empty', 'startTime 不能为空');
		}
		const size = Number(maxResults);
		if (!Number.isInteger(size) || size < 1 || size > MAX_INSTANCE_IDS_PER_PAGE) {
			return apiError(
				400,
				'invalidParameter.maxResults.invalid',
				`maxResults 必须在1到${MAX_INSTANCE_IDS_PER_PAGE}之间`,
			);
		}
		const offset = Number(nextToken ?? 0);
		const end = typeof endTime === 'number' ? endTime : Number.POSITIVE_INFINITY;
		const userIds = Array.isArray(body.userIds) ? body.userIds.map(String) : undefined;
		const statuses = Array.isArray(body.statuses) ? body.statuses.map(String) : undefined;
		const matching = [...this.instances.values()].filter(
			(instance) =>
				instance.appKey === app.appKey &&
				instance.processCode === processCode &&
				instance.createdAt >= startTime &&
				instance.createdAt < end &&
				(!userIds || userIds.includes(instance.originatorUserId)) &&
				(!statuses || statuses.includes(instance.status)),
		);
		const list = matching.slice(offset, offset + size).map((i) => i.processInstanceId);
		const more = offset + size < matching.length;
		return ok({ success: true, result: { list, ...(more ? { nextToken: offset + size } : {}) } });
	}

	private comment(context: RequestContext, app: FakeApp, body: Record<string, unknown>): Reply {
		const instance = this.instances.get(String(body.processInstanceId ?? ''));
		if (!instance || instance.appKey !== app.appKey) {
			return apiError(400, 'invalidParameter.processInstanceId.notExist', '审批实例不存在');
		}
		if (!this.knows(body.commentUserId)) {
			return apiError(400, 'invalidParameter.commentUserId.invalid', '评论人不存在');
		}
		if (typeof body.text !== 'string' || body.text.trim() === '') {
			return apiError(400, 'invalidParameter.text.empty', '评论内容不能为空');
		}
		instance.operationRecords.push({
			userId: body.commentUserId,
			date: iso(context.now),
			type: 'ADD_REMARK',
			result: 'NONE',
			remark: body.text,
		});
		return ok({ success: true, result: true });
	}
}
