import type { IDataObject, NodeApiError } from 'n8n-workflow';

import type { OpenApiClient, RetryOptions } from './openApi';

export const GROUP_SEND_PATH = '/v1.0/robot/groupMessages/send';
export const BATCH_SEND_PATH = '/v1.0/robot/oToMessages/batchSend';

/** DingTalk takes at most this many userIds per batchSend call. */
export const MAX_USERS_PER_BATCH = 20;

export interface OutgoingMessage {
	robotCode: string;
	msgKey: string;
	msgParam: string;
}

export type RecipientStatus = 'sent' | 'invalid' | 'flowControlled' | 'filtered' | 'notSent';

export interface Recipient {
	userId: string;
	status: RecipientStatus;
	processQueryKey?: string;
}

/** The outcome of a send to people, per recipient. */
export interface UsersReport extends IDataObject {
	processQueryKeys: string[];
	batches: number;
	deliveredUserIds: string[];
	invalidStaffIdList: string[];
	flowControlledStaffIdList: string[];
	filteredStaffIdList: string[];
	recipients: Recipient[];
}

export async function sendGroupMessage(
	client: OpenApiClient,
	message: OutgoingMessage & { openConversationId: string; coolAppCode?: string },
	retry: RetryOptions,
): Promise<{ processQueryKey: string }> {
	const body: IDataObject = {
		robotCode: message.robotCode,
		openConversationId: message.openConversationId,
		msgKey: message.msgKey,
		msgParam: message.msgParam,
	};
	if (message.coolAppCode) body.coolAppCode = message.coolAppCode;
	const reply = await client.post(GROUP_SEND_PATH, body, {
		...retry,
		what: 'DingTalk did not send the group message',
	});
	return { processQueryKey: String(reply.processQueryKey ?? '') };
}

function stringList(value: unknown): string[] {
	return Array.isArray(value) ? value.map(String) : [];
}

/**
 * Sends one message to people through batchSend, 20 user IDs per call. DingTalk answers each
 * call with the IDs it did not deliver to (unknown staff IDs, flow-controlled people); they are
 * reported per recipient. When a call fails, the report of what already went out travels with
 * the error and no further batch is sent.
 */
export async function sendToUserBatches(
	client: OpenApiClient,
	message: OutgoingMessage,
	userIds: string[],
	retry: RetryOptions,
): Promise<UsersReport> {
	const report: UsersReport = {
		processQueryKeys: [],
		batches: Math.ceil(userIds.length / MAX_USERS_PER_BATCH),
		deliveredUserIds: [],
		invalidStaffIdList: [],
		flowControlledStaffIdList: [],
		filteredStaffIdList: [],
		recipients: userIds.map((userId) => ({ userId, status: 'notSent' as RecipientStatus })),
	};
	for (let start = 0; start < userIds.length; start += MAX_USERS_PER_BATCH) {
		const batch = userIds.slice(start, start + MAX_USERS_PER_BATCH);
		let reply: IDataObject;
		try {
			reply = await client.post(
				BATCH_SEND_PATH,
				{ ...message, userIds: batch },
				{ ...retry, what: 'DingTalk did not send the message to people' },
			);
		} catch (error) {
			const apiError = error as NodeApiError;
			if (start > 0) {
				apiError.description =
					`${apiError.description ?? ''} ${report.deliveredUserIds.length} people in the batches before this one already got the message; "recipients" lists who did.`.trim();
			}
			apiError.context.report = report;
			throw apiError;
		}
		const processQueryKey = String(reply.processQueryKey ?? '');
		report.processQueryKeys.push(processQueryKey);
		const invalid = new Set(stringList(reply.invalidStaffIdList));
		const flowControlled = new Set(stringList(reply.flowControlledStaffIdList));
		const filtered = new Set(stringList(reply.filteredStaffIdList));
		batch.forEach((userId, offset) => {
			let status: RecipientStatus = 'sent';
			if (invalid.has(userId)) status = 'invalid';
			else if (flowControlled.has(userId)) status = 'flowControlled';
			else if (filtered.has(userId)) status = 'filtered';
			report.recipients[start + offset] = { userId, status, processQueryKey };
			if (status === 'sent') report.deliveredUserIds.push(userId);
			if (status === 'invalid') report.invalidStaffIdList.push(userId);
			if (status === 'flowControlled') report.flowControlledStaffIdList.push(userId);
			if (status === 'filtered') report.filteredStaffIdList.push(userId);
		});
	}
	return report;
}
