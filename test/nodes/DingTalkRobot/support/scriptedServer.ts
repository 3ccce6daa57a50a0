import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
	method: string;
	/** The request-target as it arrived: path and query. */
	target: string;
	headers: IncomingMessage['headers'];
	body: string;
}

type Answer = (request: SeenRequest, response: ServerResponse) => void;

/**
 * A loopback HTTP server that records every request and answers as the test scripts it: a
 * redirect, a proxy's error page, anything a real server in front of DingTalk could send.
 */
export class ScriptedServer {
	readonly seen: SeenRequest[] = [];

	private server?: Server;

	private address?: string;

	constructor(private answer: Answer = (_request, response) => response.end('{}')) {}

	get baseUrl(): string {
		if (!this.address) throw new Error('ScriptedServer is not started');
		return this.address;
	}

	answerWith(answer: Answer) {
		this.answer = answer;
	}

	async start(): Promise<void> {
		this.server = createServer((incoming, response) => {
			const chunks: Buffer[] = [];
			incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
			incoming.on('end', () => {
				const request: SeenRequest = {
					method: incoming.method ?? '',
					target: incoming.url ?? '',
					headers: incoming.headers,
					body: Buffer.concat(chunks).toString('utf8'),
				};
				this.seen.push(request);
				this.answer(request, response);
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.address = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
}

/** Starts a scripted server per test file and clears what it saw before each test. */
export function useScriptedServer(): () => ScriptedServer {
	const server = new ScriptedServer();
	beforeAll(async () => await server.start());
	afterAll(async () => await server.stop());
	beforeEach(() => {
		server.seen.length = 0;
		server.answerWith((_request, response) => response.end('{}'));
	});
	return () => server;
}

/** An answer that redirects every request to the same path and query on `location`. */
export function redirectTo(location: () => string, status = 307): Answer {
	return (request, response) => {
		response.writeHead(status, { Location: `${location()}${request.target}` });
		response.end();
	};
}
