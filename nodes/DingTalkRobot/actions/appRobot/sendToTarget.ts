import { randomUUID } from 'node:crypto';
import { NodeApiError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { originOf } from '../../../shared/baseUrl';
import { ROBOT_MESSAGE_REFERENCE_FIX } from '../../../shared/robotMessage';
import type { RobotMessageReference } from '../../../shared/robotMessage';
import { describeDingTalkError } from '../../../shared/errorCatalog';
import { prepareMentions } from '../../domain/mentions';
import { normalizeMobile } from '../../domain/mobile';
import { MessageFieldError } from '../../domain/robotMessage';
import type { RobotMessage } from '../../domain/robotMessage';
import { checkSessionWebhookUrl } from '../../domain/sessionWebhook';
import { toSessionMessage } from '../../domain/templates/sessionMessage';
import { findUserIdByMobile } from '../../transport/contacts';
import { dingTalkError } from '../../transport/errors';
import type { DingTalkErrorContext } from '../../transport/errors';
import type { OpenApiClient, RetryOptions } from '../../transport/openApi';
import { sendGroupMessage, sendToUserBatches } from '../../transport/robotOpenApi';
import type { OutgoingMessage } from '../../transport/robotOpenApi';
import { deliver } from '../../transport/robotWebhook';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, robotCodeOf } from '../openApiItem';
import type { TemplateMessage } from './templateMessage';

/**
 * Where an App Robot message goes, whatever the message: a group the robot is in, people in
 * their 1:1 chat with it (by user ID, or by mobile number looked up first), or the conversation
 * of a message the robot received.
 */
export type AppRobotTarget =
	| { to: 'group'; openConversationId: string; coolAppCode?: string }
	| { to: 'users'; userIds: string[] }
	| { to: 'mobiles'; mobiles: string[] }
	| { to: 'reply'; incoming: RobotMessageReference };

/** A session webhook this close to its expiry is treated as expired: the reply would race it. */
const SESSION_EXPIRY_MARGIN_MS = 60_000;

type FallbackReason =
	| 'sessionExpired'
	| 'sessionRejected'
	| 'noSessionWebhook'
	| 'templateNeedsOpenApi';

/**
 * The one send path of the App Robot: sends a template message to a target and gives the output
 * item. `options` is the operation's Options collection: robotCode, maxRetries, retryDelay,
 * coolAppCode, and for a reply fallBack and mentionSender.
 */
export async function sendToTarget(
	context: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
	target: AppRobotTarget,
	message: TemplateMessage,
	options: IDataObject,
): Promise<IDataObject> {
	const retry = readRetryOptions(options);
	const client = await openApiClient(context, itemIndex, run);
	if (target.to === 'reply') {
		return await reply(context, itemIndex, run, client, target.incoming, message, options, retry);
	}
	const robotCode = robotCodeOf(options, client.app.appKey);
	const outgoing = { robotCode, msgKey: message.msgKey, msgParam: message.msgParam };
	const sentMessage = { robotCode, msgKey: message.msgKey, msgParam: message.params };
	if (target.to === 'group') {
		return { ...(await toGroup(client, outgoing, target, retry)), ...sentMessage };
	}
	const { userIds, lookup } = await recipientsOf(client, target, retry);
	const report = await sendToUserBatches(client, outgoing, userIds, retry);
	return { sentTo: 'oToMessages', ...sentMessage, ...lookup, ...report };
}

async function toGroup(
	client: OpenApiClient,
	message: OutgoingMessage,
	group: { openConversationId: string; coolAppCode?: string },
	retry: RetryOptions,
): Promise<IDataObject> {
	const { openConversationId, coolAppCode } = group;
	const { processQueryKey } = await sendGroupMessage(
		client,
		{ ...message, openConversationId, coolAppCode },
		retry,
	);
	return { sentTo: 'groupMessages', processQueryKey, openConversationId };
}

/** The user IDs of people given by user ID, or by mobile number with the lookup that found them. */
async function recipientsOf(
	client: OpenApiClient,
	target: Extract<AppRobotTarget, { to: 'users' | 'mobiles' }>,
	retry: RetryOptions,
) {
	if (target.to === 'users') return { userIds: target.userIds, lookup: undefined };
	const lookup = await userIdsOfMobiles(client, target.mobiles, retry);
	return { userIds: [...new Set(Object.values(lookup.userIdsByMobile))], lookup };
}

