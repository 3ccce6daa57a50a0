/**
 * The fault figures of the README: what the Stream engine (connection loop, frame handler and
 * dedupe of the node) does when the network misbehaves. The first and last tests use real
 * sockets against the fake gateway; the timing tests run DingTalk's real delays (1 s to 60 s
 * back-off, 60 s watchdog) on jest's fake clock with an in-memory socket.
 */
import { createHook } from 'node:async_hooks';
import { resolve } from 'node:path';

import { WebSocket as WsWebSocket } from 'ws';

import { backoffDelay } from '../../../nodes/DingTalkStreamTrigger/backoff';
import {
	StreamConnection,
	type StreamConnectionEvent,
	type StreamSocket,
	type StreamSocketConstructor,
} from '../../../nodes/DingTalkStreamTrigger/connection';
import { DingTalkStreamTrigger } from '../../../nodes/DingTalkStreamTrigger/DingTalkStreamTrigger.node';
import { createFrameHandler } from '../../../nodes/DingTalkStreamTrigger/frameHandler';
import { openStreamClients } from '../../../nodes/DingTalkStreamTrigger/openClients';
import { TtlSet } from '../../../nodes/shared/dedupe';
import { FakeStreamGateway } from '../../fake-dingtalk/streamGateway';
import { activateTrigger } from '../../helpers/runTrigger';
import { provideWebSocket, requestTestTicket, restoreWebSocket, until } from './streamTestSetup';

const app = { clientId: 'dingfaultapp', clientSecret: 'fault-secret' };

function report(line: string): void {
	process.stdout.write(`[stream faults] ${line}\n`);
}

describe('Stream faults against the fake gateway', () => {
	it('runs 1,000 events across 20 drops and 5 disconnects once each: 0 lost, 0 duplicated', async () => {
		const gateway = new FakeStreamGateway({
			apps: [app],
			redeliverAfterMs: 200,
			maxRedeliveries: 100,
			disconnectCloseMs: 100,
		});
		await gateway.start();
		const executions = new Map<string, number>();
		const connection = new StreamConnection({
			openConnection: (signal) => requestTestTicket(gateway.baseUrl, app, ['events'], signal),
			WebSocket: WsWebSocket as unknown as StreamSocketConstructor,
			onFrame: createFrameHandler({
				settings: {
					kinds: ['events'],
					robotFilters: { messageTypes: [], chatType: 'all', commandPrefix: '' },
					eventTypes: [],
					dedupeMs: 10 * 60_000,
					includeRaw: false,
				},
				seen: new TtlSet(),
				emit: (item) => {
					const id = String(item.eventId);
					executions.set(id, (executions.get(id) ?? 0) + 1);
				},
			}),
			backoff: { initialMs: 10, maxMs: 100 },
		});
		void connection.start();
		try {
			const total = 1000;
			const drops = new Set(Array.from({ length: 20 }, (_, index) => 25 + index * 48));
			const disconnects = new Set([110, 310, 510, 710, 910]);
			let pushed = 0;
			for (let index = 0; index < total; index++) {
				if (drops.has(index)) {
					// The fake marks a socket closed on its close event; until then it would pick it again.
					const dropped = gateway.drop();
					await until(() => dropped.closed);
				}
				if (disconnects.has(index)) gateway.disconnect();
				await until(() => gateway.liveConnections().length > 0);
				gateway.pushEvent({ eventType: 'user_add_org', eventId: `evt-${index}` });
				pushed++;
				if (index % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
			}
			await until(() => executions.size === total, 30_000);
			// Redeliveries still under way must not start anything more.
			await new Promise((resolve) => setTimeout(resolve, 500));
			const duplicated = [...executions.values()].filter((count) => count > 1).length;
			const redelivered =
				gateway.connections.flatMap((open) => open.sent).filter((frame) => frame.type === 'EVENT')
					.length - pushed;
			report(
				`${pushed} events, 20 drops, 5 disconnects: ${executions.size} executions, ${total - executions.size} lost, ${duplicated} duplicated; ${gateway.opens.length} tickets, ${gateway.connections.length} sockets, ${redelivered} frames redelivered`,
			);
			expect(executions.size).toBe(total);
			expect(duplicated).toBe(0);
			expect(gateway.opens.length).toBeGreaterThanOrEqual(26);
			expect(gateway.connections.length).toBeGreaterThanOrEqual(26);
		} finally {
			await connection.stop();
			await gateway.stop();
		}
	}, 60_000);

	it('leaves no socket, timer or registration behind after 100 activate/deactivate cycles', async () => {
		provideWebSocket();
		const gateway = new FakeStreamGateway({ apps: [app] });
		await gateway.start();
		try {
			const cycle = async () => {
				const trigger = await activateTrigger({
					nodeType: new DingTalkStreamTrigger(),
					typeName: 'n8n-nodes-dingtalk-robot.dingTalkStreamTrigger',
					parameters: { receive: ['events'] },
					credentials: {
						dingTalkAppApi: {
							appKey: app.clientId,
							appSecret: app.clientSecret,
							apiBaseUrl: gateway.baseUrl,
						},
					},
				});
				await trigger.close();
			};
			// Every timer started while the node runs, with the stack that started it; the node's own
			// (back-off, watchdog, handshake waits) name its files.
			const live = new Map<number, string>();
			const hook = createHook({
				init(id: number, type: string) {
					if (type === 'Timeout') live.set(id, new Error().stack ?? '');
				},
				destroy(id: number) {
					live.delete(id);
				},
			});
			hook.enable();
			for (let count = 0; count < 100; count++) await cycle();
			await until(() => gateway.liveConnections().length === 0);
			hook.disable();
			const nodeDir = resolve(__dirname, '../../../nodes/DingTalkStreamTrigger');
			const leftByNode = [...live.values()].filter((stack) => stack.includes(nodeDir));
			report(
				`100 activate/deactivate cycles: ${gateway.connections.length} connections opened, ${gateway.liveConnections().length} left open, ${leftByNode.length} timers of the node left, ${openStreamClients(app.clientId)} registrations left`,
			);
			expect(gateway.connections).toHaveLength(100);
			expect(openStreamClients(app.clientId)).toBe(0);
			expect(leftByNode).toEqual([]);
		} finally {
			await gateway.stop();
			restoreWebSocket();
		}
	}, 60_000);
});

/** A socket that opens at once and then says nothing, unless the test makes it. */
class SilentSocket implements StreamSocket {
	static made: SilentSocket[] = [];
	readyState = 0;
	private readonly listeners = new Map<string, Array<(event: { data?: unknown }) => void>>();

	constructor(readonly url: string) {
		SilentSocket.made.push(this);
		void Promise.resolve().then(() => {
			this.readyState = 1;
			this.fire('open');
		});
	}

	send(): void {}

	close(): void {
		if (this.readyState === 3) return;
		this.readyState = 3;
		this.fire('close');
	}

	addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
		this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
	}

	private fire(type: string, event: { data?: unknown } = {}): void {
		for (const listener of this.listeners.get(type) ?? []) listener(event);
	}
}

