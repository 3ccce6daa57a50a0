import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OpenAI-compatible chat model on loopback, so that n8n's OpenAI Chat Model node (Base URL
 * = {@link FakeChatModel.baseUrl}, any API key) gives a real AI Agent answers with no network:
 * `GET /v1/models`, `POST /v1/chat/completions` answering word by word as server-sent events when
 * `stream` is true (`data: {choices: [{delta: {content}}]}` ... `data: [DONE]`), else at once.
 * The answer is {@link FakeChatModel.answerFor} of the last user message. Each answer is recorded
 * in {@link FakeChatModel.answers} with when its first and last words left (for the benchmark).
 * With `apiKey` it refuses, as OpenAI does (401 `invalid_api_key`), a request without
 * `Authorization: Bearer <apiKey>`. With `toolCallFor` it calls a tool the request offers
 * (`tool_calls`, finish reason `tool_calls`) once per question; the answer after the tool's
 * result is `answerFor(question, results)`.
 */

interface ChatMessage {
	role?: string;
	content?: unknown;
}

/** A function call the model makes: one of the request's `tools` by name, with its arguments. */
export interface FakeToolCall {
	name: string;
	arguments: Record<string, unknown>;
}

export interface FakeChatModelOptions {
	/** Pause before each word of a streamed answer. */
	wordDelayMs?: number;
	/** The answer to the last user message; `toolResults` are the tools' answers since then. */
	answerFor?: (question: string, toolResults?: string[]) => string;
	/** The tool to call for a question, given the names of the tools offered; none: answer. */
	toolCallFor?: (question: string, tools: string[]) => FakeToolCall | undefined;
	/** The only key accepted (Authorization: Bearer); any key (or none) when not set. */
	apiKey?: string;
}

/** One chat completion the model answered. */
export interface ModelAnswer {
	question: string;
	answer: string;
	stream: boolean;
	receivedAt: number;
	/** When the first word of a streamed answer was written. */
	firstTokenAt?: number;
	/** When its last word was written (before the stop event and [DONE]). */
	lastTokenAt?: number;
}

export const FAKE_MODEL = 'fake-gpt';

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) => (typeof part === 'object' && part && 'text' in part ? String(part.text) : ''))
			.join('');
	}
	return '';
}

export class FakeChatModel {
	readonly requests: Array<{ path: string; body: unknown }> = [];
	readonly answers: ModelAnswer[] = [];
	private server?: Server;
	private port = 0;
	readonly answerFor: (question: string, toolResults?: string[]) => string;
	/** The tool calls the model made, in order. */
	readonly toolCalls: Array<FakeToolCall & { id: string; question: string }> = [];

	constructor(private readonly options: FakeChatModelOptions = {}) {
		this.answerFor =
			options.answerFor ??
			((question) =>
				`You asked: "${question}". This answer comes from the sandbox's stand-in model, word by word, with no network.`);
	}

