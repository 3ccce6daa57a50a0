import { randomUUID } from 'node:crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ensureKeyword } from '../../domain/keywords';
import type { MissingKeywordMode } from '../../domain/keywords';
import { mentionTypedMobiles, prepareMentions } from '../../domain/mentions';
import { MessageFieldError } from '../../domain/robotMessage';
import type { RobotMessage } from '../../domain/robotMessage';
import { originOf } from '../../../shared/baseUrl';
import { checkSessionNotExpired, checkSessionWebhook } from '../../domain/sessionWebhook';
import { checkMessageSize } from '../../domain/validation';
import { processShare } from '../../transport/pacing';
import { deliver } from '../../transport/robotWebhook';
import type { RobotTarget } from '../../transport/robotWebhook';
import type { ItemResult, Operation } from '../node.type';
import { ROBOT_CREDENTIAL } from '../nodeRun';
import type { NodeRun } from '../nodeRun';

/** Reads where the message of one item goes: the credential's robot, or a session webhook. */
async function readTarget(
	context: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<RobotTarget> {
	const sendTo = context.getNodeParameter('sendTo', itemIndex, 'robot') as string;
	const hasCredential = run.hasCredential(ROBOT_CREDENTIAL);
	if (sendTo === 'sessionWebhook') {
		const webhook = context.getNodeParameter('sessionWebhook', itemIndex, '') as string;
		const expiredTime = context.getNodeParameter('sessionWebhookExpiredTime', itemIndex, '');
		const allowedOrigin = hasCredential
			? originOf((await run.robotWebhook(itemIndex)).baseUrl)
			: undefined;
		const url = checkSessionWebhook(webhook, allowedOrigin);
		checkSessionNotExpired(expiredTime, Date.now());
		return { kind: 'session', url };
	}
	if (!hasCredential) {
		throw new MessageFieldError(
			'credential',
			'No DingTalk Robot API credential is selected',
			'Select or create a DingTalk Robot API credential with the robot webhook, or set Send To to Session Webhook.',
		);
	}
	return await run.robotWebhook(itemIndex);
}

/**
 * The common path of every Message operation for one item: make its mentions (typed ones too)
 * and keywords work, give it a msgUuid, check its size, send it with pacing and retries, and report.
 * `longestParameter` names the parameter to shorten when the message is too large.
 */
export async function sendRobotMessage(
	context: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
	built: RobotMessage,
	longestParameter: string,
): Promise<ItemResult> {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const target = await readTarget(context, itemIndex, run);
	const typed =
		options.mentionTypedMobiles === false
			? { message: built, added: [] }
			: mentionTypedMobiles(built);
	let message = prepareMentions(typed.message, options.insertMentions !== false);
	if (target.kind === 'robot') {
		const mode = (options.missingKeyword as MissingKeywordMode) ?? 'append';
		message = ensureKeyword(message, target.keywords, mode);
	}
	const msgUuid = String(
		options.msgUuid || message.msgUuid || run.defaultMsgUuid(itemIndex, randomUUID),
	);
	message = { ...message, msgUuid };
	checkMessageSize(message, longestParameter);

	const policy = {
		limits: processShare(
			{
				limit: Number(options.rateLimit ?? 20),
				windowMs: Number(options.rateWindow ?? 60) * 1000,
			},
			Number(options.rateLimitProcesses ?? 1),
		),
		failFast: options.rateLimitHandling === 'fail',
		maxRetries: Number(options.maxRetries ?? 3),
		retryDelayMs: Number(options.retryDelay ?? 1000),
	};
	const { reply, attempts } = await run.inOrder(
		itemIndex,
		async () => await deliver(context, itemIndex, target, message, policy),
	);
	const json: IDataObject = {
		...reply,
		msgUuid,
		sentTo: target.kind === 'robot' ? 'robotWebhook' : 'sessionWebhook',
		attempts,
	};
	if (typed.added.length > 0) json.mentionsFromText = typed.added;
	if (options.includeMessage !== false) json.message = message;
	return { json };
}

/** The execute() of a Message operation: build the item's message, then send it as above. */
export function sendsMessage(
	buildMessage: (this: IExecuteFunctions, itemIndex: number) => RobotMessage,
	longestParameter: string,
): Operation['execute'] {
	return async function (this: IExecuteFunctions, itemIndex: number, run: NodeRun) {
		const message = buildMessage.call(this, itemIndex);
		return await sendRobotMessage(this, itemIndex, run, message, longestParameter);
	};
}
