import type { IDataObject } from 'n8n-workflow';

import { permissionHint } from './openApi';
import type { OpenApiClient, RetryOptions } from './openApi';

export const GROUP_RECALL_PATH = '/v1.0/robot/groupMessages/recall';
export const USERS_RECALL_PATH = '/v1.0/robot/otoMessages/batchRecall';

/** DingTalk's answer to a recall: the keys it took back, and why it did not take the others. */
export interface RecallResult extends IDataObject {
	successResult: string[];
	failedResult: Record<string, string>;
}

/** The permission both recall APIs need, as the console lists it. */
const describeCode = permissionHint('企业内机器人发送消息权限 qyapi_robot_sendmsg');

function recallResult(reply: IDataObject): RecallResult {
	const success = reply.successResult;
	const failed = reply.failedResult;
	const failedResult: Record<string, string> = {};
	if (failed && typeof failed === 'object' && !Array.isArray(failed)) {
		for (const [key, reason] of Object.entries(failed)) failedResult[key] = String(reason);
	}
	return {
		successResult: Array.isArray(success) ? success.map(String) : [],
		failedResult,
	};
}

export async function recallGroupMessages(
	client: OpenApiClient,
	request: { robotCode: string; openConversationId: string; processQueryKeys: string[] },
	retry: RetryOptions,
): Promise<RecallResult> {
	const reply = await client.post(GROUP_RECALL_PATH, request, {
		...retry,
		what: 'DingTalk did not recall the group message',
		describeCode,
	});
	return recallResult(reply);
}

export async function recallUserMessages(
	client: OpenApiClient,
	request: { robotCode: string; processQueryKeys: string[] },
	retry: RetryOptions,
): Promise<RecallResult> {
	const reply = await client.post(USERS_RECALL_PATH, request, {
		...retry,
		what: 'DingTalk did not recall the 1:1 messages',
		describeCode,
	});
	return recallResult(reply);
}
