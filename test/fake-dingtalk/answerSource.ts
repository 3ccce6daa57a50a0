import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for what fills an AI card: an n8n workflow whose Webhook answers in Streaming mode
 * (NDJSON lines `{type: begin|item|end|error, content, metadata}`, as n8n writes them), or an
 * OpenAI-compatible streaming chat endpoint (SSE `data: {choices: [{delta: {content}}]}` ...
 * `data: [DONE]`). Each path plays a script: chunks with a pause between them, and optionally a
 * failure (an error line, a broken connection, a stall, an HTTP error).
 */

export interface AnswerScript {
	chunks: string[];
	format?: 'n8n' | 'openai';
	/** Pause before each chunk. */
	delayMs?: number;
	/** After this many chunks: fail as `failure` says. */
	failAfter?: number;
	failure?: 'errorLine' | 'disconnect' | 'stall';
	/** Answer this HTTP status with a short text instead of streaming. */
	status?: number;
}

export interface ReceivedAnswerRequest {
	path: string;
	body: unknown;
}

export class FakeAnswerSource {
	readonly received: ReceivedAnswerRequest[] = [];
	private readonly scripts = new Map<string, AnswerScript>();
	private readonly open = new Set<ServerResponse>();
	private server?: Server;
	private port = 0;

	/** The script `path` plays from now on. */
	answer(path: string, script: AnswerScript): string {
		this.scripts.set(path, script);
		return this.url(path);
	}

	url(path: string): string {
		return `http://127.0.0.1:${this.port}${path}`;
	}

	async start(): Promise<void> {
		this.server = createServer((request, response) => void this.handle(request, response));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.port = (this.server.address() as AddressInfo).port;
	}

	async stop(): Promise<void> {
		for (const response of this.open) response.destroy();
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) =>
			this.server ? this.server.close(() => resolve()) : resolve(),
		);
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		let raw = '';
		for await (const piece of request) raw += String(piece);
		const path = (request.url ?? '/').split('?')[0];
		let body: unknown = raw;
		try {
			body = JSON.parse(raw);
		} catch {
			// kept as text
		}
		this.received.push({ path, body });
		const script = this.scripts.get(path);
		if (!script) {
			response.writeHead(404, { 'content-type': 'application/json' });
			response.end(
				JSON.stringify({
					code: 404,
					message: `The requested webhook "${path}" is not registered.`,
				}),
			);
			return;
		}
		if (script.status) {
			response.writeHead(script.status, { 'content-type': 'text/plain' });
			response.end('Workflow could not be started!');
			return;
		}
		this.open.add(response);
		response.on('close', () => this.open.delete(response));
		const openAi = script.format === 'openai';
		response.writeHead(200, {
			'content-type': openAi ? 'text/event-stream' : 'application/json; charset=utf-8',
			'transfer-encoding': 'chunked',
		});
		const metadata = { nodeId: 'agent', nodeName: 'AI Agent', runIndex: 0, itemIndex: 0 };
		const line = (value: unknown) =>
			response.write(openAi ? `data: ${JSON.stringify(value)}\n\n` : `${JSON.stringify(value)}\n`);
		if (!openAi) line({ type: 'begin', metadata });
		const fail = () => {
			if (script.failure === 'disconnect') return void response.destroy();
			if (script.failure === 'stall') return;
			line(
				openAi
					? { error: { message: 'The model is overloaded' } }
					: { type: 'error', content: 'Model overloaded', metadata },
			);
			response.end();
		};
		for (const [index, chunk] of script.chunks.entries()) {
			if (script.failAfter === index) return fail();
			await new Promise((resolve) => setTimeout(resolve, script.delayMs ?? 0));
			if (response.destroyed) return;
			line(
				openAi
					? { choices: [{ index: 0, delta: { content: chunk }, finish_reason: null }] }
					: { type: 'item', content: chunk, metadata },
			);
		}
		if (script.failAfter === script.chunks.length) return fail();
		if (openAi) response.write('data: [DONE]\n\n');
		else line({ type: 'end', metadata });
		response.end();
	}
}
