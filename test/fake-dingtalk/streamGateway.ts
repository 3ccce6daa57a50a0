import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { WebSocket, WebSocketServer, type RawData } from 'ws';

import type { FakeExtension, Reply, Route } from './routing';

/**
 * A loopback stand-in for DingTalk's Stream gateway: POST /v1.0/gateway/connections/open hands
 * out a single-use ticket valid 90 s, and a WebSocket endpoint accepts it once. Frames are built
 * here independently of the node's code, exactly as the protocol notes give them: header values
 * are strings, `data` is a JSON string. Events not ACKed with SUCCESS are pushed again after
 * `redeliverAfterMs`; robot messages and card callbacks are pushed once.
 *
 * Run it alone with `start()`, or also serve connections/open from a FakeDingTalk with
 * `fake.use(gateway)` (the WebSocket endpoint stays on the gateway's own port).
 */

export const GATEWAY_OPEN_PATH = '/v1.0/gateway/connections/open';
export const GATEWAY_CONNECT_PATH = '/connect';
/** Where {@link FakeStreamGateway.redirectOpens} points; requests there are only recorded. */
export const GATEWAY_MOVED_PATH = '/moved/v1.0/gateway/connections/open';
export const ROBOT_MESSAGE_TOPIC = '/v1.0/im/bot/messages/get';
export const CARD_CALLBACK_TOPIC = '/v1.0/card/instances/callback';

export interface FakeStreamApp {
	clientId: string;
	clientSecret: string;
}

export interface FakeStreamGatewayOptions {
	apps?: FakeStreamApp[];
	/** Clock for tickets and records. Default Date.now. */
	now?: () => number;
	/** Ticket lifetime. Default 90 000 ms. */
	ticketTtlMs?: number;
	/** Push an un-ACKed (or LATER) event again after this long; undefined turns it off. */
	redeliverAfterMs?: number;
	/** Redeliveries of one event at most. Default 3. */
	maxRedeliveries?: number;
	/** After disconnect(), the socket is closed this much later. Default 10 000 ms, as DingTalk. */
	disconnectCloseMs?: number;
	/**
	 * Send every live connection a SYSTEM ping this often, as DingTalk keeps a healthy connection
	 * alive; undefined (the default) sends none, so a test sees only the frames it pushed.
	 */
	pingEveryMs?: number;
}

export interface FakeStreamSubscription {
	type: string;
	topic: string;
}

/** One POST to connections/open and what the gateway answered. */
export interface RecordedOpen {
	body: unknown;
	status: number;
	response: unknown;
	at: number;
}

/** A request that followed a redirect of connections/open to {@link GATEWAY_MOVED_PATH}. */
export interface RecordedRedirected {
	method: string;
	body: string;
}

/** A frame the client sent, recorded per messageId. */
export interface RecordedAck {
	connectionId: string;
	code: unknown;
	headers: Record<string, unknown>;
	message: unknown;
	data: unknown;
	at: number;
}

export interface StreamFrameSent {
	specVersion: '1.0';
	type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
	headers: Record<string, string>;
	data: string;
}

export interface FakeStreamConnection {
	id: string;
	clientId: string;
	subscriptions: FakeStreamSubscription[];
	socket: WebSocket;
	openedAt: number;
	/** disconnect() was sent: no more pushes go to this connection. */
	draining: boolean;
	closed: boolean;
	/** Every frame pushed to it, in order. */
	sent: StreamFrameSent[];
	/** Text frames received that were not JSON objects with a messageId header. */
	unreadable: string[];
}

export interface PushOptions {
	/** Connection to push to; default the newest open one subscribed to the topic. */
	connectionId?: string;
	messageId?: string;
}

export interface FakeStreamEvent {
	eventType: string;
	eventId?: string;
	eventBornTime?: number;
	eventCorpId?: string;
	/** The event's own fields, the frame's `data`. */
	data?: Record<string, unknown>;
}

interface IssuedTicket {
	clientId: string;
	subscriptions: FakeStreamSubscription[];
	issuedAt: number;
	used: boolean;
}

