import type { IDataObject } from 'n8n-workflow';

import { constantTimeEqual, verifyRobotSignature } from '../shared/robotSigning';
import type { RejectionReason } from './rejections';

export type RobotVerification = 'signature' | 'outgoingToken';

export type ConversationType = 'single' | 'group' | 'unknown';

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

type HeaderValue = string | string[] | undefined;

function headerValue(headers: Record<string, HeaderValue>, name: string): string | undefined {
	const value = headers[name];
	return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Checks where a robot message comes from: an app robot signs `timestamp` + `sign` with the
 * app's Client Secret; a custom robot's Outgoing sends its configured token in `token`.
 */
export function verifyRobotRequest(options: {
	verification: RobotVerification;
	headers: Record<string, HeaderValue>;
	appSecret: string;
	outgoingToken: string;
	nowMs: number;
	windowMs: number;
}): { valid: true } | { valid: false; reason: RejectionReason } {
	const { headers } = options;
	if (options.verification === 'outgoingToken') {
		const token = headerValue(headers, 'token');
		if (token === undefined) return { valid: false, reason: 'missingToken' };
		return constantTimeEqual(options.outgoingToken, token)
			? { valid: true }
			: { valid: false, reason: 'tokenMismatch' };
	}
	const check = verifyRobotSignature({
		timestamp: headerValue(headers, 'timestamp'),
		sign: headerValue(headers, 'sign'),
		secret: options.appSecret,
		nowMs: options.nowMs,
		windowMs: options.windowMs,
	});
	return check.valid ? check : { valid: false, reason: check.reason };
}

function asString(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

function asTime(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
	return null;
}

function asObject(value: unknown): IDataObject | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

function conversationTypeOf(value: unknown): ConversationType {
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
export function normalizeRobotMessage(body: IDataObject, includeRaw: boolean): RobotMessageItem {
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
			type: conversationTypeOf(body.conversationType),
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
	if (includeRaw) item.raw = body;
	return item;
}
