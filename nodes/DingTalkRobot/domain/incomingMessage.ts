import type { IDataObject } from 'n8n-workflow';

import { MessageFieldError } from './robotMessage';

/** What a reply needs to know about the message it answers. */
export interface IncomingMessage {
	conversationId: string;
	conversationType: 'single' | 'group' | 'unknown';
	senderStaffId: string;
	sessionWebhook: string;
	/** Milliseconds since the epoch; null when the message does not say. */
	sessionWebhookExpiresAt: number | null;
	robotCode: string;
}

const FIX =
	'Map the item of the DingTalk Trigger, e.g. {{ $json }} right after it, or {{ $("DingTalk Trigger").item.json }} further down the workflow.';

function asObject(value: unknown): IDataObject | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

function asString(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return '';
}

function asTime(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\d{1,16}$/.test(value.trim())) return Number(value);
	return null;
}

function conversationType(value: unknown): IncomingMessage['conversationType'] {
	const type = asString(value);
	if (type === 'group' || type === '2') return 'group';
	if (type === 'single' || type === '1') return 'single';
	return 'unknown';
}

function parse(value: unknown): IDataObject {
	if (typeof value === 'string') {
		try {
			return asObject(JSON.parse(value)) ?? {};
		} catch {
			return {};
		}
	}
	return asObject(value) ?? {};
}

/**
 * Reads a received robot message: the item of the DingTalk Trigger (conversation.id,
 * conversation.type, sender.staffId, sessionWebhookExpiresAt) or the body DingTalk posts
 * (conversationId, conversationType "1"/"2", senderStaffId, sessionWebhookExpiredTime).
 */
export function readIncomingMessage(value: unknown): IncomingMessage {
	const item = parse(value);
	const conversation = asObject(item.conversation) ?? {};
	const sender = asObject(item.sender) ?? {};
	const message: IncomingMessage = {
		conversationId: asString(conversation.id) || asString(item.conversationId),
		conversationType: conversationType(conversation.type ?? item.conversationType),
		senderStaffId: asString(sender.staffId) || asString(item.senderStaffId),
		sessionWebhook: asString(item.sessionWebhook),
		sessionWebhookExpiresAt: asTime(item.sessionWebhookExpiresAt ?? item.sessionWebhookExpiredTime),
		robotCode: asString(item.robotCode),
	};
	if (!message.sessionWebhook && !message.conversationId) {
		throw new MessageFieldError(
			'incomingMessage',
			'"Incoming Message" is not a DingTalk robot message: it has no sessionWebhook and no conversation ID',
			FIX,
		);
	}
	return message;
}

export const incomingMessageFix = FIX;