/** The user ID of each mobile number; fails only when DingTalk knows none of them. */
async function userIdsOfMobiles(client: OpenApiClient, mobiles: string[], retry: RetryOptions) {
	const userIdsByMobile: Record<string, string> = {};
	const unknownMobiles: string[] = [];
	for (const mobile of new Set(mobiles.map(normalizeMobile))) {
		const userId = await findUserIdByMobile(client, mobile, retry);
		if (userId) userIdsByMobile[mobile] = userId;
		else unknownMobiles.push(mobile);
	}
	if (Object.keys(userIdsByMobile).length === 0) {
		throw new MessageFieldError(
			'mobiles',
			`DingTalk knows none of the mobile numbers ${unknownMobiles.join(', ')}`,
			'Check the numbers, and that the people are in the app’s contact range (通讯录权限范围).',
		);
	}
	return { userIdsByMobile, unknownMobiles };
}

/**
 * Answers a received message: through its session webhook while valid, through the robot
 * OpenAPI after (option fallBack), @-mentioning a group sender (option mentionSender).
 */
async function reply(
	context: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
	client: OpenApiClient,
	incoming: RobotMessageReference,
	template: TemplateMessage,
	options: IDataObject,
	retry: RetryOptions,
): Promise<IDataObject> {
	const fallBack = options.fallBack !== false;
	const sessionMessage = toSessionMessage(template.msgKey, template.params);
	const summary = {
		msgKey: template.msgKey,
		msgParam: template.params,
		conversationId: incoming.conversationId,
		conversationType: incoming.conversationType,
	};

	let reason = sessionProblem(incoming, sessionMessage, Date.now());
	if (!reason) {
		let sessionError: unknown;
		try {
			const sent = await replyThroughSession(
				context,
				itemIndex,
				client,
				incoming,
				sessionMessage!,
				{
					mentionSender: options.mentionSender !== false,
					msgUuid: run.defaultMsgUuid(itemIndex, randomUUID),
					retry,
				},
			);
			return { ...sent, ...summary };
		} catch (error) {
			sessionError = error;
		}
		// DingTalk can drop a session before the time it announced: fall back then too.
		if (!isSessionGone(sessionError) || !fallBack) throw sessionError as NodeApiError;
		reason = 'sessionRejected';
	}
	if (!fallBack) {
		throw new MessageFieldError(
			'options',
			reason === 'templateNeedsOpenApi'
				? `A session webhook cannot carry ${template.msgKey}; only the OpenAPI can`
				: reason === 'noSessionWebhook'
					? 'The incoming message has no session webhook'
					: 'The session webhook of the incoming message has expired',
			'Turn on "Fall Back to OpenAPI" to send through the robot OpenAPI, which needs the app’s robot permissions.',
		);
	}
	const robotCode = robotCodeOf(options, incoming.robotCode || client.app.appKey);
	const outgoing = { robotCode, msgKey: template.msgKey, msgParam: template.msgParam };
	const sent = await replyThroughOpenApi(context, itemIndex, client, incoming, outgoing, retry);
	return { ...sent, fallbackReason: reason, robotCode, mentioned: [], ...summary };
}

/** Why the session webhook is not used, or undefined when it is. */
function sessionProblem(
	incoming: RobotMessageReference,
	sessionMessage: RobotMessage | undefined,
	now: number,
): FallbackReason | undefined {
	if (!sessionMessage) return 'templateNeedsOpenApi';
	if (!incoming.sessionWebhook) return 'noSessionWebhook';
	const expiresAt = incoming.sessionWebhookExpiresAt;
	if (expiresAt !== null && expiresAt - SESSION_EXPIRY_MARGIN_MS <= now) return 'sessionExpired';
	return undefined;
}

function isSessionGone(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const context = error.context as Partial<DingTalkErrorContext>;
	if (typeof context.code !== 'number') return false;
	return describeDingTalkError(context.code, context.dingTalkMessage ?? '').kind === 'session';
}