interface PendingEvent {
	messageId: string;
	extraHeaders: Record<string, string>;
	data: string;
	redeliveries: number;
	timer?: NodeJS.Timeout;
	done: boolean;
}

const FRAME_TYPES = ['EVENT', 'CALLBACK', 'SYSTEM'];

export class FakeStreamGateway implements FakeExtension {
	readonly opens: RecordedOpen[] = [];
	readonly connections: FakeStreamConnection[] = [];
	/** Tickets presented at the WebSocket endpoint and refused (unknown, used, expired). */
	readonly refusedTickets: string[] = [];
	/** Requests that followed a redirect of connections/open (a client must not). */
	readonly redirected: RecordedRedirected[] = [];

	private readonly apps = new Map<string, FakeStreamApp>();
	private readonly now: () => number;
	private readonly ticketTtlMs: number;
	private readonly redeliverAfterMs?: number;
	private readonly maxRedeliveries: number;
	private readonly disconnectCloseMs: number;
	private readonly pingEveryMs?: number;
	private pinger?: NodeJS.Timeout;
	private readonly tickets = new Map<string, IssuedTicket>();
	private readonly acks = new Map<string, RecordedAck[]>();
	private readonly pendingEvents = new Map<string, PendingEvent>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly ackWaiters: Array<{ messageId: string; resolve: (ack: RecordedAck) => void }> =
		[];
	private readonly connectionWaiters: Array<{
		count: number;
		resolve: (connection: FakeStreamConnection) => void;
	}> = [];
	private refusals: number[] = [];
	private endpointOverrides: string[] = [];
	private redirects: number[] = [];
	private server?: Server;
	private wss?: WebSocketServer;
	private url?: string;

	constructor(options: FakeStreamGatewayOptions = {}) {
		this.now = options.now ?? Date.now;
		this.ticketTtlMs = options.ticketTtlMs ?? 90_000;
		this.redeliverAfterMs = options.redeliverAfterMs;
		this.maxRedeliveries = options.maxRedeliveries ?? 3;
		this.disconnectCloseMs = options.disconnectCloseMs ?? 10_000;
		this.pingEveryMs = options.pingEveryMs;
		for (const app of options.apps ?? []) this.addApp(app);
	}

	/** `http://127.0.0.1:PORT`; connections/open is served here. Throws before start(). */
	get baseUrl(): string {
		if (!this.url) throw new Error('FakeStreamGateway is not started');
		return this.url;
	}

	/** The WebSocket endpoint connections/open answers. */
	get endpoint(): string {
		return `${this.baseUrl.replace(/^http/, 'ws')}${GATEWAY_CONNECT_PATH}`;
	}

	addApp(app: FakeStreamApp): void {
		if (!app.clientId || !app.clientSecret) {
			throw new Error('A fake Stream app needs a clientId and clientSecret');
		}
		this.apps.set(app.clientId, { ...app });
	}

	/** The next `times` connections/open requests are refused with `status`, whatever they hold. */
	refuseOpens(status: 401 | 403, times = 1): void {
		for (let index = 0; index < times; index++) this.refusals.push(status);
	}

	/**
	 * The next connections/open answers hand out these endpoints (a valid ticket each) instead of
	 * the gateway's own: a malformed, plaintext or foreign endpoint as a broken or hostile gateway
	 * would answer. `{port}` is replaced by the gateway's port.
	 */
	answerEndpoints(...endpoints: string[]): void {
		this.endpointOverrides.push(...endpoints);
	}

	/** The next `times` connections/open requests are answered with a redirect to the moved path. */
	redirectOpens(status: 301 | 302 | 307 | 308, times = 1): void {
		for (let index = 0; index < times; index++) this.redirects.push(status);
	}

