import type { IDataObject } from 'n8n-workflow';

import { asObject, asString, asTime, parseJsonObject } from './values';
import { MessageFieldError } from './fieldError';

/**
 * A message a robot received (机器人接收消息): the JSON DingTalk posts to an HTTP callback, which is
 * also the `data` of a Stream frame on topic /v1.0/im/bot/messages/get; the item the DingTalk
 * Trigger makes of it; and what a reply needs to know about it.
 */

/** `content` of a picture (图片) message. */
export interface RobotPictureContent {
	downloadCode?: string;
	pictureDownloadCode?: string;
}

/** One part of a rich-text (富文本) message: a line of text or a picture. */
export interface RobotRichTextPart {
	text?: string;
	type?: string;
	downloadCode?: string;
	pictureDownloadCode?: string;
}

/** `content` of a rich-text message. */
export interface RobotRichTextContent {
	richText?: RobotRichTextPart[];
}

/** `content` of an audio (语音) message; `recognition` is DingTalk's speech-to-text. */
export interface RobotAudioContent {
	downloadCode?: string;
	recognition?: string;
	duration?: number | string;
}

/** `content` of a video message. */
export interface RobotVideoContent {
	downloadCode?: string;
	videoType?: string;
	duration?: number | string;
}

/** `content` of a file message. */
export interface RobotFileContent {
	downloadCode?: string;
	fileName?: string;
	spaceId?: string;
	fileId?: string;
}

export type RobotMessageContent =
	| RobotPictureContent
	| RobotRichTextContent
	| RobotAudioContent
	| RobotVideoContent
	| RobotFileContent;

/**
 * The body DingTalk posts for a robot message. Every field is optional on purpose: DingTalk
 * leaves some out (no `text` when the quota is exhausted, no `robotCode` for custom robots, no
 * `senderStaffId` for external users), and unknown fields are passed on.
 */
export interface RobotCallbackBody {
	msgId?: string;
	/** text, richText, picture, audio, video, file, or unknownMsgType. */
	msgtype?: string;
	/** Only for text messages; usually starts with a space where the @-mention was. */
	text?: { content?: string };
	content?: RobotMessageContent;
	/** Milliseconds since the epoch. */
	createAt?: number;
	conversationId?: string;
	/** "1" single chat (单聊), "2" group chat (群聊). */
	conversationType?: '1' | '2' | string;
	conversationTitle?: string;
	senderId?: string;
	senderNick?: string;
	senderStaffId?: string;
	senderUnionId?: string;
	senderCorpId?: string;
	senderPlatform?: string;
	isAdmin?: boolean;
	chatbotCorpId?: string;
	chatbotUserId?: string;
	robotCode?: string;
	atUsers?: Array<{ dingtalkId?: string; staffId?: string; unionId?: string }>;
	isInAtList?: boolean;
	sessionWebhook?: string;
	/** Milliseconds since the epoch. */
	sessionWebhookExpiredTime?: number;
	[field: string]: unknown;
}

export type ConversationType = 'single' | 'group' | 'unknown';

/** The item the DingTalk Trigger outputs for a robot message. */
export type RobotMessageItem = {
	messageId: string;
	messageType: string;
	text: string;
	createdAt: number | null;
	sender: {
		nick: string;
		staffId: string;
		id: string;
		unionId: string;
		corpId: string;
		platform: string;
		isAdmin: boolean;
	};
	conversation: {
		id: string;
		type: ConversationType;
		title: string;
	};
	robotCode: string;
	chatbotUserId: string;
	atUsers: IDataObject[];
	isInAtList: boolean;
	sessionWebhook: string;
	sessionWebhookExpiresAt: number | null;
	downloadCodes: string[];
	content?: IDataObject;
	raw?: IDataObject;
};

function conversationTypeOfCode(value: unknown): ConversationType {
	const code = asString(value);
	if (code === '1') return 'single';
	if (code === '2') return 'group';
	return 'unknown';
}

function collectDownloadCodes(content: IDataObject | undefined): string[] {
	if (!content) return [];
	const codes: string[] = [];
	const add = (value: unknown) => {
		const code = asString(value);
		if (code && !codes.includes(code)) codes.push(code);
	};
	add(content.downloadCode);
	add(content.pictureDownloadCode);
	if (Array.isArray(content.richText)) {
		for (const part of content.richText) {
			const segment = asObject(part);
			if (segment) {
				add(segment.downloadCode);
				add(segment.pictureDownloadCode);
			}
		}
	}
	return codes;
}

/** The readable text of any message type: the text itself, rich-text parts, or speech recognition. */
function textOf(messageType: string, body: IDataObject, content: IDataObject | undefined): string {
	if (messageType === 'text') return asString(asObject(body.text)?.content).trim();
	if (messageType === 'richText' && Array.isArray(content?.richText)) {
		return content.richText
			.map((part) => asString(asObject(part)?.text))
			.filter((text) => text.length > 0)
			.join('\n')
			.trim();
	}
	if (messageType === 'audio') return asString(content?.recognition).trim();
	return '';
}

