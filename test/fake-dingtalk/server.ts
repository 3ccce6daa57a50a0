import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { throttleErrors } from './errors';
import { normalizeRemoteAddress } from './ipAllowList';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rateLimit';
import { robotSendRoutes } from './robotSend';
import { sandboxExtension } from './sandbox';
import type { FakeExtension, FakeState, Reply, RequestContext, Route } from './routing';
import type {
	Fault,
	FakeDingTalkOptions,
	FakeRobot,
	ReceivedMessage,
	RecordedRequest,
} from './types';

/**
 * A loopback stand-in for oapi.dingtalk.com that enforces what DingTalk enforces: wrong requests
 * get the errcode DingTalk would answer (always HTTP 200 with `{errcode, errmsg}`).
 * `GET /health` answers 200 and is neither recorded nor subject to injected faults.
 */
export class FakeDingTalk {
	readonly received: ReceivedMessage[] = [];
	readonly requests: RecordedRequest[] = [];

	private readonly now: () => number;
	private readonly state: FakeState;
	private readonly routes: Route[];
	private readonly faults: Fault[] = [];
	private readonly extensions: FakeExtension[] = [];
	private readonly pendingDelays = new Map<NodeJS.Timeout, () => void>();
	private server?: Server;
	private url?: string;

	constructor(options: FakeDingTalkOptions = {}) {
		this.now = options.now ?? Date.now;
		const throttleErrcode = options.throttleErrcode ?? 130101;
		const throttleError = throttleErrors[throttleErrcode];
		if (!throttleError) {
			throw new Error(`throttleErrcode must be one of ${Object.keys(throttleErrors).join(', ')}`);
		}
		this.state = {
			robots: new Map(),
			sessions: new Map(),
			received: this.received,
			rateLimiter: new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT),
			throttleError,
			bannedWords: options.bannedWords ?? [],
			acceptedMsgUuids: new Map(),
		};
		for (const robot of options.robots ?? []) this.addRobot(robot);
		this.routes = [
			{
				path: '/health',
				methods: ['GET', 'HEAD'],
				quiet: true,
				handle: () => ({ status: 200, json: { status: 'ok' } }),
			},
			...robotSendRoutes(this.state),
			// Further endpoints (enterprise-app OpenAPI, a web page) plug in through use().
		];
		if (options.sandbox) this.use(sandboxExtension(this, options.sandbox));
	}

	/** Base URL such as `http://127.0.0.1:PORT`; throws before start(). */
	get baseUrl(): string {
		if (!this.url) throw new Error('FakeDingTalk is not started');
		return this.url;
	}

	async start(port = 0): Promise<string> {
		if (this.server) throw new Error('FakeDingTalk is already started');
		const server = createServer((request, response) => {
			this.handle(request, response).catch((error: Error) => {
				if (!response.headersSent) send(response, { status: 500, json: { error: error.message } });
			});
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.server = server;
		this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		for (const [timer, finish] of this.pendingDelays) {
			clearTimeout(timer);
			finish();
		}
		this.pendingDelays.clear();
		this.server = undefined;
		this.url = undefined;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	/** Adds a robot, or replaces the robot with the same token. */
	addRobot(robot: FakeRobot): void {
		if (!robot.token) throw new Error('A fake robot needs a token');
		this.state.robots.set(robot.token, { ...robot });
	}

	/** Registers a sessionWebhook valid until `expiresAt` (by the fake's clock) and returns its URL. */
	addSession(expiresAt: number, id: string = randomBytes(16).toString('hex')): string {
		this.state.sessions.set(id, { id, expiresAt });
		return `${this.baseUrl}/robot/sendBySession?session=${encodeURIComponent(id)}`;
	}

	/** Adds the routes of an extension; a path may be served by one route only. */
	use(extension: FakeExtension): this {
		const routes = extension.routes();
		for (const route of routes) {
			if (this.routes.some((existing) => existing.path === route.path)) {
				throw new Error(`FakeDingTalk already serves ${route.path}`);
			}
		}
		this.routes.push(...routes);
		this.extensions.push(extension);
		return this;
	}

	injectFaults(...faults: Fault[]): void {
		this.faults.push(...faults);
	}

	/** Clears received messages, recorded requests, rate-limit state, msgUuids and pending faults. Keeps robots and sessions. */
	reset(): void {
		this.received.length = 0;
		this.requests.length = 0;
		this.faults.length = 0;
		this.state.rateLimiter.reset();
		this.state.acceptedMsgUuids.clear();
		for (const extension of this.extensions) extension.reset?.();
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const rawBody = await readBody(request);
		const { path, rawQuery } = splitUrl(request.url ?? '/');
		const route =
			this.routes.find((candidate) => candidate.path === path) ??
			this.routes.find((candidate) => candidate.prefix && path.startsWith(candidate.path));
		if (route?.quiet && route.methods?.includes(request.method ?? '')) {
			send(response, await route.handle(this.context(request, path, rawQuery, rawBody)));
			return;
		}

		const record: RecordedRequest = {
			method: request.method ?? '',
			path,
			query: parseQuery(rawQuery),
			headers: { ...request.headers },
			rawBody: rawBody.toString('utf8'),
			response: undefined,
			status: 0,
			at: this.now(),
		};
		const reply = (answer: Reply): void => {
			record.status = answer.status;
			record.response = 'json' in answer ? answer.json : answer.text;
			this.requests.push(record);
			send(response, answer);
		};

		const fault = this.faults.shift();
		if (fault && 'drop' in fault) {
			this.requests.push(record);
			request.socket.destroy();
			return;
		}
		if (fault && 'errcode' in fault) {
			return reply({ status: 200, json: { errcode: fault.errcode, errmsg: fault.errmsg } });
		}
		if (fault && 'status' in fault) {
			const body = fault.body ?? '';
			return reply({ status: fault.status, text: body, contentType: guessContentType(body) });
		}
		if (fault && 'delayMs' in fault) {
			const server = this.server;
			await this.delay(fault.delayMs);
			if (this.server !== server) return; // stopped while delayed; the socket is gone
		}

		if (!route) return reply({ status: 404, json: { error: 'Not Found', path } });
		if (route.methods && !route.methods.includes(record.method)) {
			return reply({ status: 405, json: { error: 'Method Not Allowed', path } });
		}
		return reply(await route.handle(this.context(request, path, rawQuery, rawBody)));
	}

	private context(
		request: IncomingMessage,
		path: string,
		rawQuery: string,
		rawBody: Buffer,
	): RequestContext {
		return {
			method: request.method ?? '',
			path,
			query: parseQuery(rawQuery),
			headers: request.headers,
			rawBody,
			remoteAddress: normalizeRemoteAddress(request.socket.remoteAddress),
			now: this.now(),
		};
	}

	private delay(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.pendingDelays.delete(timer);
				resolve();
			}, ms);
			this.pendingDelays.set(timer, resolve);
		});
	}
}

function splitUrl(url: string): { path: string; rawQuery: string } {
	const queryStart = url.indexOf('?');
	return queryStart === -1
		? { path: url, rawQuery: '' }
		: { path: url.slice(0, queryStart), rawQuery: url.slice(queryStart + 1) };
}

/** Decodes the query string exactly once; for a repeated parameter the first value wins. */
function parseQuery(rawQuery: string): Record<string, string> {
	const query: Record<string, string> = {};
	for (const [name, value] of new URLSearchParams(rawQuery)) {
		if (!(name in query)) query[name] = value;
	}
	return query;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

function send(response: ServerResponse, reply: Reply): void {
	const [body, contentType] =
		'json' in reply
			? [JSON.stringify(reply.json), 'application/json;charset=utf-8']
			: [reply.text, reply.contentType];
	response.writeHead(reply.status, {
		...reply.headers,
		'Content-Type': contentType,
		'Content-Length': Buffer.byteLength(body),
	});
	response.end(body);
}

function guessContentType(body: string): string {
	try {
		JSON.parse(body);
		return 'application/json;charset=utf-8';
	} catch {
		return 'text/plain;charset=utf-8';
	}
}
