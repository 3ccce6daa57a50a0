/** DingTalk @-mentions at most 50 people in one message. */
export const MAX_MENTIONS = 50;

/**
 * Turns what a user or an expression gives (a comma, semicolon or newline separated string, a
 * number, or an array of those) into a clean list without blanks or repeats.
 */
export function parseMentionList(value: unknown): string[] {
	const parts: string[] = [];
	const collect = (entry: unknown) => {
		if (entry === undefined || entry === null) return;
		if (Array.isArray(entry)) {
			entry.forEach(collect);
			return;
		}
		String(entry)
			.split(/[,，;；\n\r]/)
			.map((part) => part.trim().replace(/^@/, ''))
			.filter((part) => part.length > 0)
			.forEach((part) => parts.push(part));
	};
	collect(value);
	return [...new Set(parts)];
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
