import { WebSocket } from 'ws';

import { FakeDingTalk } from '../server';
import {
	FakeStreamGateway,
	GATEWAY_MOVED_PATH,
	GATEWAY_OPEN_PATH,
	type StreamFrameSent,
} from '../streamGateway';

const app = { clientId: 'dingstreamapp', clientSecret: 'stream-secret' };
const allSubscriptions = [
	{ type: 'EVENT', topic: '*' },
	{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
	{ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
];

interface Client {
	socket: WebSocket;
	frames: StreamFrameSent[];
	nextFrame(): Promise<StreamFrameSent>;
	closed: Promise<{ code: number }>;
}

async function open(
	baseUrl: string,
	body: unknown = { ...app, subscriptions: allSubscriptions },
): Promise<{ status: number; json: Record<string, unknown> }> {
	const response = await fetch(`${baseUrl}${GATEWAY_OPEN_PATH}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function connect(url: string): Promise<Client> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(url);
		const frames: StreamFrameSent[] = [];
		const waiting: Array<(frame: StreamFrameSent) => void> = [];
		socket.on('message', (data) => {
			const frame = JSON.parse(data.toString()) as StreamFrameSent;
			frames.push(frame);
			waiting.shift()?.(frame);
		});
		const closed = new Promise<{ code: number }>((done) =>
			socket.on('close', (code) => done({ code })),
		);
		let seen = 0;
		const nextFrame = () =>
			new Promise<StreamFrameSent>((done) => {
				if (frames.length > seen) done(frames[seen++]);
				else
					waiting.push((frame) => {
						seen++;
						done(frame);
					});
			});
		socket.once('open', () => resolve({ socket, frames, nextFrame, closed }));
		socket.once('unexpected-response', (_request, response) =>
			reject(new Error(`refused with HTTP ${response.statusCode}`)),
		);
		socket.once('error', reject);
	});
}

async function openAndConnect(gateway: FakeStreamGateway, body?: unknown): Promise<Client> {
	const answer = await open(gateway.baseUrl, body);
	expect(answer.status).toBe(200);
	return connect(`${answer.json.endpoint as string}?ticket=${answer.json.ticket as string}`);
}

function ack(client: Client, messageId: string, code: number, data: string): void {
	client.socket.send(
		JSON.stringify({
			code,
			headers: { contentType: 'application/json', messageId },
			message: 'OK',
			data,
		}),
	);
}

describe('FakeStreamGateway', () => {
	let clock: number;
	let gateway: FakeStreamGateway;
	const clients: Client[] = [];

	beforeEach(async () => {
		clock = 1_700_000_000_000;
		gateway = new FakeStreamGateway({ apps: [app], now: () => clock, disconnectCloseMs: 50 });
		await gateway.start();
	});

	afterEach(async () => {
		for (const client of clients.splice(0)) client.socket.terminate();
		await gateway.stop();
	});

	async function client(body?: unknown): Promise<Client> {
		const connected = await openAndConnect(gateway, body);
		clients.push(connected);
		return connected;
	}

	describe('connections/open', () => {
		it('answers an endpoint and a ticket for a known app', async () => {
			const answer = await open(gateway.baseUrl);
			expect(answer.status).toBe(200);
			expect(answer.json.endpoint).toBe(`${gateway.baseUrl.replace('http', 'ws')}/connect`);
			expect(answer.json.ticket).toMatch(/^[0-9a-f-]{36}$/);
			expect(gateway.opens).toHaveLength(1);
			expect(gateway.opens[0].body).toMatchObject({ clientId: app.clientId });
		});

		it('refuses a wrong secret or an unknown client with 401', async () => {
			expect(
				(
					await open(gateway.baseUrl, {
						...app,
						clientSecret: 'x',
						subscriptions: allSubscriptions,
					})
				).status,
			).toBe(401);
			expect(
				(
					await open(gateway.baseUrl, {
						clientId: 'nobody',
						clientSecret: 'stream-secret',
						subscriptions: allSubscriptions,
					})
				).status,
			).toBe(401);
		});

		it.each([
			['no subscriptions', undefined, 'non-empty array'],
			['an empty list', [], 'non-empty array'],
			['a subscription without topic', [{ type: 'CALLBACK' }], 'type and a topic'],
			['an unknown type', [{ type: 'PUSH', topic: '*' }], 'unknown subscription type'],
			['an EVENT topic other than *', [{ type: 'EVENT', topic: 'user_add_org' }], 'topic *'],
		])('refuses %s with 400', async (_label, subscriptions, message) => {
			const answer = await open(gateway.baseUrl, { ...app, subscriptions });
			expect(answer.status).toBe(400);
			expect(answer.json.message).toContain(message);
		});

		it('refuses a non-JSON body and other methods', async () => {
			expect((await open(gateway.baseUrl, 'not json')).status).toBe(400);
			const get = await fetch(`${gateway.baseUrl}${GATEWAY_OPEN_PATH}`);
			expect(get.status).toBe(405);
		});

		it('refuses the next opens with an injected 401 or 403, then recovers', async () => {
			gateway.refuseOpens(403, 2);
			gateway.refuseOpens(401);
			expect((await open(gateway.baseUrl)).status).toBe(403);
			expect((await open(gateway.baseUrl)).status).toBe(403);
			expect((await open(gateway.baseUrl)).status).toBe(401);
			expect((await open(gateway.baseUrl)).status).toBe(200);
		});

		it('answers injected endpoints with a valid ticket, then its own again', async () => {
			gateway.answerEndpoints('ws://127.0.0.1:{port}/connect#frag', 'ws://[bad');
			const port = new URL(gateway.baseUrl).port;
			const first = await open(gateway.baseUrl);
			expect(first.json.endpoint).toBe(`ws://127.0.0.1:${port}/connect#frag`);
			expect((await open(gateway.baseUrl)).json.endpoint).toBe('ws://[bad');
			const own = await open(gateway.baseUrl);
			expect(own.json.endpoint).toBe(gateway.endpoint);
			// The ticket handed out with the injected endpoint still works at the real one.
			clients.push(await connect(`${gateway.endpoint}?ticket=${first.json.ticket as string}`));
		});

		it('redirects the next opens to a moved path that records what followed it', async () => {
			gateway.redirectOpens(307);
			const response = await fetch(`${gateway.baseUrl}${GATEWAY_OPEN_PATH}`, {
				method: 'POST',
				redirect: 'manual',
				body: JSON.stringify({ ...app, subscriptions: allSubscriptions }),
			});
			expect(response.status).toBe(307);
			expect(response.headers.get('location')).toBe(GATEWAY_MOVED_PATH);
			expect(gateway.redirected).toEqual([]);
			gateway.redirectOpens(308);
			// A client that follows it re-posts the secret there: the fake records it.
			expect((await open(gateway.baseUrl)).status).toBe(200);
			expect(gateway.redirected).toEqual([
				{ method: 'POST', body: expect.stringContaining(app.clientSecret) },
			]);
			expect(gateway.opens.map((entry) => entry.status)).toEqual([307, 308]);
		});

		it('is also served by a FakeDingTalk through use()', async () => {
			const fake = new FakeDingTalk().use(gateway);
			await fake.start();
			try {
				const answer = await open(fake.baseUrl);
				expect(answer.status).toBe(200);
				const connected = await connect(
					`${answer.json.endpoint as string}?ticket=${answer.json.ticket as string}`,
				);
				clients.push(connected);
				expect(gateway.liveConnections()).toHaveLength(1);
			} finally {
				await fake.stop();
			}
		});
	});

	describe('tickets', () => {
		it('accepts a ticket once', async () => {
			const answer = await open(gateway.baseUrl);
			const url = `${answer.json.endpoint as string}?ticket=${answer.json.ticket as string}`;
			clients.push(await connect(url));
			await expect(connect(url)).rejects.toThrow('HTTP 401');
			expect(gateway.refusedTickets).toEqual([answer.json.ticket]);
			expect(gateway.connections).toHaveLength(1);
		});

		it('accepts a ticket within 90 s only', async () => {
			const fresh = await open(gateway.baseUrl);
			const stale = await open(gateway.baseUrl);
			clock += 90_000;
			clients.push(
				await connect(`${fresh.json.endpoint as string}?ticket=${fresh.json.ticket as string}`),
			);
			clock += 1;
			await expect(
				connect(`${stale.json.endpoint as string}?ticket=${stale.json.ticket as string}`),
			).rejects.toThrow('HTTP 401');
		});

		it('refuses an unknown or missing ticket', async () => {
			await expect(connect(`${gateway.endpoint}?ticket=made-up`)).rejects.toThrow('HTTP 401');
			await expect(connect(gateway.endpoint)).rejects.toThrow('HTTP 401');
		});
	});

	describe('frames', () => {
		it('pushes a robot message as documented: string headers, data a JSON string', async () => {
			const connected = await client();
			const body = { msgId: 'msg1', msgtype: 'text', text: { content: 'hi' } };
			const messageId = gateway.pushRobotMessage(body);
			const frame = await connected.nextFrame();
			expect(frame.specVersion).toBe('1.0');
			expect(frame.type).toBe('CALLBACK');
			expect(frame.headers).toMatchObject({
				topic: '/v1.0/im/bot/messages/get',
				messageId,
				contentType: 'application/json',
				connectionId: gateway.connections[0].id,
			});
			for (const value of Object.values(frame.headers)) expect(typeof value).toBe('string');
			expect(frame.headers.time).toBe(String(clock));
			expect(typeof frame.data).toBe('string');
			expect(JSON.parse(frame.data)).toEqual(body);
		});

		it('pushes events with their envelope in the headers and card callbacks', async () => {
			const connected = await client();
			gateway.pushEvent({
				eventType: 'user_add_org',
				eventId: 'evt-1',
				eventBornTime: 1685501863357,
				eventCorpId: 'dingcorp',
				data: { userId: ['u1'] },
			});
			const event = await connected.nextFrame();
			expect(event.type).toBe('EVENT');
			expect(event.headers).toMatchObject({
				topic: '*',
				eventType: 'user_add_org',
				eventId: 'evt-1',
				eventBornTime: '1685501863357',
				eventCorpId: 'dingcorp',
			});
			expect(JSON.parse(event.data)).toEqual({ userId: ['u1'] });

			gateway.pushCardCallback({ outTrackId: 'card-1' });
			const card = await connected.nextFrame();
			expect(card.headers.topic).toBe('/v1.0/card/instances/callback');
			expect(JSON.parse(card.data)).toEqual({ outTrackId: 'card-1' });
		});

		it('pushes only to connections subscribed to the topic', async () => {
			await client({ ...app, subscriptions: [{ type: 'EVENT', topic: '*' }] });
			expect(() => gateway.pushRobotMessage({ msgId: 'm' })).toThrow(/subscribed/);
			expect(() => gateway.pushCardCallback({})).toThrow(/subscribed/);
			expect(() => gateway.pushEvent({ eventType: 'x' })).not.toThrow();
		});

		it('pings every live connection when told to, as DingTalk keeps one alive', async () => {
			const pinging = new FakeStreamGateway({ apps: [app], pingEveryMs: 40 });
			await pinging.start();
			try {
				const connected = await openAndConnect(pinging);
				clients.push(connected);
				const first = await connected.nextFrame();
				const second = await connected.nextFrame();
				for (const frame of [first, second]) {
					expect(frame.type).toBe('SYSTEM');
					expect(frame.headers.topic).toBe('ping');
					expect(JSON.parse(frame.data)).toEqual({ opaque: expect.any(String) });
				}
				expect(second.headers.messageId).not.toBe(first.headers.messageId);
			} finally {
				await pinging.stop();
			}
			// Without the option (every other test here) no frame comes unasked.
			const quiet = await client();
			await new Promise((resolve) => setTimeout(resolve, 120));
			expect(quiet.frames).toEqual([]);
		});

		it('records ACKs per messageId', async () => {
			const connected = await client();
			const messageId = gateway.pushRobotMessage({ msgId: 'm' });
			await connected.nextFrame();
			ack(connected, messageId, 200, '{"response":null}');
			const recorded = await gateway.waitForAck(messageId);
			expect(recorded).toMatchObject({
				code: 200,
				connectionId: gateway.connections[0].id,
				data: '{"response":null}',
				headers: { messageId, contentType: 'application/json' },
			});
			expect(gateway.acksFor('other')).toEqual([]);
			connected.socket.send('not json');
			connected.socket.send('{"code":200,"headers":{}}');
			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(gateway.connections[0].unreadable).toEqual(['not json', '{"code":200,"headers":{}}']);
		});

		it('pings with an opaque value the client echoes', async () => {
			const connected = await client();
			const messageId = gateway.ping({ opaque: '123-dsfs' });
			const ping = await connected.nextFrame();
			expect(ping).toMatchObject({ type: 'SYSTEM', headers: { topic: 'ping', messageId } });
			expect(ping.data).toBe('{"opaque":"123-dsfs"}');
			ack(connected, messageId, 200, ping.data);
			expect((await gateway.waitForAck(messageId)).data).toBe(ping.data);
		});

		it('disconnect sends a SYSTEM disconnect, stops pushing there, then closes', async () => {
			const first = await client();
			const connection = gateway.disconnect();
			const frame = await first.nextFrame();
			expect(frame).toMatchObject({ type: 'SYSTEM', headers: { topic: 'disconnect' } });
			expect(JSON.parse(frame.data)).toEqual({ reason: 'connection is expired' });
			expect(connection.draining).toBe(true);
			expect(() => gateway.pushRobotMessage({ msgId: 'm' })).toThrow(/No live/);
			const second = await client();
			gateway.pushRobotMessage({ msgId: 'm' });
			expect((await second.nextFrame()).headers.connectionId).toBe(gateway.connections[1].id);
			expect((await first.closed).code).toBe(1000);
		});

		it('drop closes abruptly, without a close frame', async () => {
			const connected = await client();
			gateway.drop();
			expect((await connected.closed).code).toBe(1006);
			await new Promise((resolve) => setTimeout(resolve, 20));
			expect(gateway.liveConnections()).toHaveLength(0);
		});

		it('pushes to the newest connection, or the one named', async () => {
			const first = await client();
			const second = await client();
			gateway.pushRobotMessage({ msgId: 'a' });
			expect(JSON.parse((await second.nextFrame()).data)).toEqual({ msgId: 'a' });
			gateway.pushRobotMessage({ msgId: 'b' }, { connectionId: gateway.connections[0].id });
			expect(JSON.parse((await first.nextFrame()).data)).toEqual({ msgId: 'b' });
		});
	});

	describe('redelivery', () => {
		let redelivering: FakeStreamGateway;

		beforeEach(async () => {
			redelivering = new FakeStreamGateway({
				apps: [app],
				redeliverAfterMs: 40,
				maxRedeliveries: 2,
			});
			await redelivering.start();
		});

		afterEach(() => redelivering.stop());

		async function redeliveringClient(): Promise<Client> {
			const connected = await openAndConnect(redelivering);
			clients.push(connected);
			return connected;
		}

		it('pushes an un-ACKed event again, same messageId and eventId, up to the limit', async () => {
			const connected = await redeliveringClient();
			const messageId = redelivering.pushEvent({ eventType: 'user_add_org', eventId: 'e1' });
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(connected.frames).toHaveLength(3);
			for (const frame of connected.frames) {
				expect(frame.headers.messageId).toBe(messageId);
				expect(frame.headers.eventId).toBe('e1');
				expect(frame.headers.eventType).toBe('user_add_org');
			}
		});

		it('stops after a SUCCESS ACK and redelivers after LATER', async () => {
			const connected = await redeliveringClient();
			const done = redelivering.pushEvent({ eventType: 'a' });
			const later = redelivering.pushEvent({ eventType: 'b' });
			ack(connected, done, 200, '{"status":"SUCCESS","message":"success"}');
			ack(connected, later, 500, '{"status":"LATER","message":"failed"}');
			await redelivering.waitForAck(later);
			await new Promise((resolve) => setTimeout(resolve, 70));
			const ids = connected.frames.map((frame) => frame.headers.messageId);
			expect(ids.filter((id) => id === done)).toHaveLength(1);
			expect(ids.filter((id) => id === later).length).toBeGreaterThanOrEqual(2);
		});

		it('does not redeliver robot messages', async () => {
			const connected = await redeliveringClient();
			redelivering.pushRobotMessage({ msgId: 'm' });
			await new Promise((resolve) => setTimeout(resolve, 120));
			expect(connected.frames).toHaveLength(1);
		});

		it('redelivers to another live connection when the first is gone', async () => {
			await redeliveringClient();
			const messageId = redelivering.pushEvent({ eventType: 'a' });
			redelivering.drop();
			const second = await redeliveringClient();
			const frame = await second.nextFrame();
			expect(frame.headers.messageId).toBe(messageId);
			expect(frame.headers.connectionId).toBe(redelivering.connections[1].id);
		});
	});
});
