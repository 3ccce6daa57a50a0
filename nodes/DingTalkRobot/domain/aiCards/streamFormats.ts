/**
 * The two streaming answer formats an AI card is filled from, read incrementally: feed the
 * bytes as they arrive (decoded to text), get the events of every complete line.
 *
 * - n8n's streaming webhook (Webhook or Chat Trigger with Response Mode: Streaming): NDJSON lines
 *   `{"type": "begin"|"item"|"end"|"error", "content": "...", "metadata": {...}}`.
 * - OpenAI's streaming chat completions: server-sent events `data: {"choices": [{"delta":
 *   {"content": "..."}}]}`, ended by `data: [DONE]`.
 */

export type StreamEvent =
	| { type: 'text'; text: string }
	| { type: 'error'; message: string }
	| { type: 'end' };

/** Splits text fed in pieces into complete lines; the rest waits for the next piece. */
export class LineSplitter {
	private rest = '';

	push(piece: string): string[] {
		const lines = (this.rest + piece).split(/\r?\n/);
		this.rest = lines.pop() ?? '';
		return lines;
	}

	/** What is left after the last newline, once the stream ended. */
	flush(): string[] {
		const rest = this.rest;
		this.rest = '';
		return rest.trim() === '' ? [] : [rest];
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(line: string): unknown {
	try {
		return JSON.parse(line) as unknown;
	} catch {
		return undefined;
	}
}

function errorText(value: unknown, fallback: string): string {
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	if (isObject(value) && typeof value.message === 'string') return value.message;
	return fallback;
}

/**
 * One line of n8n's streaming response. A line that is not JSON is taken as text: a workflow
 * whose last node answers in plain text instead of streaming still fills the card.
 */
export function n8nStreamEvent(line: string): StreamEvent | undefined {
	if (line.trim() === '') return undefined;
	const chunk = parseJson(line);
	if (!isObject(chunk)) return { type: 'text', text: `${line}\n` };
	switch (chunk.type) {
		case 'item':
			return typeof chunk.content === 'string' && chunk.content !== ''
				? { type: 'text', text: chunk.content }
				: undefined;
		case 'error':
			return {
				type: 'error',
				message: errorText(
					chunk.content,
					'no details (see the executions of the answering workflow)',
				),
			};
		// n8n writes begin/end around each streaming node, and more than one node may stream:
		// the answer ends when the response does.
		case 'begin':
		case 'end':
			return undefined;
		default:
			return undefined;
	}
}

/** One line of OpenAI's server-sent events. */
export function openAiStreamEvent(line: string): StreamEvent | undefined {
	if (!line.startsWith('data:')) return undefined;
	const data = line.slice(5).trim();
	if (data === '[DONE]') return { type: 'end' };
	const chunk = parseJson(data);
	if (!isObject(chunk)) return undefined;
	if (chunk.error !== undefined) {
		return { type: 'error', message: errorText(chunk.error, 'the model reported an error') };
	}
	const choice = Array.isArray(chunk.choices) ? (chunk.choices[0] as unknown) : undefined;
	const delta = isObject(choice) ? choice.delta : undefined;
	const content = isObject(delta) ? delta.content : undefined;
	return typeof content === 'string' && content !== ''
		? { type: 'text', text: content }
		: undefined;
}
