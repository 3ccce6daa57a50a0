import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Sits between n8n and the fake DingTalk and can lose answers: the request reaches the fake (which
 * posts the message), then the connection to n8n is cut before the answer. That is the case where
 * only msgUuid keeps a retry from posting the message twice.
 */
export class LossyProxy {
	/** Answers to lose, one per request, before passing the rest through. */
	loseAnswers = 0;
	lost = 0;
	forwarded = 0;

	private server?: Server;

	constructor(private readonly upstream: string) {}

	async start(): Promise<string> {
		const upstream = new URL(this.upstream);
		const server = createServer((incoming, outgoing) => {
			const chunks: Buffer[] = [];
			incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
			incoming.on('end', () => {
				const body = Buffer.concat(chunks);
				const forward = httpRequest(
					{
						host: upstream.hostname,
						port: upstream.port,
						method: incoming.method,
						path: incoming.url,
						headers: { ...incoming.headers, host: upstream.host, connection: 'close' },
					},
					(answer) => {
						const answerChunks: Buffer[] = [];
						answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
						answer.on('end', () => {
							this.forwarded++;
							if (this.loseAnswers > 0) {
								this.loseAnswers--;
								this.lost++;
								incoming.socket.destroy();
								return;
							}
							outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
							outgoing.end(Buffer.concat(answerChunks));
						});
					},
				);
				// The fake dropped the connection (an injected fault): drop ours too.
				forward.on('error', () => incoming.socket.destroy());
				forward.end(body);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		this.server = server;
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		if (!server) return;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}
}
