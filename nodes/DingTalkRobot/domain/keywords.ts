import type { IDataObject } from 'n8n-workflow';

import { MessageFieldError } from './robotMessage';
import type { RobotMessage } from './robotMessage';

function str(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/** The text of a message that DingTalk searches for the robot's security keywords. */
export function visibleText(message: RobotMessage): string {
	const body = (message[message.msgtype] ?? {}) as IDataObject;
	switch (message.msgtype) {
		case 'text':
			return str(body.content);
		case 'feedCard':
			return ((body.links as IDataObject[]) ?? []).map((link) => str(link.title)).join('\n');
		case 'actionCard': {
			const buttons = ((body.btns as IDataObject[]) ?? []).map((button) => str(button.title));
			return [str(body.title), str(body.text), str(body.singleTitle), ...buttons].join('\n');
		}
		default:
			return `${str(body.title)}\n${str(body.text)}`;
	}
}

export function containsKeyword(message: RobotMessage, keywords: string[]): boolean {
	const text = visibleText(message);
	return keywords.some((keyword) => text.includes(keyword));
}

/** Adds the keyword where the reader sees it least intrusively: at the end of the main text. */
export function appendKeyword(message: RobotMessage, keyword: string): RobotMessage {
	const body = { ...((message[message.msgtype] ?? {}) as IDataObject) };
	switch (message.msgtype) {
		case 'text':
			body.content = `${str(body.content)} ${keyword}`.trimStart();
			break;
		case 'feedCard': {
			const links = [...((body.links as IDataObject[]) ?? [])];
			if (links.length > 0) links[0] = { ...links[0], title: `${str(links[0].title)} ${keyword}` };
			body.links = links;
			break;
		}
		case 'markdown':
		case 'actionCard':
			body.text = `${str(body.text)}\n\n${keyword}`.trimStart();
			break;
		default:
			body.text = `${str(body.text)} ${keyword}`.trimStart();
	}
	return { ...message, [message.msgtype]: body };
}

export type MissingKeywordMode = 'append' | 'fail';

/** Makes sure a message to a keyword robot carries a keyword, or refuses it (errcode 310000). */
export function ensureKeyword(
	message: RobotMessage,
	keywords: string[],
	mode: MissingKeywordMode,
): RobotMessage {
	if (keywords.length === 0 || containsKeyword(message, keywords)) return message;
	if (mode === 'fail') {
		throw new MessageFieldError(
			'keywords',
			`The message contains none of the robot's keywords (${keywords.join(', ')})`,
			'DingTalk would reject it with errcode 310000. Put a keyword in the message, or set "Missing Keyword" to "Append a Keyword".',
		);
	}
	return appendKeyword(message, keywords[0]);
}
