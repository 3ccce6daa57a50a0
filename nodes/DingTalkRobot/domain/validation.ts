import type { IDataObject } from 'n8n-workflow';

import { ROBOT_MSG_TYPES, MessageFieldError } from './robotMessage';
import type { RobotMessage } from './robotMessage';

/** DingTalk refuses robot messages larger than this (errcode 460101). */
export const MAX_MESSAGE_BYTES = 20000;

export function requireText(value: unknown, field: string, label: string): string {
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string' || text.trim().length === 0) {
		throw new MessageFieldError(
			field,
			`"${label}" is empty`,
			`Fill in "${label}"; DingTalk requires it.`,
		);
	}
	return text;
}

/** Link targets may be web URLs or DingTalk client links (dingtalk://dingtalkclient/...). */
export function requireUrl(
	value: unknown,
	field: string,
	label: string,
	allowDingTalkScheme = true,
) {
	const text = requireText(value, field, label).trim();
	let parsed: URL | undefined;
	try {
		parsed = new URL(text);
	} catch {
		parsed = undefined;
	}
	const schemes = allowDingTalkScheme ? ['http:', 'https:', 'dingtalk:'] : ['http:', 'https:'];
	if (!parsed || !schemes.includes(parsed.protocol)) {
		throw new MessageFieldError(
			field,
			`"${label}" is not a valid URL: ${text.slice(0, 200)}`,
			'Use a full address starting with https:// (or http://).',
		);
	}
	return text;
}

export function optionalUrl(value: unknown, field: string, label: string): string | undefined {
	if (value === undefined || value === null || String(value).trim() === '') return undefined;
	return requireUrl(value, field, label, false);
}

export function messageBytes(message: RobotMessage): number {
	return Buffer.byteLength(JSON.stringify(message), 'utf8');
}

/** `field` names the parameter to shorten in the error (the one holding most of the text). */
export function checkMessageSize(message: RobotMessage, field = 'message') {
	const bytes = messageBytes(message);
	if (bytes > MAX_MESSAGE_BYTES) {
		throw new MessageFieldError(
			field,
			`The message is ${bytes} bytes; DingTalk accepts at most ${MAX_MESSAGE_BYTES} bytes`,
			'Shorten the text or split it into several messages.',
		);
	}
}

/** Checks a message given as raw JSON has the shape DingTalk needs before it is sent. */
export function checkRawMessage(value: unknown): RobotMessage {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new MessageFieldError(
			'jsonMessage',
			'The message JSON must be an object',
			'Give a JSON object such as {"msgtype":"text","text":{"content":"Hello"}}.',
		);
	}
	const message = value as IDataObject;
	const msgtype = message.msgtype as string;
	if (!(ROBOT_MSG_TYPES as readonly string[]).includes(msgtype)) {
		throw new MessageFieldError(
			'jsonMessage',
			`"msgtype" is ${JSON.stringify(msgtype ?? null)}; a robot webhook accepts ${ROBOT_MSG_TYPES.join(', ')}`,
			'Set "msgtype" to one of these and put the fields in an object of the same name.',
		);
	}
	if (typeof message[msgtype] !== 'object' || message[msgtype] === null) {
		throw new MessageFieldError(
			'jsonMessage',
			`The message has no "${msgtype}" object`,
			`Add "${msgtype}": { ... } with the fields of that message type.`,
		);
	}
	return message as RobotMessage;
}