	/** The Base URL for n8n's OpenAI credential or the OpenAI Chat Model node. */
	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}/v1`;
	}

	async start(port = 0): Promise<string> {
		this.server = createServer((request, response) => void this.handle(request, response));
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this.baseUrl;
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}

	/** OpenAI's answer to a missing or wrong key (without the key). */
	private keyRefusal(authorization: string | undefined): { message: string; code: string } | null {
		if (this.options.apiKey === undefined) return null;
		const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
		if (given === this.options.apiKey) return null;
		return given === undefined
			? {
					message:
						"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
					code: 'missing_api_key',
				}
			: { message: 'Incorrect API key provided.', code: 'invalid_api_key' };
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		let raw = '';
		for await (const piece of request) raw += String(piece);
		const path = (request.url ?? '/').split('?')[0];
		let body: Record<string, unknown> = {};
		try {
			body = JSON.parse(raw || '{}') as Record<string, unknown>;
		} catch {
			// an empty body
		}
		this.requests.push({ path, body });
		const send = (status: number, value: unknown) => {
			response.writeHead(status, { 'content-type': 'application/json' });
			response.end(JSON.stringify(value));
		};
		const refusal = this.keyRefusal(request.headers.authorization);
		if (refusal) return send(401, { error: { ...refusal, type: 'invalid_request_error' } });
		if (request.method === 'GET' && path === '/v1/models') {
			return send(200, {
				object: 'list',
				data: [{ id: FAKE_MODEL, object: 'model', created: 0, owned_by: 'sandbox' }],
			});
		}
		if (request.method !== 'POST' || path !== '/v1/chat/completions') {
			return send(404, {
				error: { message: `Unknown path ${path}`, type: 'invalid_request_error' },
			});
		}
		const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
		let lastUser = messages.length - 1;
		while (lastUser >= 0 && messages[lastUser].role !== 'user') lastUser--;
		const question = textOf(messages[lastUser]?.content);
		const toolResults = messages
			.slice(lastUser + 1)
			.filter((message) => message.role === 'tool')
			.map((message) => textOf(message.content));
		const id = `chatcmpl-${randomBytes(8).toString('hex')}`;
		const model = typeof body.model === 'string' ? body.model : FAKE_MODEL;
		const created = Math.floor(Date.now() / 1000);
		const offered = (Array.isArray(body.tools) ? body.tools : [])
			.map((tool) => (tool as { function?: { name?: unknown } }).function?.name)
			.filter((name): name is string => typeof name === 'string');
		const call =
			offered.length && toolResults.length === 0
				? this.options.toolCallFor?.(question, offered)
				: undefined;
		if (call) return this.callTool(response, body, { id, model, created, question, call });
		const answer = this.answerFor(question, toolResults);
		const record: ModelAnswer = {
			question,
			answer,
			stream: body.stream === true,
			receivedAt: Date.now(),
		};
		this.answers.push(record);
		const usage = {
			prompt_tokens: question.length,
			completion_tokens: answer.length,
			total_tokens: question.length + answer.length,
		};
		if (body.stream !== true) {
			return send(200, {
				id,
				object: 'chat.completion',
				created,
				model,
				choices: [
					{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' },
				],
				usage,
			});
		}
		response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const event = (delta: object, finish: string | null = null, extra: object = {}) =>
			response.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
			);
		event({ role: 'assistant', content: '' });
		for (const word of answer.match(/\S+\s*/g) ?? []) {
			await new Promise((resolve) => setTimeout(resolve, this.options.wordDelayMs ?? 40));
			if (response.destroyed) return;
			event({ content: word });
			record.lastTokenAt = Date.now();
			record.firstTokenAt ??= record.lastTokenAt;
		}
		event({}, 'stop');
		const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
		if (streamOptions?.include_usage) {
			response.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`,
			);
		}
		response.write('data: [DONE]\n\n');
		response.end();
	}

	/** Answers with a call of one of the offered tools, streamed or at once as the request asks. */
	private callTool(
		response: ServerResponse,
		body: Record<string, unknown>,
		turn: { id: string; model: string; created: number; question: string; call: FakeToolCall },
	): void {
		const { id, model, created, call } = turn;
		const callId = `call_${randomBytes(6).toString('hex')}`;
		this.toolCalls.push({ ...call, id: callId, question: turn.question });
		const fn = { name: call.name, arguments: JSON.stringify(call.arguments) };
		if (body.stream !== true) {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(
				JSON.stringify({
					id,
					object: 'chat.completion',
					created,
					model,
					choices: [
						{
							index: 0,
							message: {
								role: 'assistant',
								content: null,
								tool_calls: [{ id: callId, type: 'function', function: fn }],
							},
							finish_reason: 'tool_calls',
						},
					],
					usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
				}),
			);
			return;
		}
		response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const chunk = (delta: object, finish: string | null = null) =>
			response.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
			);
		chunk({
			role: 'assistant',
			content: null,
			tool_calls: [{ index: 0, id: callId, type: 'function', function: { ...fn, arguments: '' } }],
		});
		chunk({ tool_calls: [{ index: 0, function: { arguments: fn.arguments } }] });
		chunk({}, 'tool_calls');
		response.write('data: [DONE]\n\n');
		response.end();
	}
}
