import { sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { redactSecrets } from '../../shared/redactSecrets';
import type { StreamEvent } from '../domain/aiCards/streamFormats';
import { LineSplitter, n8nStreamEvent, openAiStreamEvent } from '../domain/aiCards/streamFormats';

/**
 * Why a streaming source gave no (complete) answer. `cardReason` is what the chat may see: no
 * words of the source's error page, which may name internal URLs.
 */
export class SourceFailed extends Error {
	readonly cardReason: string;

	constructor(
		message: string,
		readonly hint: string,
		cardReason?: string,
	) {
		super(message);
		this.name = 'SourceFailed';
		this.cardReason = cardReason ?? message;
	}
}

export interface StreamingSourceRequest {
	url: string;
	body: IDataObject;
	/** The longest wait for the answer to begin or go on. */
	idleTimeoutMs: number;
	/** The credential whose `authenticate` signs the request (an OpenAI-compatible key). */
	credentialType?: string;
	/** Values never to show in an error (the key). */
	secrets?: string[];
}

export interface StreamedAnswer {
	text: string;
	chunks: number;
	firstChunkAt?: number;
	lastChunkAt?: number;
}

const ERROR_BODY_CHARS = 300;

/** How often the silence of a source is checked; the watch outlives the answer by at most this. */
const WATCH_STEP_MS = 250;

const SOURCE_HINT =
	'Check the URL and that the workflow behind it is active, its Webhook node has HTTP Method POST and Response Mode "Streaming", and its AI Agent (or Respond to Webhook) has streaming on.';

/** What to do when the source refuses the request (401/403): almost always the API key. */
function keyHint(credentialType: string | undefined): string {
	return credentialType
		? 'The source refused the API key: check the key in the credential chosen for the source (DingTalk AI Card Source API), and that it may use this endpoint and model.'
		: 'The source wants an API key: set "Source Authentication" to "API Key (OpenAI-Compatible)" and choose a DingTalk AI Card Source API credential with the key.';
}

function isReadable(value: unknown): value is AsyncIterable<Buffer | string> {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
	);
}

async function readSome(body: AsyncIterable<Buffer | string>): Promise<string> {
	let text = '';
	for await (const piece of body) {
		text += piece.toString();
		if (text.length >= ERROR_BODY_CHARS) break;
	}
	return text.slice(0, ERROR_BODY_CHARS);
}

function headerOf(headers: unknown, name: string): string {
	const value = (headers as Record<string, unknown> | undefined)?.[name];
	return typeof value === 'string' ? value : '';
}

/**
 * POSTs `body` to a streaming URL and reads the answer as it arrives: n8n's streaming webhook
 * (NDJSON) or, when the answer is server-sent events, OpenAI's streaming chat format. `onText`
 * gets the whole text so far after each chunk and is awaited before the next is read.
 */
