import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback pass-through in front of the fake DingTalk. It records each request-target exactly
 * as it arrived on the wire (the fake only keeps decoded query values, which cannot show whether
 * `sign` was encoded once), and can lose answers: forward the request, let the fake handle it,
 * then drop the connection, like a timeout after DingTalk already posted the message.
 */
export class WireRecorder {
	/** Raw request-targets, e.g. `/robot/send?access_token=...&timestamp=...&sign=...`. */
	readonly targets: string[] = [];

	private server?: Server;
	private answersToLose = 0;
	private url?: string;

	constructor(private readonly upstream: string) {}

	get baseUrl(): string {
		if (!this.url) throw new Error('WireRecorder is not started');
		return this.url;
	}

	/** The next `count` requests reach the fake, but their callers get a dropped connection. */
	loseAnswers(count: number) {
		this.answersToLose += count;
	}

	async start(): Promise<string> {
		const upstream = new URL(this.upstream);
		const server = createServer((incoming, outgoing) => {
			this.targets.push(incoming.url ?? '');
			const loseAnswer = this.answersToLose > 0;
			if (loseAnswer) this.answersToLose -= 1;
			const forward = httpRequest(
				{
					hostname: upstream.hostname,
					port: upstream.port,
					method: incoming.method,
					path: incoming.url,
					headers: { ...incoming.headers, host: upstream.host },
				},
				(answer: IncomingMessage) => {
					if (loseAnswer) {
						answer.resume();
						answer.on('end', () => incoming.socket.destroy());
						return;
					}
					outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(outgoing);
				},
			);
			forward.on('error', () => incoming.socket.destroy());
			incoming.pipe(forward);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		this.server = server;
		this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}
}
