import { request } from 'node:http';

import { FakeDingTalk } from './index';
import { manualClock, OK, postJson, readAnswer, sendUrl, textMessage } from './testClient';

const T0 = 1_700_000_000_000;

describe('FakeDingTalk server', () => {
	const clock = manualClock(T0);
	const fake = new FakeDingTalk({ now: clock.now, robots: [{ token: 'bot' }] });
	let base: string;
	const send = (content = 'hi') => postJson(sendUrl(base, 'bot'), textMessage(content));

	beforeAll(async () => {
		base = await fake.start();
	});
	afterAll(() => fake.stop());
	beforeEach(() => {
		fake.reset();
		clock.set(T0);
	});

	describe('lifecycle', () => {
		it('listens on 127.0.0.1 on an ephemeral port', () => {
			expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			expect(base).not.toMatch(/:0$/);
			expect(fake.baseUrl).toBe(base);
		});

		it('throws for baseUrl and addSession before start, and for a second start', async () => {
			const idle = new FakeDingTalk();
			expect(() => idle.baseUrl).toThrow(/not started/);
			expect(() => idle.addSession(T0)).toThrow(/not started/);
			await expect(fake.start()).rejects.toThrow(/already started/);
		});

		it('stops, closes kept-alive connections, and can start again', async () => {
			const other = new FakeDingTalk({ robots: [{ token: 'x' }] });
			const otherBase = await other.start();
			expect((await postJson(sendUrl(otherBase, 'x'), textMessage('hi'))).json).toEqual(OK);
			await other.stop();
			await expect(fetch(`${otherBase}/health`)).rejects.toThrow();
			const restarted = await other.start();
			expect((await fetch(`${restarted}/health`)).status).toBe(200);
			await other.stop();
			await other.stop(); // a second stop is harmless
		});

		it('stops promptly while a request is being delayed', async () => {
			const other = new FakeDingTalk({ robots: [{ token: 'x' }] });
			const otherBase = await other.start();
			other.injectFaults({ delayMs: 60_000 });
			const pending = postJson(sendUrl(otherBase, 'x'), textMessage('hi')).then(
				() => 'answered',
				() => 'failed',
			);
			await new Promise((resolve) => setTimeout(resolve, 50));
			const started = Date.now();
			await other.stop();
			expect(Date.now() - started).toBeLessThan(1000);
			expect(await pending).toBe('failed');
			expect(other.received).toHaveLength(0);
		});
	});

	describe('routes', () => {
		it('answers GET /health with 200 without recording it or consuming a fault', async () => {
			fake.injectFaults({ errcode: -1, errmsg: '系统繁忙' });
			const answer = await readAnswer(await fetch(`${base}/health`));
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual({ status: 'ok' });
			expect(fake.requests).toHaveLength(0);
			expect((await send()).json).toEqual({ errcode: -1, errmsg: '系统繁忙' });
		});

		it('answers an unknown path with HTTP 404 JSON', async () => {
			const answer = await postJson(`${base}/robot/sned?access_token=bot`, textMessage('hi'));
			expect(answer.status).toBe(404);
			expect(answer.contentType).toMatch(/^application\/json/);
			expect(answer.json).toEqual({ error: 'Not Found', path: '/robot/sned' });
			expect(fake.requests[0].status).toBe(404);
		});

		it('answers a wrong method on /health with 405', async () => {
			expect((await postJson(`${base}/health`, {})).status).toBe(405);
		});

		it('answers DingTalk errors as HTTP 200 application/json', async () => {
			const answer = await postJson(sendUrl(base, 'nope'), textMessage('hi'));
			expect(answer.status).toBe(200);
			expect(answer.contentType).toMatch(/^application\/json/);
			expect(answer.json).toEqual({ errcode: 300005, errmsg: 'token is not exist' });
		});
	});

	describe('request log', () => {
		it('records method, path, decoded query, headers, raw body, response, status and time', async () => {
			clock.set(T0 + 7);
			const body = JSON.stringify(textMessage('logged'));
			await postJson(`${base}/robot/send?access_token=bot&sign=a%2Bb%3D&x=1&x=2`, body);
			expect(fake.requests).toEqual([
				{
					method: 'POST',
					path: '/robot/send',
					query: { access_token: 'bot', sign: 'a+b=', x: '1' },
					headers: expect.objectContaining({ 'content-type': 'application/json' }),
					rawBody: body,
					response: OK,
					status: 200,
					at: T0 + 7,
				},
			]);
		});

		it('records rejected requests too, and only accepted ones in received', async () => {
			await send();
			await postJson(sendUrl(base, 'nope'), textMessage('hi'));
			expect(fake.requests.map((entry) => entry.response.errcode)).toEqual([0, 300005]);
			expect(fake.received).toHaveLength(1);
		});
	});

	describe('faults', () => {
		it('answers an errcode fault with HTTP 200 and handles the next request normally', async () => {
			fake.injectFaults({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
			const faulted = await send('first');
			expect(faulted.status).toBe(200);
			expect(faulted.json).toEqual({
				errcode: 130101,
				errmsg: 'send too fast, exceed 20 times per minute',
			});
			expect(fake.received).toHaveLength(0);
			expect((await send('second')).json).toEqual(OK);
			expect(fake.received.map((message) => message.body.text.content)).toEqual(['second']);
		});

		it('answers a status fault with that HTTP status and body', async () => {
			fake.injectFaults({ status: 502, body: '<html>Bad Gateway</html>' }, { status: 503 });
			const first = await send();
			expect(first.status).toBe(502);
			expect(first.text).toBe('<html>Bad Gateway</html>');
			expect(first.contentType).toMatch(/^text\/plain/);
			const second = await send();
			expect(second.status).toBe(503);
			expect(second.text).toBe('');
			expect(fake.requests.map((entry) => entry.status)).toEqual([502, 503]);
			expect(fake.received).toHaveLength(0);
		});

		it('sends a JSON status-fault body as JSON', async () => {
			const gateway = '{"status":1111,"wait":5,"source":"x5","punish":"deny"}';
			fake.injectFaults({ status: 429, body: gateway });
			const answer = await send();
			expect(answer.status).toBe(429);
			expect(answer.contentType).toMatch(/^application\/json/);
			expect(answer.json).toEqual(JSON.parse(gateway));
		});

		it('drops the socket without a response', async () => {
			fake.injectFaults({ drop: true });
			const outcome = await new Promise<string>((resolve) => {
				const outgoing = request(sendUrl(base, 'bot'), {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
				});
				outgoing.on('response', (response) => resolve(`response ${response.statusCode}`));
				outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
				outgoing.end(JSON.stringify(textMessage('dropped')));
			});
			expect(outcome).toBe('error ECONNRESET');
			expect(fake.requests).toHaveLength(1);
			expect(fake.requests[0]).toMatchObject({
				status: 0,
				response: undefined,
				path: '/robot/send',
			});
			expect(fake.received).toHaveLength(0);
			expect((await send()).json).toEqual(OK);
		});

		it('makes fetch fail on a drop', async () => {
			fake.injectFaults({ drop: true });
			await expect(send()).rejects.toThrow();
		});

		it('delays, then handles the request normally', async () => {
			fake.injectFaults({ delayMs: 250 });
			const started = Date.now();
			const answer = await send('late');
			expect(Date.now() - started).toBeGreaterThanOrEqual(240);
			expect(answer.json).toEqual(OK);
			expect(fake.received).toHaveLength(1);
			const quick = Date.now();
			await send();
			expect(Date.now() - quick).toBeLessThan(240);
		});

		it('a delayed request still fails normal checks', async () => {
			fake.injectFaults({ delayMs: 10 });
			expect((await postJson(sendUrl(base, 'nope'), textMessage('hi'))).json.errcode).toBe(300005);
		});

		it('consumes one fault per request, in order, including on unknown paths', async () => {
			fake.injectFaults(
				{ errcode: -1, errmsg: '系统繁忙' },
				{ status: 500 },
				{ errcode: 400102, errmsg: '机器人已停用' },
			);
			expect((await postJson(`${base}/elsewhere`, {})).json).toEqual({
				errcode: -1,
				errmsg: '系统繁忙',
			});
			expect((await send()).status).toBe(500);
			expect((await send()).json.errcode).toBe(400102);
			expect((await send()).json).toEqual(OK);
		});

		it('reset() clears pending faults, requests and received, and keeps robots', async () => {
			await send();
			fake.injectFaults({ status: 500 });
			fake.reset();
			expect(fake.requests).toHaveLength(0);
			expect(fake.received).toHaveLength(0);
			expect((await send()).json).toEqual(OK);
			expect(fake.received).toHaveLength(1);
		});
	});
});