export async function readStreamingSource(
	context: IExecuteFunctions,
	request: StreamingSourceRequest,
	onText: (text: string) => Promise<void>,
	now: () => number = Date.now,
): Promise<StreamedAnswer> {
	let response: { statusCode?: number; headers?: unknown; body?: unknown } = {};
	let unreachable: unknown;
	const secrets = request.secrets ?? [];
	try {
		const options: IHttpRequestOptions = {
			method: 'POST',
			url: request.url,
			body: request.body,
			json: true,
			headers: { Accept: 'application/x-ndjson, text/event-stream, application/json' },
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: request.idleTimeoutMs,
			abortSignal: context.getExecutionCancelSignal?.(),
		};
		response = (await (request.credentialType
			? context.helpers.httpRequestWithAuthentication.call(context, request.credentialType, options)
			: context.helpers.httpRequest(options))) as typeof response;
	} catch (caught) {
		unreachable = caught ?? 'no reason given';
	}
	if (unreachable !== undefined) {
		throw new SourceFailed(
			`could not reach the source (${redactSecrets(reasonOf(unreachable), secrets)})`,
			SOURCE_HINT,
		);
	}
	const status = response.statusCode ?? 0;
	const body = response.body;
	if (status < 200 || status >= 300) {
		const words = isReadable(body) ? (await readSome(body).catch(() => '')).trim() : '';
		throw new SourceFailed(
			`the source answered HTTP ${status}${words ? `: ${redactSecrets(words, secrets)}` : ''}`,
			status === 401 || status === 403 ? keyHint(request.credentialType) : SOURCE_HINT,
			`the source answered HTTP ${status}`,
		);
	}
	if (!isReadable(body)) throw new SourceFailed('the source answered no body', SOURCE_HINT);
	const eventOf = headerOf(response.headers, 'content-type').includes('text/event-stream')
		? openAiStreamEvent
		: n8nStreamEvent;

	// The request timeout covers the wait for the answer to begin; a silence within it is ended here.
	const watch = { lastHeard: now(), done: false, silent: false };
	const watching = (async () => {
		while (!watch.done) {
			await sleep(Math.min(WATCH_STEP_MS, request.idleTimeoutMs));
			if (!watch.done && now() - watch.lastHeard > request.idleTimeoutMs) {
				watch.silent = true;
				(body as { destroy?: (error: Error) => void }).destroy?.(new Error('timed out'));
				return;
			}
		}
	})();

	const answer: StreamedAnswer = { text: '', chunks: 0 };
	let refused: { error: unknown } | undefined;
	const lines = new LineSplitter();
	const decoder = new TextDecoder();
	const take = async (event: StreamEvent | undefined): Promise<boolean> => {
		if (refused) return false;
		if (!event) return true;
		if (event.type === 'end') return false;
		if (event.type === 'error') {
			throw new SourceFailed(
				`the answer stopped with an error: ${redactSecrets(event.message, secrets)}`,
				SOURCE_HINT,
			);
		}
		answer.text += event.text;
		answer.chunks += 1;
		answer.firstChunkAt ??= now();
		answer.lastChunkAt = now();
		try {
			await onText(answer.text);
		} catch (caught) {
			// Not the source's failure (e.g. DingTalk refused the card update): reported as it is.
			refused = { error: caught };
		}
		return refused === undefined;
	};
	let broken: unknown;
	try {
		reading: for await (const piece of body) {
			watch.lastHeard = now();
			const text = typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
			for (const line of lines.push(text)) {
				if (!(await take(eventOf(line)))) break reading;
			}
		}
		for (const line of lines.push(decoder.decode())) await take(eventOf(line));
		for (const line of lines.flush()) await take(eventOf(line));
	} catch (caught) {
		broken = caught ?? 'no reason given';
	}
	// Not awaited: its step would hold the finished answer back by up to WATCH_STEP_MS; once
	// done it ends at its next step without touching the body.
	watch.done = true;
	void watching;
	if (refused) throw refused.error;
	if (broken instanceof SourceFailed) throw broken;
	if (watch.silent) {
		throw new SourceFailed(
			`the source sent nothing for ${Math.round(request.idleTimeoutMs / 1000)} s (timed out)`,
			SOURCE_HINT,
		);
	}
	if (broken !== undefined) {
		throw new SourceFailed(
			`the answer broke off (${redactSecrets(reasonOf(broken), secrets)})`,
			SOURCE_HINT,
		);
	}
	return answer;
}

const NETWORK_WORDS: Record<string, string> = {
	ECONNABORTED: 'timed out',
	ETIMEDOUT: 'timed out',
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host was not found',
	ERR_CANCELED: 'the execution was cancelled',
};

/** A network failure in words: n8n replaces a message naming a network code with a generic one. */
function reasonOf(caught: unknown): string {
	const error = (caught ?? {}) as { code?: string; message?: string };
	const words = error.code ? NETWORK_WORDS[error.code] : undefined;
	if (words) return words;
	if (error.message === 'aborted' || error.code === 'ERR_STREAM_PREMATURE_CLOSE') {
		return 'the connection closed early';
	}
	return String(error.message || error.code || 'no reason given').slice(0, 120);
}
