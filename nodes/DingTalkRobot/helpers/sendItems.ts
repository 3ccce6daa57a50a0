import { randomUUID } from 'node:crypto';
import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeApiError,
} from 'n8n-workflow';

import { deliver } from './delivery';
import { MessageFieldError } from './interfaces';
import type { RobotMessage } from './interfaces';
import { appendKeyword, containsKeyword } from './keywords';
import { MAX_MENTIONS, insertMissingMentions, parseMentionList } from './mentions';
import { resolveTarget } from './target';
import type { SendTarget } from './target';
import { checkMessageSize } from './validation';

/** Builds the DingTalk message of one item from the operation's parameters. */
export type MessageBuilder = (this: IExecuteFunctions, itemIndex: number) => RobotMessage;

const MENTION_STYLE = { text: 'text', markdown: 'markdown' } as const;

/** The parameter of each operation that holds most of the message, named when it is too long. */
const LONGEST_PARAMETER: Record<string, string> = {
	sendText: 'content',
	sendMarkdown: 'text',
	sendLink: 'text',
	sendActionCard: 'text',
	sendFeedCard: 'links',
	sendRaw: 'jsonMessage',
};

/** Cleans the @ lists, refuses more than DingTalk allows, and makes the @ actually notify. */
export function prepareMentions(message: RobotMessage, insertMissing: boolean): RobotMessage {
	if (!message.at) return message;
	const atMobiles = parseMentionList(message.at.atMobiles);
	const atUserIds = parseMentionList(message.at.atUserIds);
	const isAtAll = message.at.isAtAll === true || String(message.at.isAtAll) === 'true';
	if (atMobiles.length + atUserIds.length > MAX_MENTIONS) {
		throw new MessageFieldError(
			'atMobiles / atUserIds',
			`${atMobiles.length + atUserIds.length} people are mentioned; DingTalk allows at most ${MAX_MENTIONS} in one message`,
			'Mention fewer people, split the message, or use "Mention Everyone".',
		);
	}
	const at: IDataObject = {};
	if (atMobiles.length) at.atMobiles = atMobiles;
	if (atUserIds.length) at.atUserIds = atUserIds;
	if (isAtAll) at.isAtAll = true;
	const result: RobotMessage = { ...message, at };
	if (Object.keys(at).length === 0) delete result.at;

	const style = MENTION_STYLE[message.msgtype as keyof typeof MENTION_STYLE];
	if (insertMissing && style) {
		const body = { ...(message[message.msgtype] as IDataObject) };
		const field = style === 'text' ? 'content' : 'text';
		body[field] = insertMissingMentions(
			String(body[field] ?? ''),
			[...atMobiles, ...atUserIds],
			style,
		);
		result[message.msgtype] = body;
	}
	return result;
}

function ensureKeyword(message: RobotMessage, target: SendTarget, mode: string): RobotMessage {
	if (target.kind !== 'robot' || target.keywords.length === 0) return message;
	if (containsKeyword(message, target.keywords)) return message;
	if (mode === 'fail') {
		throw new MessageFieldError(
			'keywords',
			`The message contains none of the robot's keywords (${target.keywords.join(', ')})`,
			'DingTalk would reject it with errcode 310000. Put a keyword in the message, or set "Missing Keyword" to "Append a Keyword".',
		);
	}
	return appendKeyword(message, target.keywords[0]);
}

function toNodeError(this: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof MessageFieldError) {
		return new NodeOperationError(this.getNode(), `${error.message} [item ${itemIndex}]`, {
			itemIndex,
			description: `${error.fix ?? ''} (parameter: ${error.field})`.trim(),
		});
	}
	return error as NodeApiError | NodeOperationError;
}

/**
 * The common path of every send operation: build the message of each item, make its mentions
 * and keywords work, validate it, send it with pacing and retries, and report per item.
 */
export async function sendItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	build: MessageBuilder,
): Promise<INodeExecutionData[]> {
	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const target = await resolveTarget.call(this, itemIndex);
			let message = prepareMentions(build.call(this, itemIndex), options.insertMentions !== false);
			message = ensureKeyword(message, target, (options.missingKeyword as string) ?? 'append');
			const msgUuid = String(options.msgUuid || message.msgUuid || randomUUID());
			message = { ...message, msgUuid };
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			checkMessageSize(message, LONGEST_PARAMETER[operation]);

			const { reply, attempts } = await deliver.call(this, itemIndex, target, message, {
				limits: {
					limit: Number(options.rateLimit ?? 20),
					windowMs: Number(options.rateWindow ?? 60) * 1000,
				},
				failFast: options.rateLimitHandling === 'fail',
				maxRetries: Number(options.maxRetries ?? 3),
				retryDelayMs: Number(options.retryDelay ?? 1000),
			});
			const json: IDataObject = {
				...reply,
				msgUuid,
				sentTo: target.kind === 'robot' ? 'robotWebhook' : 'sessionWebhook',
				attempts,
			};
			if (options.includeMessage !== false) json.message = message;
			returnData.push({ json, pairedItem: { item: itemIndex } });
		} catch (caught) {
			const error = toNodeError.call(this, caught, itemIndex);
			if (!this.continueOnFail()) throw error;
			const context = (error as NodeApiError).context ?? {};
			returnData.push({
				json: {
					error: error.message,
					errcode: (context.errcode as number) ?? null,
					errmsg: (context.errmsg as string) ?? null,
					description: error.description ?? null,
				},
				pairedItem: { item: itemIndex },
			});
		}
	}
	return returnData;
}
