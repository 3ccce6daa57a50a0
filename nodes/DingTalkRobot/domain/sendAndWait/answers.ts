/**
 * What one answer on a Send and Wait page may be: text, and not more of it than a person writes.
 * The answer is stored whole in the execution data and passed to every following node, so a
 * bound keeps one careless paste (or a hostile post) from bloating the database.
 */

/**
 * The longest answer to one field, in UTF-8 bytes: about 20 pages of text, three times the
 * 20,000 characters a DingTalk text message may hold.
 */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** The longest answer of a whole form: the bound the DingTalk Trigger puts on a request body. */
export const MAX_FORM_ANSWER_BYTES = 1024 * 1024;

export type AnswerProblem = { status: 400 | 413; problem: string };

export type AnswerText =
	| { ok: true; text: string; bytes: number }
	| ({ ok: false } & AnswerProblem);

/** The trimmed text of one posted answer; empty when none was posted. */
export function readAnswerText(raw: unknown, label: string): AnswerText {
	// A repeated input name arrives as a list; the page has one input per name.
	const value: unknown = Array.isArray(raw) ? raw[0] : raw;
	if (value === undefined || value === null) return { ok: true, text: '', bytes: 0 };
	if (typeof value !== 'string') {
		return { ok: false, status: 400, problem: `The answer to "${label}" is not text` };
	}
	const bytes = Buffer.byteLength(value, 'utf8');
	if (bytes > MAX_ANSWER_BYTES) {
		return {
			ok: false,
			status: 413,
			problem: `"${label}" is longer than 64 KB, the most one answer may hold. Shorten it, or give a link to the full text.`,
		};
	}
	return { ok: true, text: value.trim(), bytes };
}

export function formAnswerTooLarge(totalBytes: number): AnswerProblem | undefined {
	return totalBytes > MAX_FORM_ANSWER_BYTES
		? {
				status: 413,
				problem:
					'The answers are longer than 1 MB in all. Shorten the longest ones, or give links to the full texts.',
			}
		: undefined;
}
