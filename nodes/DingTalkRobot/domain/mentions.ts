import type { IDataObject } from 'n8n-workflow';

import { parseIdList } from './idList';
import { MessageFieldError } from './robotMessage';
import type { RobotMessage } from './robotMessage';

/** DingTalk @-mentions at most 50 people in one message. */
export const MAX_MENTIONS = 50;

/** A list of people to @-mention, as parseIdList reads it, without the leading @ of each. */
export function parseMentionList(value: unknown): string[] {
	const people = parseIdList(value)
		.map((person) => person.replace(/^@/, ''))
		.filter((person) => person.length > 0);
	return [...new Set(people)];
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `@id` stands in the content as a whole mention, not as the start of a longer one. */
export function mentionsId(content: string, id: string): boolean {
	return new RegExp(`@${escapeRegExp(id)}(?![A-Za-z0-9_-])`).test(content);
}

/**
 * DingTalk only notifies a mentioned person in text and markdown when `@mobile` or `@userId`
 * also appears in the content, so add the missing ones at the end.
 */
export function insertMissingMentions(
	content: string,
	ids: string[],
	style: 'text' | 'markdown',
): string {
	const missing = ids.filter((id) => !mentionsId(content, id));
	if (missing.length === 0) return content;
	const mentions = missing.map((id) => `@${id}`).join(' ');
	if (content.length === 0) return mentions;
	return style === 'markdown' ? `${content}\n\n${mentions}` : `${content} ${mentions}`;
}

const MENTION_STYLE = { text: 'text', markdown: 'markdown' } as const;

/** The body field of a text or markdown message that carries the @s. */
const MENTION_FIELD = { text: 'content', markdown: 'text' } as const;

// A mainland mobile (11 digits from 1) or one as DingTalk writes overseas numbers (+1-2025550123),
// right after an @ that does not sit inside an e-mail address or a URL, and not followed by more
// of a word.
const TYPED_MOBILE = /(?<![\w./:@+-])@(1\d{10}|\+\d{1,4}-\d{4,14})(?![\w-]|\.\w)/g;

/** Mobile numbers written as `@<mobile>` in a text, once each, in order. */
export function typedMobileMentions(content: string): string[] {
	return [...new Set([...content.matchAll(TYPED_MOBILE)].map((match) => match[1]))];
}

/**
 * DingTalk notifies only the numbers listed in at.atMobiles: an @13800000000 typed into the text
 * alone reaches nobody. Adds such numbers of a text or markdown message to the list; returns the
 * message and the numbers it added.
 */
export function mentionTypedMobiles(message: RobotMessage): {
	message: RobotMessage;
	added: string[];
} {
	const style = MENTION_STYLE[message.msgtype as keyof typeof MENTION_STYLE];
	if (!style) return { message, added: [] };
	const body = (message[message.msgtype] ?? {}) as IDataObject;
	const listed = parseMentionList(message.at?.atMobiles);
	const added = typedMobileMentions(String(body[MENTION_FIELD[style]] ?? '')).filter(
		(mobile) => !listed.includes(mobile),
	);
	if (added.length === 0) return { message, added };
	const people = listed.length + added.length + parseMentionList(message.at?.atUserIds).length;
	if (people > MAX_MENTIONS) {
		throw new MessageFieldError(
			'atMobiles / atUserIds',
			`${people} people are mentioned (${added.length} of them typed as @<mobile> in the text); DingTalk allows at most ${MAX_MENTIONS} in one message`,
			'Mention fewer people or split the message, or turn off the option "Mention Numbers Typed in the Text" so that typed numbers are sent as plain text.',
		);
	}
	return {
		message: { ...message, at: { ...message.at, atMobiles: [...listed, ...added] } },
		added,
	};
}

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
		const field = MENTION_FIELD[style];
		body[field] = insertMissingMentions(
			String(body[field] ?? ''),
			[...atMobiles, ...atUserIds],
			style,
		);
		result[message.msgtype] = body;
	}
	return result;
}