	async start(port = 0): Promise<string> {
		if (this.server) throw new Error('FakeStreamGateway is already started');
		const wss = new WebSocketServer({ noServer: true });
		const server = createServer((request, response) => {
			this.handleHttp(request, response).catch((error: Error) => {
				if (!response.headersSent)
					writeReply(response, { status: 500, json: { message: error.message } });
			});
		});
		server.on('upgrade', (request, socket, head) => this.handleUpgrade(request, socket, head));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.server = server;
		this.wss = wss;
		this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		if (this.pingEveryMs) {
			this.pinger = setInterval(() => {
				for (const connection of this.liveConnections()) this.ping({ connectionId: connection.id });
			}, this.pingEveryMs);
			this.pinger.unref();
		}
		return this.url;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		clearInterval(this.pinger);
		this.pinger = undefined;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const pending of this.pendingEvents.values()) {
			if (pending.timer) clearTimeout(pending.timer);
		}
		this.pendingEvents.clear();
		for (const connection of this.connections) connection.socket.terminate();
		this.wss?.close();
		this.server = undefined;
		this.wss = undefined;
		this.url = undefined;
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	/** For `FakeDingTalk.use()`: serves connections/open there too. */
	routes(): Route[] {
		return [
			{
				path: GATEWAY_OPEN_PATH,
				handle: (context) => this.open(context.method, context.rawBody.toString('utf8')),
			},
			{
				path: GATEWAY_MOVED_PATH,
				handle: (context) => this.moved(context.method, context.rawBody.toString('utf8')),
			},
		];
	}

	reset(): void {
		this.opens.length = 0;
		this.refusals = [];
		this.endpointOverrides = [];
		this.redirects = [];
		this.redirected.length = 0;
		this.acks.clear();
		this.refusedTickets.length = 0;
	}

	/** Connections whose socket is open and that did not get a disconnect. */
	liveConnections(): FakeStreamConnection[] {
		return this.connections.filter((connection) => !connection.closed && !connection.draining);
	}

	/** Every frame the client sent with this messageId, in order. */
	acksFor(messageId: string): RecordedAck[] {
		return this.acks.get(messageId) ?? [];
	}

	/** Resolves with the first ACK for `messageId` (at once when one is already recorded). */
	waitForAck(messageId: string, timeoutMs = 5000): Promise<RecordedAck> {
		const known = this.acksFor(messageId)[0];
		if (known) return Promise.resolve(known);
		return withTimeout(
			new Promise<RecordedAck>((resolve) => this.ackWaiters.push({ messageId, resolve })),
			timeoutMs,
			`no ACK for ${messageId}`,
		);
	}

	/** Resolves when the `count`-th connection (1-based, ever opened) is open. */
	waitForConnection(count = 1, timeoutMs = 5000): Promise<FakeStreamConnection> {
		const known = this.connections[count - 1];
		if (known) return Promise.resolve(known);
		return withTimeout(
			new Promise<FakeStreamConnection>((resolve) =>
				this.connectionWaiters.push({ count, resolve }),
			),
			timeoutMs,
			`connection ${count} did not open`,
		);
	}

	/** Pushes a robot @-message (CALLBACK /v1.0/im/bot/messages/get); `body` is the HTTP body. */
	pushRobotMessage(body: Record<string, unknown>, options: PushOptions = {}): string {
		return this.push('CALLBACK', ROBOT_MESSAGE_TOPIC, {}, JSON.stringify(body), options);
	}

	/** Pushes an interactive-card callback. */
	pushCardCallback(data: Record<string, unknown>, options: PushOptions = {}): string {
		return this.push('CALLBACK', CARD_CALLBACK_TOPIC, {}, JSON.stringify(data), options);
	}

	/** Pushes an event (topic `*`, envelope in the headers); redelivered until ACKed SUCCESS. */
	pushEvent(event: FakeStreamEvent, options: PushOptions = {}): string {
		const headers: Record<string, string> = {
			eventType: event.eventType,
			eventId: event.eventId ?? randomBytes(16).toString('hex'),
			eventBornTime: String(event.eventBornTime ?? this.now()),
			eventCorpId: event.eventCorpId ?? 'dingfakecorp',
			eventUnifiedAppId: 'fake-unified-app',
		};
		return this.push('EVENT', '*', headers, JSON.stringify(event.data ?? {}), options);
	}

