import { randomUUID } from 'node:crypto';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	ROBOT_MESSAGE_REFERENCE_FIX,
	readRobotMessageReference,
} from '../../../shared/robotMessage';
import type { RobotMessageReference } from '../../../shared/robotMessage';
import { describeDingTalkError } from '../../../shared/errorCatalog';
import { prepareMentions } from '../../domain/mentions';
import { MessageFieldError } from '../../domain/robotMessage';
import type { RobotMessage } from '../../domain/robotMessage';
import { originOf } from '../../../shared/baseUrl';
import { checkSessionWebhookUrl } from '../../domain/sessionWebhook';
import { toSessionMessage } from '../../domain/templates/sessionMessage';
import { dingTalkError } from '../../transport/errors';
import type { DingTalkErrorContext } from '../../transport/errors';
import type { OpenApiClient, RetryOptions } from '../../transport/openApi';
import { sendGroupMessage, sendToUserBatches } from '../../transport/robotOpenApi';
import { deliver } from '../../transport/robotWebhook';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import {
	openApiClient,
	readRetryOptions,
	readTemplateMessage,
	retryOptions,
	robotCodeOf,
	robotCodeOption,
	templateProperties,
} from './common.descriptions';
import type { TemplateMessage } from './common.descriptions';

/** A session webhook this close to its expiry is treated as expired: the reply would race it. */
const SESSION_EXPIRY_MARGIN_MS = 60_000;

type FallbackReason =
	| 'sessionExpired'
	| 'sessionRejected'
	| 'noSessionWebhook'
	| 'templateNeedsOpenApi';

const properties: INodeProperties[] = [
	{
		displayName: 'Incoming Message',
		name: 'incomingMessage',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description:
			'The message to answer: an item of the DingTalk Trigger. The default takes the input item; after other nodes, map the trigger’s item with an expression such as the one in the hint.',
		hint: 'After other nodes: {{ $("DingTalk Trigger").item.json }}',
	},
	...templateProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Fall Back to OpenAPI',
				name: 'fallBack',
				type: 'boolean',
				default: true,
				description:
					'Whether to send through the robot OpenAPI (group or 1:1 chat, from the conversation type) when the session webhook has expired. Off: the item fails instead.',
			},
			{
				displayName: 'Mention Sender',
				name: 'mentionSender',
				type: 'boolean',
				default: true,
				description:
					'Whether to @ the sender of the message in a group reply. DingTalk supports this for text and markdown sent through the session webhook only; the OpenAPI cannot @.',
			},
			...retryOptions,
			robotCodeOption,
		],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['reply'] } };

export const description = updateDisplayOptions(displayOptions, properties);

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

async function replyThroughOpenApi(
	context: IExecuteFunctions,
	itemIndex: number,
	client: OpenApiClient,
	incoming: RobotMessageReference,
	template: TemplateMessage,
	robotCode: string,
	retry: RetryOptions,
): Promise<IDataObject> {
	const message = { robotCode, msgKey: template.msgKey, msgParam: template.msgParam };
	if (incoming.conversationType === 'group') {
		if (!incoming.conversationId) {
			throw new MessageFieldError(
				'incomingMessage',
				'The incoming group message has no conversation ID to send the reply to',
				ROBOT_MESSAGE_REFERENCE_FIX,
			);
		}
		const { processQueryKey } = await sendGroupMessage(
			client,
			{ ...message, openConversationId: incoming.conversationId },
			retry,
		);
		return {
			sentTo: 'groupMessages',
			processQueryKey,
			openConversationId: incoming.conversationId,
		};
	}
	if (incoming.conversationType === 'single') {
		if (!incoming.senderStaffId) {
			throw new MessageFieldError(
				'incomingMessage',
				'The sender of the incoming 1:1 message has no staff ID, so the OpenAPI cannot reach them',
				'DingTalk gives senderStaffId only for members of your organisation and after the robot is published.',
			);
		}
		const report = await sendToUserBatches(client, message, [incoming.senderStaffId], retry);
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
	throw new MessageFieldError(
		'incomingMessage',
		'The incoming message does not say whether it came from a group or a 1:1 chat',
		`The reply needs conversation.type ("group"/"single") or conversationType ("2"/"1"). ${ROBOT_MESSAGE_REFERENCE_FIX}`,
	);
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const incoming = readRobotMessageReference(this.getNodeParameter('incomingMessage', itemIndex));
	const template = readTemplateMessage.call(this, itemIndex);
	return { json: await sendReply(this, itemIndex, run, incoming, template, options) };
}

/**
 * Answers a received message with a template: through its session webhook while valid, through
 * the robot OpenAPI after (option fallBack), @-mentioning a group sender (option mentionSender).
 */
export async function sendReply(
	context: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
	incoming: RobotMessageReference,
	template: TemplateMessage,
	options: IDataObject,
): Promise<IDataObject> {
	const retry = readRetryOptions(options);
	const fallBack = options.fallBack !== false;
	const client = await openApiClient(context, itemIndex, run);
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
	const sent = await replyThroughOpenApi(
		context,
		itemIndex,
		client,
		incoming,
		template,
		robotCode,
		retry,
	);
	return { ...sent, fallbackReason: reason, robotCode, mentioned: [], ...summary };
}
