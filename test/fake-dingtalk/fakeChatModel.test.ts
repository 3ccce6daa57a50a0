import { FAKE_MODEL, FakeChatModel } from './fakeChatModel';

describe('FakeChatModel (an OpenAI-compatible stand-in model)', () => {
	const model = new FakeChatModel({
		wordDelayMs: 1,
		answerFor: (question) => `Echo: ${question} done`,
	});
	beforeAll(async () => {
		await model.start();
	});
	afterAll(async () => {
		await model.stop();
	});

	const chat = async (body: object) =>
		await fetch(`${model.baseUrl}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer sk-any' },
			body: JSON.stringify({
				model: FAKE_MODEL,
				messages: [{ role: 'user', content: 'hi' }],
				...body,
			}),
		});

	it('lists its model', async () => {
		const list = (await (await fetch(`${model.baseUrl}/models`)).json()) as {
			data: Array<{ id: string }>;
		};
		expect(list.data.map((entry) => entry.id)).toEqual([FAKE_MODEL]);
	});

	it('answers at once without stream', async () => {
		const answer = (await (await chat({})).json()) as {
			choices: Array<{ message: { content: string } }>;
		};
		expect(answer.choices[0].message.content).toBe('Echo: hi done');
	});

	it('streams the answer word by word as server-sent events ending in [DONE]', async () => {
		const response = await chat({ stream: true, stream_options: { include_usage: true } });
		expect(response.headers.get('content-type')).toBe('text/event-stream');
		const events = (await response.text()).split('\n\n').filter(Boolean);
		expect(events.at(-1)).toBe('data: [DONE]');
		const words = events
			.slice(0, -1)
			.map(
				(event) =>
					JSON.parse(event.slice(6)) as { choices: Array<{ delta: { content?: string } }> },
			)
			.map((chunk) => chunk.choices[0]?.delta.content ?? '');
		expect(words.join('')).toBe('Echo: hi done');
		expect(words.filter(Boolean).length).toBe(3);
	});

	it('records when the first and last words of a streamed answer left', async () => {
		const before = Date.now();
		await (await chat({ stream: true })).text();
		const record = model.answers.at(-1)!;
		expect(record).toMatchObject({ question: 'hi', answer: 'Echo: hi done', stream: true });
		expect(record.firstTokenAt).toBeGreaterThanOrEqual(before);
		expect(record.lastTokenAt).toBeGreaterThan(record.firstTokenAt!);
		expect(record.lastTokenAt).toBeLessThanOrEqual(Date.now());
	});
});

describe('FakeChatModel with an API key', () => {
	const model = new FakeChatModel({ wordDelayMs: 1, apiKey: 'sk-right' });
	beforeAll(async () => {
		await model.start();
	});
	afterAll(async () => {
		await model.stop();
	});

	const chat = async (headers: Record<string, string>) =>
		await fetch(`${model.baseUrl}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify({ model: FAKE_MODEL, messages: [{ role: 'user', content: 'hi' }] }),
		});

	it('answers a request with the key', async () => {
		expect((await chat({ authorization: 'Bearer sk-right' })).status).toBe(200);
	});

	it('refuses a missing or wrong key with 401 as OpenAI does, without echoing it', async () => {
		const missing = await chat({});
		expect(missing.status).toBe(401);
		expect(await missing.json()).toMatchObject({ error: { code: 'missing_api_key' } });
		const wrong = await chat({ authorization: 'Bearer sk-wrong' });
		expect(wrong.status).toBe(401);
		const text = await wrong.text();
		expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_api_key' } });
		expect(text).not.toContain('sk-wrong');
		expect(model.answers).toHaveLength(1);
	});
});

describe('FakeChatModel calling tools', () => {
	const model = new FakeChatModel({
		answerFor: (question, results) => `${question} = ${results?.join(', ') ?? 'nothing'}`,
		toolCallFor: (question, tools) =>
			tools.includes('calculator')
				? { name: 'calculator', arguments: { input: question } }
				: undefined,
	});
	beforeAll(async () => {
		await model.start();
	});
	afterAll(async () => {
		await model.stop();
	});

	const tools = [{ type: 'function', function: { name: 'calculator', parameters: {} } }];
	const chat = async (body: object) =>
		await fetch(`${model.baseUrl}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ model: FAKE_MODEL, ...body }),
		});

	it('calls an offered tool, then answers with its result', async () => {
		const first = (await (
			await chat({ messages: [{ role: 'user', content: '6*7' }], tools })
		).json()) as {
			choices: Array<{
				finish_reason: string;
				message: {
					tool_calls: Array<{ id: string; function: { name: string; arguments: string } }>;
				};
			}>;
		};
		const [call] = first.choices[0].message.tool_calls;
		expect(first.choices[0].finish_reason).toBe('tool_calls');
		expect(call.function).toEqual({ name: 'calculator', arguments: '{"input":"6*7"}' });
		expect(model.toolCalls).toEqual([
			{ id: call.id, name: 'calculator', arguments: { input: '6*7' }, question: '6*7' },
		]);

		const second = (await (
			await chat({
				messages: [
					{ role: 'user', content: '6*7' },
					{ role: 'assistant', content: null, tool_calls: [call] },
					{ role: 'tool', tool_call_id: call.id, content: '42' },
				],
				tools,
			})
		).json()) as { choices: Array<{ message: { content: string } }> };
		expect(second.choices[0].message.content).toBe('6*7 = 42');
	});

	it('streams a tool call as OpenAI does: the name first, then the arguments', async () => {
		const response = await chat({
			messages: [{ role: 'user', content: '1+1' }],
			tools,
			stream: true,
		});
		const events = (await response.text()).split('\n\n').filter(Boolean);
		expect(events.at(-1)).toBe('data: [DONE]');
		const deltas = events.slice(0, -1).map(
			(event) =>
				JSON.parse(event.slice(6)) as {
					choices: Array<{
						delta: { tool_calls?: Array<{ function: object }> };
						finish_reason: string;
					}>;
				},
		);
		expect(deltas[0].choices[0].delta.tool_calls?.[0].function).toEqual({
			name: 'calculator',
			arguments: '',
		});
		expect(deltas[1].choices[0].delta.tool_calls?.[0].function).toEqual({
			arguments: '{"input":"1+1"}',
		});
		expect(deltas.at(-1)?.choices[0].finish_reason).toBe('tool_calls');
	});

	it('answers without a tool when none fits or none is offered', async () => {
		const plain = (await (await chat({ messages: [{ role: 'user', content: 'hi' }] })).json()) as {
			choices: Array<{ message: { content: string } }>;
		};
		expect(plain.choices[0].message.content).toBe('hi = ');
	});
});