	/** Sends a SYSTEM ping; the client must echo `data` with the same messageId. */
	ping(options: PushOptions & { opaque?: string } = {}): string {
		const opaque = options.opaque ?? randomUUID();
		return this.push('SYSTEM', 'ping', {}, JSON.stringify({ opaque }), options);
	}

	/**
	 * Sends a SYSTEM disconnect, stops pushing to that connection, and closes its socket
	 * `disconnectCloseMs` later.
	 */
	disconnect(options: PushOptions & { reason?: string } = {}): FakeStreamConnection {
		const connection = this.pick('SYSTEM', 'disconnect', options.connectionId);
		const reason = options.reason ?? 'connection is expired';
		this.send(
			connection,
			'SYSTEM',
			'disconnect',
			{},
			JSON.stringify({ reason }),
			options.messageId,
		);
		connection.draining = true;
		this.later(this.disconnectCloseMs, () => {
			if (!connection.closed) connection.socket.close(1000, 'disconnect');
		});
		return connection;
	}

	/** Closes a connection abruptly, without a close frame. */
	drop(options: { connectionId?: string } = {}): FakeStreamConnection {
		const connection = this.pick('SYSTEM', 'drop', options.connectionId);
		connection.socket.terminate();
		return connection;
	}

	/** Sends any text, e.g. a malformed frame, to a connection. */
	sendRaw(text: string, options: { connectionId?: string } = {}): void {
		this.pick('SYSTEM', 'raw', options.connectionId).socket.send(text);
	}

	private push(
		type: StreamFrameSent['type'],
		topic: string,
		extraHeaders: Record<string, string>,
		data: string,
		options: PushOptions,
	): string {
		const connection = this.pick(type, topic, options.connectionId);
		const frame = this.send(connection, type, topic, extraHeaders, data, options.messageId);
		if (type === 'EVENT') {
			const pending: PendingEvent = {
				messageId: frame.headers.messageId,
				extraHeaders,
				data,
				redeliveries: 0,
				done: false,
			};
			this.pendingEvents.set(frame.headers.messageId, pending);
			this.scheduleRedelivery(pending);
		}
		return frame.headers.messageId;
	}

	private send(
		connection: FakeStreamConnection,
		type: StreamFrameSent['type'],
		topic: string,
		extraHeaders: Record<string, string>,
		data: string,
		messageId = `${randomBytes(4).toString('hex')}_${this.now().toString(16)}_${randomBytes(3).toString('hex')}`,
	): StreamFrameSent {
		const frame: StreamFrameSent = {
			specVersion: '1.0',
			type,
			headers: {
				appId: 'fake-app-id',
				connectionId: connection.id,
				contentType: 'application/json',
				messageId,
				time: String(this.now()),
				topic,
				...extraHeaders,
			},
			data,
		};
		connection.sent.push(frame);
		connection.socket.send(JSON.stringify(frame));
		return frame;
	}

	/** The named connection, or the newest live one subscribed to the topic. */
	private pick(type: string, topic: string, connectionId?: string): FakeStreamConnection {
		if (connectionId) {
			const named = this.connections.find((connection) => connection.id === connectionId);
			if (!named || named.closed) throw new Error(`No open Stream connection ${connectionId}`);
			return named;
		}
		const candidates = this.liveConnections().filter(
			(connection) => type === 'SYSTEM' || subscribes(connection.subscriptions, type, topic),
		);
		const newest = candidates[candidates.length - 1];
		if (!newest) throw new Error(`No live Stream connection subscribed to ${type} ${topic}`);
		return newest;
	}

	private scheduleRedelivery(pending: PendingEvent): void {
		const delay = this.redeliverAfterMs;
		if (delay === undefined || pending.redeliveries >= this.maxRedeliveries) return;
		if (pending.timer) clearTimeout(pending.timer);
		pending.timer = setTimeout(() => {
			pending.timer = undefined;
			if (pending.done) return;
			const target = this.liveConnections().find((connection) =>
				subscribes(connection.subscriptions, 'EVENT', '*'),
			);
			pending.redeliveries++;
			if (target) {
				this.send(target, 'EVENT', '*', pending.extraHeaders, pending.data, pending.messageId);
			}
			this.scheduleRedelivery(pending);
		}, delay);
	}

