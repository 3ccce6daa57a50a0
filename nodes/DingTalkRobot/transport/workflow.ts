import type { IDataObject } from 'n8n-workflow';

import { permissionHint } from './openApi';
import type { OpenApiClient, RetryOptions } from './openApi';

/** DingTalk OA approvals (审批): process instances of the workflow API. */

/** The console permissions of the approval API, as a refusal names them. */
export const APPROVAL_PERMISSIONS = {
	write: '审批实例写权限 Workflow.Instance.Write',
	read: '审批实例读权限 Workflow.Instance.Read',
} as const;

export const INSTANCES_PATH = '/v1.0/workflow/processInstances';
export const INSTANCE_IDS_PATH = '/v1.0/workflow/processes/instanceIds/query';
export const COMMENTS_PATH = '/v1.0/workflow/processInstances/comments';

/** One field of an approval form, as DingTalk's formComponentValues takes it. */
export interface FormComponentValue extends IDataObject {
	name: string;
	value: string;
}

export interface StartRequest extends IDataObject {
	processCode: string;
	originatorUserId: string;
	formComponentValues: FormComponentValue[];
	deptId?: number;
	approvers?: Array<{ actionType: string; userIds: string[] }>;
	ccList?: string[];
	ccPosition?: string;
}

export async function startProcessInstance(
	client: OpenApiClient,
	request: StartRequest,
	retry: RetryOptions,
): Promise<IDataObject> {
	return await client.post(INSTANCES_PATH, request, {
		...retry,
		what: `DingTalk did not start an approval of ${request.processCode}`,
		describeCode: permissionHint(APPROVAL_PERMISSIONS.write),
	});
}

export async function getProcessInstance(
	client: OpenApiClient,
	processInstanceId: string,
	retry: RetryOptions,
): Promise<IDataObject> {
	const answer = await client.call(
		'GET',
		INSTANCES_PATH,
		{ qs: { processInstanceId } },
		{
			...retry,
			what: `DingTalk did not return the approval ${processInstanceId}`,
			describeCode: permissionHint(APPROVAL_PERMISSIONS.read),
		},
	);
	return (answer.result ?? {}) as IDataObject;
}

export interface InstanceIdsQuery extends IDataObject {
	processCode: string;
	startTime: number;
	endTime?: number;
	userIds?: string[];
	statuses?: string[];
}

/** DingTalk gives at most this many instance IDs per page (maxResults). */
export const MAX_IDS_PER_PAGE = 20;

/**
 * The IDs of a process's approvals started in a time range, page by page (nextToken) until
 * `limit` IDs or the last page; `limit` undefined reads every page.
 */
export async function listProcessInstanceIds(
	client: OpenApiClient,
	query: InstanceIdsQuery,
	limit: number | undefined,
	retry: RetryOptions,
): Promise<string[]> {
	const ids: string[] = [];
	let nextToken = 0;
	for (;;) {
		const wanted = limit === undefined ? MAX_IDS_PER_PAGE : limit - ids.length;
		const answer = await client.post(
			INSTANCE_IDS_PATH,
			{ ...query, nextToken, maxResults: Math.min(MAX_IDS_PER_PAGE, wanted) },
			{
				...retry,
				what: `DingTalk did not list the approvals of ${query.processCode}`,
				describeCode: permissionHint(APPROVAL_PERMISSIONS.read),
			},
		);
		const result = (answer.result ?? {}) as IDataObject;
		const list = Array.isArray(result.list) ? result.list.map(String) : [];
		ids.push(...list);
		const next = Number(result.nextToken);
		const more = result.nextToken !== undefined && result.nextToken !== null && next > nextToken;
		if (!more || list.length === 0 || (limit !== undefined && ids.length >= limit)) break;
		nextToken = next;
	}
	return limit === undefined ? ids : ids.slice(0, limit);
}

export async function addProcessInstanceComment(
	client: OpenApiClient,
	comment: { processInstanceId: string; commentUserId: string; text: string },
	retry: RetryOptions,
): Promise<IDataObject> {
	return await client.post(COMMENTS_PATH, comment, {
		...retry,
		what: `DingTalk did not add the comment to the approval ${comment.processInstanceId}`,
		describeCode: permissionHint(APPROVAL_PERMISSIONS.write),
	});
}
