// The package runs against the n8n-workflow of the n8n it is installed in, not the one of its dev
// dependencies. n8n 2.41's n8n-workflow no longer exports sleepWithAbort; the connection used it
// for its back-off and watchdog waits, so in n8n 2.41 a dropped socket ended the trigger's
// connection for good (found by test/e2e/streamTrigger.test.ts). Here n8n-workflow looks as it
// does in n8n 2.41.
import { WebSocket } from 'ws';

import {
	StreamConnection,
	type StreamConnectionEvent,
	type StreamConnectionOptions,
	type StreamSocketConstructor,
} from '../../../nodes/DingTalkStreamTrigger/connection';
import { streamCallbackAck } from '../../../nodes/DingTalkStreamTrigger/frames';
import { sleepUnlessAborted } from '../../../nodes/shared/sleep';
import { FakeStreamGateway } from '../../fake-dingtalk/streamGateway';
import { requestTestTicket, until } from './streamTestSetup';

jest.mock('n8n-workflow', () => {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { sleepWithAbort, ...asInN8n241 } = jest.requireActual('n8n-workflow');
	return asInN8n241;
});

const app = { clientId: 'dingstreamsurface', clientSecret: 'stream-surface-secret' };
const SocketClass = WebSocket as unknown as StreamSocketConstructor;

describe('the Stream connection with the n8n-workflow of n8n 2.41 (no sleepWithAbort)', () => {
	let gateway: FakeStreamGateway;
	let connection: StreamConnection | undefined;
	let events: StreamConnectionEvent[];

	beforeEach(async () => {
		gateway = new FakeStreamGateway({ apps: [app] });
		await gateway.start();
		events = [];
	});

	afterEach(async () => {
		await connection?.stop();
		connection = undefined;
		await gateway.stop();
	});

	it('n8n-workflow here has no sleepWithAbort, as in n8n 2.41', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		expect('sleepWithAbort' in require('n8n-workflow')).toBe(false);
	});

	const openConnection = (signal: AbortSignal) =>
		requestTestTicket(gateway.baseUrl, app, ['robotMessages'], signal);

	function startConnection(overrides: Partial<StreamConnectionOptions> = {}): StreamConnection {
		connection = new StreamConnection({
			openConnection,
			WebSocket: SocketClass,
			onFrame: (parsed) => streamCallbackAck(parsed.frame.headers.messageId),
			onEvent: (event) => events.push(event),
			backoff: { initialMs: 20, maxMs: 80, random: () => 0 },
			...overrides,
		});
		void connection.start();
		return connection;
	}

	it('reconnects after an abrupt drop, once the back-off has passed', async () => {
		const running = startConnection();
		await gateway.waitForConnection(1);
		gateway.drop();
		await gateway.waitForConnection(2);
		expect(events).toContainEqual({ type: 'retrying', attempt: 0, delayMs: 20 });
		expect(running.stopped).toBe(false);
		const messageId = gateway.pushRobotMessage({ msgId: 'after-drop' });
		expect((await gateway.waitForAck(messageId)).code).toBe(200);
	});

	it('retries a refused connections/open after the back-off', async () => {
		gateway.refuseOpens(403, 2);
		startConnection();
		await gateway.waitForConnection(1);
		expect(gateway.opens.map((open) => open.status)).toEqual([403, 403, 200]);
	});

	it('reconnects when no frame arrives within the watchdog time', async () => {
		startConnection({ watchdogMs: 150 });
		const first = await gateway.waitForConnection(1);
		await gateway.waitForConnection(2);
		await until(() => first.closed);
		expect(events).toContainEqual({ type: 'closed', reason: 'watchdog' });
	});

	it('stop() ends a pending back-off wait at once', async () => {
		gateway.refuseOpens(403, 100);
		const running = startConnection({ backoff: { initialMs: 10_000, maxMs: 60_000 } });
		await until(() => events.some((event) => event.type === 'retrying'));
		const before = Date.now();
		await running.stop();
		expect(Date.now() - before).toBeLessThan(500);
		expect(gateway.opens).toHaveLength(1);
	});
});

describe('sleepUnlessAborted', () => {
	it('resolves true once the time is up, also for a wait longer than one step', async () => {
		const started = Date.now();
		expect(await sleepUnlessAborted(1_300, new AbortController().signal)).toBe(true);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_250);
	});

	it('resolves true at once for no time', async () => {
		expect(await sleepUnlessAborted(0, new AbortController().signal)).toBe(true);
	});

	it('resolves false at once when aborted during the wait, or before it', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const waiting = sleepUnlessAborted(30_000, controller.signal);
		setTimeout(() => controller.abort(), 20);
		expect(await waiting).toBe(false);
		expect(Date.now() - started).toBeLessThan(500);
		expect(await sleepUnlessAborted(30_000, controller.signal)).toBe(false);
	});

	it('leaves no timer running more than one step (1 s) after an abort', async () => {
		const timers = () =>
			process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
		const before = timers();
		const controller = new AbortController();
		const waits = Array.from({ length: 10 }, () => sleepUnlessAborted(60_000, controller.signal));
		controller.abort();
		expect(await Promise.all(waits)).toEqual(Array(10).fill(false));
		await new Promise((resolve) => setTimeout(resolve, 1_100));
		expect(timers()).toBeLessThanOrEqual(before);
	});

	it('leaves no listener on the signal', async () => {
		const controller = new AbortController();
		const added: unknown[] = [];
		const removed: unknown[] = [];
		const signal = controller.signal;
		const add = signal.addEventListener.bind(signal);
		const remove = signal.removeEventListener.bind(signal);
		signal.addEventListener = ((type: string, listener: () => void, options?: object) => {
			added.push(listener);
			add(type, listener, options);
		}) as typeof signal.addEventListener;
		signal.removeEventListener = ((type: string, listener: () => void) => {
			removed.push(listener);
			remove(type, listener);
		}) as typeof signal.removeEventListener;
		for (let index = 0; index < 3; index++) await sleepUnlessAborted(5, signal);
		expect(added).toHaveLength(3);
		expect(removed).toEqual(added);
	});
});