	private later(ms: number, run: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		this.timers.add(timer);
	}

	private async handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const path = (request.url ?? '/').split('?')[0];
		const rawBody = Buffer.concat(chunks).toString('utf8');
		if (path === GATEWAY_MOVED_PATH) {
			writeReply(response, this.moved(request.method ?? '', rawBody));
			return;
		}
		if (path !== GATEWAY_OPEN_PATH) {
			writeReply(response, { status: 404, json: { code: 'NotFound', message: path } });
			return;
		}
		writeReply(response, this.open(request.method ?? '', rawBody));
	}

	/** The redirect target: records what arrived and hands out a working ticket of the first app. */
	private moved(method: string, body: string): Reply {
		this.redirected.push({ method, body });
		const app = [...this.apps.values()][0];
		const ticket = randomUUID();
		if (app) {
			this.tickets.set(ticket, {
				clientId: app.clientId,
				subscriptions: [
					{ type: 'CALLBACK', topic: ROBOT_MESSAGE_TOPIC },
					{ type: 'EVENT', topic: '*' },
				],
				issuedAt: this.now(),
				used: false,
			});
		}
		return { status: 200, json: { endpoint: this.endpoint, ticket } };
	}

	private open(method: string, rawBody: string): Reply {
		let body: unknown;
		const answer = (reply: Reply): Reply => {
			this.opens.push({
				body,
				status: reply.status,
				response: 'json' in reply ? reply.json : undefined,
				at: this.now(),
			});
			return reply;
		};
		try {
			body = JSON.parse(rawBody);
		} catch {
			body = rawBody;
		}
		if (method !== 'POST') return answer(apiError(405, 'MethodNotAllowed', 'Use POST'));
		const redirect = this.redirects.shift();
		if (redirect !== undefined) {
			return answer({
				status: redirect,
				json: { message: 'moved' },
				headers: { Location: GATEWAY_MOVED_PATH },
			});
		}
		const refusal = this.refusals.shift();
		if (refusal === 401) return answer(apiError(401, 'Unauthorized', 'refused by the fake'));
		if (refusal === 403) return answer(apiError(403, 'Forbidden', 'refused by the fake'));
		if (!isObject(body)) return answer(apiError(400, 'InvalidParameter', 'body is not JSON'));
		const app = typeof body.clientId === 'string' ? this.apps.get(body.clientId) : undefined;
		if (!app || body.clientSecret !== app.clientSecret) {
			return answer(apiError(401, 'InvalidAuthentication', 'clientId or clientSecret is wrong'));
		}
		const subscriptions = readSubscriptions(body.subscriptions);
		if (typeof subscriptions === 'string') {
			return answer(apiError(400, 'InvalidParameter', subscriptions));
		}
		const ticket = randomUUID();
		this.tickets.set(ticket, {
			clientId: app.clientId,
			subscriptions,
			issuedAt: this.now(),
			used: false,
		});
		const port = this.url ? new URL(this.url).port : '';
		const endpoint = this.endpointOverrides.shift()?.replace('{port}', port) ?? this.endpoint;
		return answer({ status: 200, json: { endpoint, ticket } });
	}

	private handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const ticketValue = url.searchParams.get('ticket') ?? '';
		const ticket = this.tickets.get(ticketValue);
		const wss = this.wss;
		const valid =
			url.pathname === GATEWAY_CONNECT_PATH &&
			ticket !== undefined &&
			!ticket.used &&
			this.now() - ticket.issuedAt <= this.ticketTtlMs;
		if (!valid || !ticket || !wss) {
			this.refusedTickets.push(ticketValue);
			socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		ticket.used = true;
		wss.handleUpgrade(request, socket, head, (webSocket) => {
			const connection: FakeStreamConnection = {
				id: randomUUID(),
				clientId: ticket.clientId,
				subscriptions: ticket.subscriptions,
				socket: webSocket,
				openedAt: this.now(),
				draining: false,
				closed: false,
				sent: [],
				unreadable: [],
			};
			this.connections.push(connection);
			webSocket.on('message', (data, isBinary) => this.receive(connection, data, isBinary));
			webSocket.on('close', () => {
				connection.closed = true;
			});
			webSocket.on('error', () => {
				connection.closed = true;
			});
			for (const waiter of [...this.connectionWaiters]) {
				if (this.connections.length >= waiter.count) {
					this.connectionWaiters.splice(this.connectionWaiters.indexOf(waiter), 1);
					waiter.resolve(this.connections[waiter.count - 1]);
				}
			}
		});
	}

	private receive(connection: FakeStreamConnection, data: RawData, isBinary: boolean): void {
		const text = rawText(data);
		let frame: unknown;
		try {
			frame = isBinary ? undefined : JSON.parse(text);
		} catch {
			frame = undefined;
		}
		const headers = isObject(frame) && isObject(frame.headers) ? frame.headers : undefined;
		const messageId = headers && typeof headers.messageId === 'string' ? headers.messageId : '';
		if (!isObject(frame) || !headers || !messageId) {
			connection.unreadable.push(text);
			return;
		}
		const ack: RecordedAck = {
			connectionId: connection.id,
			code: frame.code,
			headers,
			message: frame.message,
			data: frame.data,
			at: this.now(),
		};
		const list = this.acks.get(messageId) ?? [];
		list.push(ack);
		this.acks.set(messageId, list);
		const pending = this.pendingEvents.get(messageId);
		if (pending && !pending.done && isEventSuccess(ack)) {
			pending.done = true;
			if (pending.timer) clearTimeout(pending.timer);
			this.pendingEvents.delete(messageId);
		}
		for (const waiter of [...this.ackWaiters]) {
			if (waiter.messageId === messageId) {
				this.ackWaiters.splice(this.ackWaiters.indexOf(waiter), 1);
				waiter.resolve(ack);
			}
		}
	}
}

