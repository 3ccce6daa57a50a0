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
});