/** Adds the @ of the sender where DingTalk notifies it: text and markdown in a group. */
function withSenderMention(
	message: RobotMessage,
	incoming: RobotMessageReference,
	enabled: boolean,
): { message: RobotMessage; mentioned: string[] } {
	const canMention = message.msgtype === 'text' || message.msgtype === 'markdown';
	if (!enabled || !canMention || incoming.conversationType !== 'group' || !incoming.senderStaffId) {
		return { message, mentioned: [] };
	}
	const mentioned = [incoming.senderStaffId];
	return {
		message: prepareMentions({ ...message, at: { atUserIds: mentioned } }, true),
		mentioned,
	};
}

async function replyThroughSession(
	context: IExecuteFunctions,
	itemIndex: number,
	client: OpenApiClient,
	incoming: RobotMessageReference,
	sessionMessage: RobotMessage,
	options: { mentionSender: boolean; msgUuid: string; retry: RetryOptions },
): Promise<IDataObject> {
	const url = checkSessionWebhookUrl(incoming.sessionWebhook, originOf(client.app.oapiBaseUrl));
	const { message, mentioned } = withSenderMention(sessionMessage, incoming, options.mentionSender);
	const { msgUuid, retry } = options;
	const { reply } = await deliver(
		context,
		itemIndex,
		{ kind: 'session', url },
		{ ...message, msgUuid },
		{
			limits: { limit: 20, windowMs: 60_000 },
			failFast: false,
			maxRetries: retry.maxRetries,
			retryDelayMs: retry.retryDelayMs,
		},
	);
	return {
		sentTo: 'sessionWebhook',
		errcode: reply.errcode ?? 0,
		errmsg: reply.errmsg ?? 'ok',
		msgUuid,
		mentioned,
		message: { ...message, msgUuid },
	};
}

/** Where a reply goes through the OpenAPI: the group of the message, or its sender's 1:1 chat. */
export function conversationOf(
	incoming: RobotMessageReference,
): Extract<AppRobotTarget, { to: 'group' | 'users' }> {
	if (incoming.conversationType === 'group') {
		if (!incoming.conversationId) {
			throw new MessageFieldError(
				'incomingMessage',
				'The incoming group message has no conversation ID to send the reply to',
				ROBOT_MESSAGE_REFERENCE_FIX,
			);
		}
		return { to: 'group', openConversationId: incoming.conversationId };
	}
	if (incoming.conversationType === 'single') {
		if (!incoming.senderStaffId) {
			throw new MessageFieldError(
				'incomingMessage',
				'The sender of the incoming 1:1 message has no staff ID, so the OpenAPI cannot reach them',
				'DingTalk gives senderStaffId only for members of your organisation and after the robot is published.',
			);
		}
		return { to: 'users', userIds: [incoming.senderStaffId] };
	}
	throw new MessageFieldError(
		'incomingMessage',
		'The incoming message does not say whether it came from a group or a 1:1 chat',
		`The reply needs conversation.type ("group"/"single") or conversationType ("2"/"1"). ${ROBOT_MESSAGE_REFERENCE_FIX}`,
	);
}

async function replyThroughOpenApi(
	context: IExecuteFunctions,
	itemIndex: number,
	client: OpenApiClient,
	incoming: RobotMessageReference,
	message: OutgoingMessage,
	retry: RetryOptions,
): Promise<IDataObject> {
	const conversation = conversationOf(incoming);
	if (conversation.to === 'group') return await toGroup(client, message, conversation, retry);
	const report = await sendToUserBatches(client, message, conversation.userIds, retry);
	const [recipient] = report.recipients;
	if (recipient.status !== 'sent') {
		throw dingTalkError(context.getNode(), itemIndex, {
			message: `DingTalk did not deliver the reply to ${recipient.userId}: ${recipient.status}`,
			hint:
				recipient.status === 'flowControlled'
					? 'DingTalk limits how many robot messages one person receives; try again later.'
					: 'DingTalk does not know this user ID in your organisation, or the user cannot receive robot messages.',
			code: recipient.status,
			report,
		});
	}
	return {
		sentTo: 'oToMessages',
		processQueryKey: recipient.processQueryKey,
		userId: recipient.userId,
	};
}