function subscribes(subscriptions: FakeStreamSubscription[], type: string, topic: string): boolean {
	return subscriptions.some(
		(subscription) =>
			subscription.type === type && (type === 'EVENT' || subscription.topic === topic),
	);
}

/** An event counts as consumed on code 200 with data `{"status":"SUCCESS"}` (a JSON string). */
function isEventSuccess(ack: RecordedAck): boolean {
	if (ack.code !== 200 || typeof ack.data !== 'string') return false;
	try {
		const data = JSON.parse(ack.data) as unknown;
		return isObject(data) && data.status === 'SUCCESS';
	} catch {
		return false;
	}
}

function readSubscriptions(value: unknown): FakeStreamSubscription[] | string {
	if (!Array.isArray(value) || value.length === 0) return 'subscriptions must be a non-empty array';
	const subscriptions: FakeStreamSubscription[] = [];
	for (const entry of value) {
		if (!isObject(entry) || typeof entry.type !== 'string' || typeof entry.topic !== 'string') {
			return 'each subscription needs a type and a topic (strings)';
		}
		if (!FRAME_TYPES.includes(entry.type)) return `unknown subscription type ${entry.type}`;
		if (!entry.topic) return 'a subscription topic is empty';
		if (entry.type === 'EVENT' && entry.topic !== '*') return 'an EVENT subscription takes topic *';
		subscriptions.push({ type: entry.type, topic: entry.topic });
	}
	return subscriptions;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function rawText(data: RawData): string {
	if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
	if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
	return data.toString('utf8');
}

function apiError(status: number, code: string, message: string): Reply {
	return { status, json: { code, message, requestid: randomUUID() } };
}

function writeReply(response: ServerResponse, reply: Reply): void {
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

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`Timed out: ${what}`)), ms);
		promise.then(
			(value) => {
				clearTimeout(timer);
				resolve(value);
			},
			(error: Error) => {
				clearTimeout(timer);
				reject(error);
			},
		);
	});
}