/**
 * Turns the body DingTalk posts for a robot message into one item. Unknown fields and
 * message types are tolerated; `content` is passed on as DingTalk sent it.
 */
export function buildRobotMessageItem(
	callbackBody: RobotCallbackBody | IDataObject,
	options: { includeRaw?: boolean } = {},
): RobotMessageItem {
	const body = callbackBody as IDataObject;
	const messageType = asString(body.msgtype) || 'unknown';
	const content = asObject(body.content);
	const item: RobotMessageItem = {
		messageId: asString(body.msgId),
		messageType,
		text: textOf(messageType, body, content),
		createdAt: asTime(body.createAt),
		sender: {
			nick: asString(body.senderNick),
			staffId: asString(body.senderStaffId),
			id: asString(body.senderId),
			unionId: asString(body.senderUnionId),
			corpId: asString(body.senderCorpId),
			platform: asString(body.senderPlatform),
			isAdmin: body.isAdmin === true,
		},
		conversation: {
			id: asString(body.conversationId),
			type: conversationTypeOfCode(body.conversationType),
			title: asString(body.conversationTitle),
		},
		robotCode: asString(body.robotCode),
		chatbotUserId: asString(body.chatbotUserId),
		atUsers: Array.isArray(body.atUsers)
			? body.atUsers.map(asObject).filter((user): user is IDataObject => user !== undefined)
			: [],
		isInAtList: body.isInAtList === true,
		sessionWebhook: asString(body.sessionWebhook),
		sessionWebhookExpiresAt: asTime(body.sessionWebhookExpiredTime),
		downloadCodes: collectDownloadCodes(content),
	};
	if (content) item.content = content;
	if (options.includeRaw) item.raw = body;
	return item;
}

/** What a reply needs to know about the message it answers. */
export interface RobotMessageReference {
	conversationId: string;
	conversationType: ConversationType;
	senderStaffId: string;
	sessionWebhook: string;
	/** Milliseconds since the epoch; null when the message does not say. */
	sessionWebhookExpiresAt: number | null;
	robotCode: string;
}

export const ROBOT_MESSAGE_REFERENCE_FIX =
	'Map the item of the DingTalk Trigger, e.g. {{ $json }} right after it, or {{ $("DingTalk Trigger").item.json }} further down the workflow.';

/** A value that is not a received robot message; `field` names the parameter it came from. */
export class RobotMessageReferenceError extends MessageFieldError {
	constructor(field: string, message: string, fix?: string) {
		super(field, message, fix);
		this.name = 'RobotMessageReferenceError';
	}
}

function trimmed(value: unknown): string {
	return asString(value).trim();
}

function conversationTypeOfItemOrBody(value: unknown): ConversationType {
	const type = trimmed(value);
	if (type === 'group' || type === '2') return 'group';
	if (type === 'single' || type === '1') return 'single';
	return 'unknown';
}

/**
 * Reads a received robot message for a reply, from the item of the DingTalk Trigger
 * (conversation.id, conversation.type, sender.staffId, sessionWebhookExpiresAt), from the body
 * DingTalk posts (conversationId, conversationType "1"/"2", senderStaffId,
 * sessionWebhookExpiredTime), or from either as a JSON string. Throws a
 * {@link RobotMessageReferenceError} when it has neither a session webhook nor a conversation.
 */
export function readRobotMessageReference(
	value: unknown,
	field = 'incomingMessage',
): RobotMessageReference {
	const message = (typeof value === 'string' ? parseJsonObject(value) : asObject(value)) ?? {};
	const conversation = asObject(message.conversation) ?? {};
	const sender = asObject(message.sender) ?? {};
	const expiresAt = message.sessionWebhookExpiresAt ?? message.sessionWebhookExpiredTime;
	const reference: RobotMessageReference = {
		conversationId: trimmed(conversation.id) || trimmed(message.conversationId),
		conversationType: conversationTypeOfItemOrBody(conversation.type ?? message.conversationType),
		senderStaffId: trimmed(sender.staffId) || trimmed(message.senderStaffId),
		sessionWebhook: trimmed(message.sessionWebhook),
		sessionWebhookExpiresAt: asTime(typeof expiresAt === 'string' ? expiresAt.trim() : expiresAt),
		robotCode: trimmed(message.robotCode),
	};
	if (!reference.sessionWebhook && !reference.conversationId) {
		throw new RobotMessageReferenceError(
			field,
			'"Incoming Message" is not a DingTalk robot message: it has no sessionWebhook and no conversation ID',
			ROBOT_MESSAGE_REFERENCE_FIX,
		);
	}
	return reference;
}
