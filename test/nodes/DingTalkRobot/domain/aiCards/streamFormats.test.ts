import {
	LineSplitter,
	n8nStreamEvent,
	openAiStreamEvent,
} from '../../../../../nodes/DingTalkRobot/domain/aiCards/streamFormats';

describe('LineSplitter', () => {
	it('gives complete lines only and keeps the rest for the next piece', () => {
		const lines = new LineSplitter();
		expect(lines.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
		expect(lines.push(':2}\r\n\n{"c":3}')).toEqual(['{"b":2}', '']);
		expect(lines.flush()).toEqual(['{"c":3}']);
		expect(lines.flush()).toEqual([]);
	});
});

describe('n8n streaming lines', () => {
	it('takes the content of item lines and skips begin and end', () => {
		const metadata = { nodeId: 'n', runIndex: 0, itemIndex: 0 };
		expect(n8nStreamEvent(JSON.stringify({ type: 'begin', metadata }))).toBeUndefined();
		expect(n8nStreamEvent(JSON.stringify({ type: 'item', content: 'Hi', metadata }))).toEqual({
			type: 'text',
			text: 'Hi',
		});
		expect(n8nStreamEvent(JSON.stringify({ type: 'item', content: '', metadata }))).toBeUndefined();
		expect(n8nStreamEvent(JSON.stringify({ type: 'end', metadata }))).toBeUndefined();
		expect(n8nStreamEvent('')).toBeUndefined();
	});

	it('reports an error line with its words', () => {
		expect(n8nStreamEvent('{"type":"error","content":"Model overloaded"}')).toEqual({
			type: 'error',
			message: 'Model overloaded',
		});
		expect(n8nStreamEvent('{"type":"error"}')).toEqual({
			type: 'error',
			message: 'no details (see the executions of the answering workflow)',
		});
	});

	it('takes a line that is not JSON as text (a workflow answering plain text)', () => {
		expect(n8nStreamEvent('plain answer')).toEqual({ type: 'text', text: 'plain answer\n' });
	});
});

describe('OpenAI streaming events', () => {
	it('takes delta content, skips other lines and ends at [DONE]', () => {
		expect(openAiStreamEvent('data: {"choices":[{"delta":{"role":"assistant"}}]}')).toBeUndefined();
		expect(openAiStreamEvent('data: {"choices":[{"delta":{"content":"Hel"}}]}')).toEqual({
			type: 'text',
			text: 'Hel',
		});
		expect(openAiStreamEvent(': keep-alive')).toBeUndefined();
		expect(openAiStreamEvent('event: message')).toBeUndefined();
		expect(openAiStreamEvent('data: [DONE]')).toEqual({ type: 'end' });
	});

	it('reports an error event', () => {
		expect(openAiStreamEvent('data: {"error":{"message":"overloaded"}}')).toEqual({
			type: 'error',
			message: 'overloaded',
		});
	});
});