describe('Stream timing with the real delays, on a fake clock', () => {
	beforeEach(() => {
		jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
		SilentSocket.made = [];
	});
	afterEach(() => jest.useRealTimers());

	it('spaces connect attempts by the back-off while the gateway is down for 60 s, and recovers within one step', async () => {
		const started = Date.now();
		const downUntil = started + 60_000;
		const attempts: number[] = [];
		const events: StreamConnectionEvent[] = [];
		const connection = new StreamConnection({
			openConnection: async () => {
				attempts.push(Date.now() - started);
				if (Date.now() < downUntil) throw new Error('connect ECONNREFUSED');
				return { endpoint: 'wss://gateway.invalid/connect', ticket: 't' };
			},
			WebSocket: SilentSocket,
			onFrame: () => undefined,
			onEvent: (event) => events.push(event),
			backoff: { random: () => 0.5 },
			watchdogMs: 10 * 60_000,
		});
		void connection.start();
		await jest.advanceTimersByTimeAsync(120_000);
		await connection.stop();
		const failed = attempts.filter((at) => at < 60_000);
		const gaps = attempts.slice(1).map((at, index) => at - attempts[index]);
		const recoveredAfter = attempts[failed.length] - 60_000;
		report(
			`gateway down 60 s: ${failed.length} failed attempts at ${failed.map((at) => `${at / 1000} s`).join(', ')}; connected at ${attempts[failed.length] / 1000} s, ${recoveredAfter / 1000} s after the gateway came back`,
		);
		expect(gaps).toEqual(failed.map((_, attempt) => backoffDelay(attempt, { random: () => 0.5 })));
		expect(failed).toHaveLength(6);
		expect(recoveredAfter).toBeLessThanOrEqual(
			backoffDelay(failed.length - 1, { random: () => 0.5 }),
		);
		expect(SilentSocket.made).toHaveLength(1);
		expect(events.filter((event) => event.type === 'connected')).toHaveLength(1);
	});

	it('replaces a silent socket once the 60 s watchdog has passed', async () => {
		const started = Date.now();
		const connectedAt: number[] = [];
		const connection = new StreamConnection({
			openConnection: async () => ({ endpoint: 'wss://gateway.invalid/connect', ticket: 't' }),
			WebSocket: SilentSocket,
			onFrame: () => undefined,
			onEvent: (event) => {
				if (event.type === 'connected') connectedAt.push(Date.now() - started);
			},
			backoff: { random: () => 0.5 },
		});
		void connection.start();
		await jest.advanceTimersByTimeAsync(59_000);
		expect(SilentSocket.made[0].readyState).toBe(1);
		await jest.advanceTimersByTimeAsync(3_000);
		await connection.stop();
		report(
			`silent socket: closed by the watchdog at 60 s, next connection at ${connectedAt[1] / 1000} s`,
		);
		expect(SilentSocket.made[0].readyState).toBe(3);
		expect(connectedAt[1]).toBeGreaterThanOrEqual(60_000);
		expect(connectedAt[1]).toBeLessThanOrEqual(60_000 + backoffDelay(0, { random: () => 0.5 }));
	});
});
