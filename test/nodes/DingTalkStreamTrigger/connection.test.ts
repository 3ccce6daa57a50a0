import { createServer, type AddressInfo, type Socket } from 'node:net';

import { WebSocket } from 'ws';

import {
	StreamConnection,
	type StreamConnectionEvent,
	type StreamConnectionOptions,
	type StreamSocketConstructor,
} from '../../../nodes/DingTalkStreamTrigger/connection';
import {
	streamCallbackAck,
	streamEventAck,
	type ParsedStreamFrame,
	type StreamConnectionTicket,
} from '../../../nodes/DingTalkStreamTrigger/frames';
import { MAX_BODY_BYTES } from '../../../nodes/shared/limits';
import { FakeStreamGateway } from '../../fake-dingtalk/streamGateway';
import { requestTestTicket, until } from './streamTestSetup';

const app = { clientId: 'dingstreamapp', clientSecret: 'stream-secret' };
// ws implements the browser-style API the connection uses; its overloads just do not unify.
const SocketClass = WebSocket as unknown as StreamSocketConstructor;
// Node 22+, or Node 20 with --experimental-websocket.
const GlobalWebSocket = (globalThis as { WebSocket?: StreamSocketConstructor }).WebSocket;

describe('StreamConnection against the fake gateway', () => {
	let gateway: FakeStreamGateway;
	let connection: StreamConnection | undefined;
	let events: StreamConnectionEvent[];
	let frames: ParsedStreamFrame[];
	let opens: number;

	beforeEach(async () => {
		gateway = new FakeStreamGateway({ apps: [app], disconnectCloseMs: 5000 });
		await gateway.start();
		events = [];
		frames = [];
		opens = 0;
	});

	afterEach(async () => {
		await connection?.stop();
		connection = undefined;
		await gateway.stop();
	});

	async function openConnection(signal: AbortSignal): Promise<StreamConnectionTicket> {
		opens++;
		return await requestTestTicket(
			gateway.baseUrl,
			app,
			['robotMessages', 'events', 'cardCallbacks'],
			signal,
		);
	}

	function startConnection(overrides: Partial<StreamConnectionOptions> = {}): StreamConnection {
		connection = new StreamConnection({
			openConnection,
			WebSocket: SocketClass,
			onFrame: (parsed) => {
				frames.push(parsed);
				if (parsed.kind === 'event')
					return streamEventAck(parsed.frame.headers.messageId, 'SUCCESS');
				return streamCallbackAck(parsed.frame.headers.messageId);
			},
			onEvent: (event) => events.push(event),
			backoff: { initialMs: 20, maxMs: 80, random: () => 0 },
			...overrides,
		});
		void connection.start();
		return connection;
	}

	it('hands a robot message to onFrame and sends its ACK', async () => {
		startConnection();
		await gateway.waitForConnection(1);
		const messageId = gateway.pushRobotMessage({
			msgId: 'm1',
			msgtype: 'text',
			text: { content: 'hi' },
		});
		const ack = await gateway.waitForAck(messageId);
		expect(ack).toMatchObject({ code: 200, data: '{"response":null}' });
		expect(frames).toHaveLength(1);
		expect(frames[0]).toMatchObject({ kind: 'robotMessage', message: { msgId: 'm1' } });
		expect(events[0]).toMatchObject({ type: 'connected' });
	});

	it('answers a ping by itself, echoing the data', async () => {
		startConnection();
		await gateway.waitForConnection(1);
		const messageId = gateway.ping({ opaque: 'abc-1' });
		const ack = await gateway.waitForAck(messageId);
		expect(ack).toMatchObject({ code: 200, data: '{"opaque":"abc-1"}' });
		expect(frames).toHaveLength(0);
	});

	it('answers LATER when onFrame fails for an event, and 500 for a callback', async () => {
		startConnection({
			onFrame: () => {
				throw new Error('workflow could not start');
			},
		});
		await gateway.waitForConnection(1);
		const eventId = gateway.pushEvent({ eventType: 'user_add_org' });
		const eventAck = await gateway.waitForAck(eventId);
		expect(eventAck.code).toBe(500);
		// DingTalk gets a fixed text; the detail (paths, internals) goes to the log only.
		expect(JSON.parse(eventAck.data as string)).toEqual({
			status: 'LATER',
			message: 'the workflow could not be started',
		});
		const callbackId = gateway.pushRobotMessage({ msgId: 'x' });
		const callbackAck = await gateway.waitForAck(callbackId);
		expect(callbackAck.code).toBe(500);
		expect(JSON.stringify([eventAck, callbackAck])).not.toContain('workflow could not start');
		expect(events).toContainEqual({ type: 'problem', message: 'workflow could not start' });
	});

	it('treats a WebSocket constructor that throws as a failed attempt: logs it and retries', async () => {
		let constructed = 0;
		let ticket = '';
		class RefusingOnce extends WebSocket {
			constructor(url: string) {
				if (constructed++ === 0) {
					ticket = new URL(url).searchParams.get('ticket') ?? '';
					throw new SyntaxError(`The URL contains a fragment identifier: ${url}`);
				}
				super(url);
			}
		}
		const running = startConnection({
			WebSocket: RefusingOnce as unknown as StreamSocketConstructor,
		});
		let rejected: unknown;
		running.start().catch((error: unknown) => (rejected = error));
		await until(() => events.some((event) => event.type === 'connected'));
		expect(opens).toBe(2);
		expect(events).toContainEqual({
			type: 'problem',
			message: expect.stringContaining('The URL contains a fragment identifier'),
		});
		expect(events.map((event) => event.type)).toEqual(['problem', 'retrying', 'connected']);
		expect(rejected).toBeUndefined();
		// The one-time ticket is in the URL the error may quote: never in the log.
		expect(ticket.length).toBeGreaterThan(10);
		expect(JSON.stringify(events)).not.toContain(ticket);
	});

	it('refuses a frame over 1 MB, as it arrives, with a 400 ACK and a logged reason', async () => {
		startConnection();
		await gateway.waitForConnection(1);
		const frame = (messageId: string, pad: string) =>
			JSON.stringify({
				specVersion: '1.0',
				type: 'CALLBACK',
				headers: { messageId, topic: '/v1.0/im/bot/messages/get' },
				data: JSON.stringify({ msgId: messageId, pad }),
			});
		gateway.sendRaw(frame('big-1', 'x'.repeat(MAX_BODY_BYTES)));
		// Under 1 MB in characters, over it in UTF-8 bytes.
		gateway.sendRaw(frame('big-2', 'é'.repeat(MAX_BODY_BYTES / 2 + 10)));
		for (const messageId of ['big-1', 'big-2']) {
			const ack = await gateway.waitForAck(messageId);
			expect(ack.code).toBe(400);
			expect(String(ack.message)).toMatch(/larger than 1 MB/);
		}
		expect(frames).toHaveLength(0);
		expect(events).toContainEqual({
			type: 'problem',
			message: expect.stringMatching(/Stream frame of \d+ bytes is larger than 1 MB/),
		});
		// A binary frame is measured before it is decoded, and answered too.
		gateway
			.liveConnections()[0]
			.socket.send(Buffer.from(frame('big-3', 'x'.repeat(MAX_BODY_BYTES))));
		expect((await gateway.waitForAck('big-3')).code).toBe(400);
		// Just under the bound still goes through.
		gateway.sendRaw(frame('fits', 'x'.repeat(MAX_BODY_BYTES - 200)));
		expect((await gateway.waitForAck('fits')).code).toBe(200);
		expect(frames).toHaveLength(1);
	});

	it('clips a received value it echoes into a problem or an ACK', async () => {
		startConnection();
		await gateway.waitForConnection(1);
		gateway.sendRaw(
			JSON.stringify({
				specVersion: '1.0',
				type: 'T'.repeat(100_000),
				headers: { messageId: 'long-type', topic: 'x' },
				data: '{}',
			}),
		);
		gateway.sendRaw(
			JSON.stringify({
				specVersion: '1.0',
				type: 'CALLBACK',
				headers: { messageId: 'long-ct', topic: 'x', contentType: 'c'.repeat(100_000) },
				data: '{}',
			}),
		);
		for (const messageId of ['long-type', 'long-ct']) {
			const ack = await gateway.waitForAck(messageId);
			expect(ack.code).toBe(400);
			expect(JSON.stringify(ack).length).toBeLessThan(600);
		}
		const problems = events.filter((event) => event.type === 'problem');
		expect(problems).toHaveLength(2);
		for (const problem of problems) expect(JSON.stringify(problem).length).toBeLessThan(300);
	});

	it('keeps working when the onEvent listener throws', async () => {
		startConnection({
			onEvent: () => {
				throw new Error('listener broke');
			},
		});
		await gateway.waitForConnection(1);
		gateway.sendRaw('not a frame');
		gateway.drop();
		await gateway.waitForConnection(2);
		const messageId = gateway.pushRobotMessage({ msgId: 'still' });
		expect((await gateway.waitForAck(messageId)).code).toBe(200);
	});

	it('answers 400 to a frame it cannot read but that has a messageId', async () => {
		startConnection();
		await gateway.waitForConnection(1);
		gateway.sendRaw(
			JSON.stringify({
				specVersion: '1.0',
				type: 'CALLBACK',
				headers: { messageId: 'bad-1', topic: '/v1.0/im/bot/messages/get' },
				data: { not: 'a string' },
			}),
		);
		expect((await gateway.waitForAck('bad-1')).code).toBe(400);
		expect(frames).toHaveLength(0);
	});

	it('on disconnect opens the new connection before closing the old one', async () => {
		const log: string[] = [];
		let count = 0;
		class RecordingSocket extends WebSocket {
			private readonly index = ++count;
			constructor(url: string) {
				super(url);
				log.push(`new ${this.index}`);
				this.addEventListener('open', () => log.push(`open ${this.index}`));
			}
			close(code?: number, reason?: string): void {
				log.push(`close ${this.index}`);
				super.close(code, reason);
			}
		}
		startConnection({ WebSocket: RecordingSocket as unknown as StreamSocketConstructor });
		const first = await gateway.waitForConnection(1);
		gateway.disconnect();
		const second = await gateway.waitForConnection(2);
		// The old socket is still open when the new one is accepted...
		expect(first.closed).toBe(false);
		// ...and closed by the client right after, long before the gateway's 5 s.
		await until(() => first.closed);
		expect(second.closed).toBe(false);
		expect(opens).toBe(2);
		const disconnectId = first.sent[0].headers.messageId;
		expect(gateway.acksFor(disconnectId)).toHaveLength(1);
		gateway.pushRobotMessage({ msgId: 'after' });
		await until(() => frames.length === 1);
		expect(log.slice(0, 4)).toEqual(['new 1', 'open 1', 'new 2', 'open 2']);
		expect(log.indexOf('close 1')).toBeGreaterThan(log.indexOf('open 2'));
		expect(events).toContainEqual({ type: 'closed', reason: 'disconnect' });
		expect(events.filter((event) => event.type === 'retrying')).toHaveLength(0);
	});

	it('reconnects with back-off after an abrupt drop', async () => {
		startConnection();
		await gateway.waitForConnection(1);
		gateway.drop();
		await gateway.waitForConnection(2);
		expect(events).toContainEqual({ type: 'closed', reason: 'closed' });
		expect(events).toContainEqual({ type: 'retrying', attempt: 0, delayMs: 20 });
	});

	it('backs off longer after each refused connections/open, then connects', async () => {
		gateway.refuseOpens(401, 3);
		startConnection();
		await gateway.waitForConnection(1);
		const delays = events
			.filter(
				(event): event is Extract<StreamConnectionEvent, { type: 'retrying' }> =>
					event.type === 'retrying',
			)
			.map((event) => event.delayMs);
		// random 0 gives the floor of each window: 20, 40, then max/2.
		expect(delays).toEqual([20, 40, 40]);
		expect(opens).toBe(4);
		expect(gateway.opens.map((open) => open.status)).toEqual([401, 401, 401, 200]);
		expect(events.filter((event) => event.type === 'problem')).toHaveLength(3);
	});

	it('ends the loop without retrying when isFatal says so', async () => {
		gateway.refuseOpens(401, 5);
		const running = startConnection({
			isFatal: (error) => String((error as Error).message).includes('401'),
		});
		await running.start();
		expect(opens).toBe(1);
		expect(events.map((event) => event.type)).toEqual(['fatal']);
		expect(gateway.connections).toHaveLength(0);
	});

	it('reconnects when no frame arrives within the watchdog time', async () => {
		startConnection({ watchdogMs: 150 });
		const first = await gateway.waitForConnection(1);
		const started = Date.now();
		await gateway.waitForConnection(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(100);
		await until(() => first.closed);
		expect(events).toContainEqual({ type: 'closed', reason: 'watchdog' });
	});

	// A connection that stayed open a whole watchdog time is no tight loop: the next one comes
	// after the first back-off step, not a longer one each time (a silent app was unreachable
	// for longer and longer gaps, up to a minute).
	it('reconnects after the first back-off step each time a silent connection times out', async () => {
		startConnection({ watchdogMs: 150 });
		await gateway.waitForConnection(4, 5000);
		const retries = events.filter(
			(event): event is Extract<StreamConnectionEvent, { type: 'retrying' }> =>
				event.type === 'retrying',
		);
		expect(retries.length).toBeGreaterThanOrEqual(3);
		expect(retries.map((event) => event.attempt)).toEqual(retries.map(() => 0));
	});

	it('gives up on a WebSocket handshake that never completes and tries again', async () => {
		const sockets: Socket[] = [];
		const silent = createServer((socket) => sockets.push(socket));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const port = (silent.address() as AddressInfo).port;
		try {
			startConnection({
				watchdogMs: 150,
				openConnection: async () => {
					opens++;
					return { endpoint: `ws://127.0.0.1:${port}/connect`, ticket: 'never-answered' };
				},
			});
			await until(() => opens >= 2);
			expect(events.filter((event) => event.type === 'problem').length).toBeGreaterThanOrEqual(1);
		} finally {
			await connection?.stop();
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => silent.close(resolve));
		}
	});

	it('keeps a connection that gets frames past the watchdog time', async () => {
		startConnection({ watchdogMs: 150 });
		await gateway.waitForConnection(1);
		for (let index = 0; index < 6; index++) {
			gateway.ping();
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		expect(gateway.connections).toHaveLength(1);
	});

	it('makes one connection at a time, even when started twice', async () => {
		const started = startConnection();
		void started.start();
		await gateway.waitForConnection(1);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(gateway.connections).toHaveLength(1);
		expect(opens).toBe(1);
	});

	it('stop() closes the socket and ends the loop', async () => {
		const running = startConnection();
		const first = await gateway.waitForConnection(1);
		await running.stop();
		await until(() => first.closed);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(gateway.connections).toHaveLength(1);
		expect(running.stopped).toBe(true);
	});

	it('stop() aborts a pending back-off wait at once', async () => {
		gateway.refuseOpens(403, 100);
		const running = startConnection({ backoff: { initialMs: 10_000, maxMs: 60_000 } });
		await until(() => events.some((event) => event.type === 'retrying'));
		const before = Date.now();
		await running.stop();
		expect(Date.now() - before).toBeLessThan(500);
		expect(opens).toBe(1);
	});

	(GlobalWebSocket ? it : it.skip)("works with Node's global WebSocket too", async () => {
		startConnection({ WebSocket: GlobalWebSocket! });
		await gateway.waitForConnection(1);
		const messageId = gateway.pushRobotMessage({ msgId: 'g' });
		expect((await gateway.waitForAck(messageId)).data).toBe('{"response":null}');
		const pingId = gateway.ping({ opaque: 'g-1' });
		expect((await gateway.waitForAck(pingId)).data).toBe('{"opaque":"g-1"}');
		gateway.disconnect();
		await gateway.waitForConnection(2);
		await until(() => gateway.connections[0].closed);
		expect(frames.map((frame) => frame.kind)).toEqual(['robotMessage']);
	});
});
