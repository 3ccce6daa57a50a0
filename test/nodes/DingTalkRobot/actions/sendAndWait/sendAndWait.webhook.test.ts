/**
 * The node's webhook() while an execution waits: what each link shows, what each answer resumes
 * the workflow with, and what a wrong answer gets. n8n itself checks the signature before it
 * calls webhook() (tested in a real n8n in test/e2e/sendAndWait.test.ts).
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import { sendAndWaitWebhook } from '../../../../../nodes/DingTalkRobot/actions/sendAndWait/webhook';

const get =
	jest.requireActual<(object: unknown, path: string, fallback?: unknown) => unknown>('lodash/get');

function call(
	parameters: Record<string, unknown>,
	request: {
		method: 'GET' | 'POST';
		query?: Record<string, string>;
		body?: Record<string, unknown>;
	},
) {
	const sent: { status?: number; type?: string; html?: string } = {};
	const response = {
		status(code: number) {
			sent.status = code;
			return response;
		},
		setHeader(name: string, value: string) {
			if (name.toLowerCase() === 'content-type') sent.type = value;
			return response;
		},
		send(body: string) {
			sent.html = body;
			return response;
		},
	};
	const context = {
		getNodeParameter: (name: string, fallback?: unknown) =>
			get(
				{ cardTitle: 'Deploy v2.3?', message: 'Checks <b>passed</b>', ...parameters },
				name,
				fallback,
			),
		getNode: () => ({ name: 'Ask', type: 'dingTalkRobot', typeVersion: 1, parameters: {} }),
		getRequestObject: () => ({ method: request.method, query: request.query ?? {} }),
		getResponseObject: () => response,
		getBodyData: () => request.body ?? {},
	} as unknown as IWebhookFunctions;
	return { result: sendAndWaitWebhook.call(context), sent };
}

describe('Send and Wait webhook: approval', () => {
	const double = {
		approvalOptions: {
			values: { approvalType: 'double', approveLabel: 'Deploy', disapproveLabel: 'Stop' },
		},
	};

	it('answers a GET with a confirmation page and resumes nothing', async () => {
		const { result, sent } = call(double, { method: 'GET', query: { approved: 'false' } });
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(sent.status).toBe(200);
		expect(sent.type).toBe('text/html; charset=utf-8');
		expect(sent.html).toContain(
			'<form method="post"><button type="submit" class="decline">Stop</button>',
		);
		// The message is shown as text, never as HTML.
		expect(sent.html).toContain('Checks &lt;b&gt;passed&lt;/b&gt;');
		expect(sent.html).not.toContain('<script');
	});

	it.each([
		['true', true],
		['false', false],
	])('resumes a POST with approved=%s as data.approved', async (query, approved) => {
		const { result } = call(double, { method: 'POST', query: { approved: query } });
		expect(await result).toMatchObject({
			workflowData: [[{ json: { data: { approved } } }]],
			webhookResponse: expect.stringContaining('your response is recorded'),
		});
	});
});

describe('Send and Wait webhook: free text and custom form', () => {
	it('shows the free-text page and resumes with data.text, refusing an empty answer', async () => {
		const page = call({ responseType: 'freeText' }, { method: 'GET' });
		expect(await page.result).toEqual({ noWebhookResponse: true });
		expect(page.sent.html).toContain('<textarea id="text" name="text" required>');

		const empty = call({ responseType: 'freeText' }, { method: 'POST', body: { text: '  ' } });
		expect(await empty.result).toEqual({ noWebhookResponse: true });
		expect(empty.sent.status).toBe(400);
		expect(empty.sent.html).toContain('Write a response');

		const answered = call(
			{ responseType: 'freeText' },
			{ method: 'POST', body: { text: ' Later ' } },
		);
		expect(await answered.result).toMatchObject({
			workflowData: [[{ json: { data: { text: 'Later' } } }]],
		});
	});

	const form = {
		responseType: 'customForm',
		formFields: {
			values: [
				{ fieldLabel: 'Version', fieldType: 'text', requiredField: true },
				{ fieldLabel: 'Replicas', fieldType: 'number' },
				{ fieldLabel: 'Contact', fieldType: 'email' },
				{
					fieldLabel: 'Window',
					fieldType: 'dropdown',
					fieldOptions: { values: [{ option: 'Now' }, { option: 'Tonight' }] },
				},
			],
		},
	};

	it('reads a multipart answer as n8n hands it over ({ data: fields }), as the pages post it', async () => {
		const page = call({ responseType: 'freeText' }, { method: 'GET' });
		await page.result;
		expect(page.sent.html).toContain('<form method="post" enctype="multipart/form-data">');
		const answered = call(
			{ responseType: 'freeText' },
			{ method: 'POST', body: { data: { text: 'From the form' }, files: {} } },
		);
		expect(await answered.result).toMatchObject({
			workflowData: [[{ json: { data: { text: 'From the form' } } }]],
		});
	});

	it('shows every field, and resumes with the answers under their labels', async () => {
		const page = call(form, { method: 'GET' });
		await page.result;
		for (const label of ['Version *', 'Replicas', 'Contact', 'Window'])
			expect(page.sent.html).toContain(label);
		expect(page.sent.html).toContain('<option>Tonight</option>');

		const answered = call(form, {
			method: 'POST',
			body: {
				'field-0': 'v2.3.1',
				'field-1': '3',
				'field-2': 'ops@example.com',
				'field-3': 'Tonight',
			},
		});
		expect(await answered.result).toMatchObject({
			workflowData: [
				[
					{
						json: {
							data: {
								Version: 'v2.3.1',
								Replicas: 3,
								Contact: 'ops@example.com',
								Window: 'Tonight',
							},
						},
					},
				],
			],
		});
	});

	it.each([
		[{ 'field-1': '3' }, '"Version" is required'],
		[{ 'field-0': 'v2', 'field-1': 'three' }, '"Replicas" must be a number'],
		[{ 'field-0': 'v2', 'field-2': 'not-an-address' }, '"Contact" must be an email address'],
		[{ 'field-0': 'v2', 'field-3': 'Someday' }, '"Window" must be one of its options'],
	])('answers %j with the form again, saying why, and resumes nothing', async (body, problem) => {
		const { result, sent } = call(form, { method: 'POST', body });
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(sent.status).toBe(400);
		expect(sent.html).toContain(problem.replace(/"/g, '&quot;'));
	});
});

describe('Send and Wait webhook: answers that are odd, hostile or huge', () => {
	const oneField = (fieldLabel: string, fieldType = 'textarea') => ({
		responseType: 'customForm',
		formFields: { values: [{ fieldLabel, fieldType }] },
	});

	it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
		'keeps the answer to a field labelled %s as data',
		async (label) => {
			const { result } = call(oneField(label), { method: 'POST', body: { 'field-0': 'kept' } });
			const resumed = (await result) as { workflowData: Array<Array<{ json: { data: object } }>> };
			const data = resumed.workflowData[0][0].json.data;
			expect(Object.getOwnPropertyDescriptor(data, label)?.value).toBe('kept');
			expect(JSON.parse(JSON.stringify(data))).toEqual(JSON.parse(`{"${label}":"kept"}`));
		},
	);

	it.each([
		['an object', { toString: 5 }],
		['a number', 42],
		['a list of objects', [{ a: 1 }]],
	])('answers %s instead of text with the page again (400), resuming nothing', async (_, value) => {
		for (const [parameters, name] of [
			[{ responseType: 'freeText' }, 'text'],
			[oneField('Reason'), 'field-0'],
		] as const) {
			const { result, sent } = call(parameters, { method: 'POST', body: { [name]: value } });
			expect(await result).toEqual({ noWebhookResponse: true });
			expect(sent.status).toBe(400);
			expect(sent.html).toContain('is not text');
		}
	});

	it('refuses a free-text answer over 64 KB with a page that says so (413), resuming nothing', async () => {
		const { result, sent } = call(
			{ responseType: 'freeText' },
			{ method: 'POST', body: { text: 'x'.repeat(20 * 1024 * 1024) } },
		);
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(sent.status).toBe(413);
		expect(sent.html).toContain('longer than 64 KB');
		expect(sent.html!.length).toBeLessThan(10_000);
	});

	it('counts the 64 KB in UTF-8 bytes, and takes an answer of exactly 64 KB', async () => {
		const exactly = call(
			{ responseType: 'freeText' },
			{ method: 'POST', body: { text: 'x'.repeat(65_536) } },
		);
		expect(await exactly.result).toMatchObject({
			workflowData: [[{ json: { data: { text: 'x'.repeat(65_536) } } }]],
		});
		const chinese = call(
			{ responseType: 'freeText' },
			{ method: 'POST', body: { text: '好'.repeat(30_000) } },
		);
		await chinese.result;
		expect(chinese.sent.status).toBe(413);
	});

	it('refuses a form field over 64 KB, and a form over 1 MB in all, naming the field', async () => {
		const big = call(oneField('Log'), { method: 'POST', body: { 'field-0': 'y'.repeat(70_000) } });
		expect(await big.result).toEqual({ noWebhookResponse: true });
		expect(big.sent.status).toBe(413);
		expect(big.sent.html).toContain('&quot;Log&quot; is longer than 64 KB');

		const values = Array.from({ length: 20 }, (_, index) => ({
			fieldLabel: `Part ${index}`,
			fieldType: 'textarea',
		}));
		const body = Object.fromEntries(
			values.map((_, index) => [`field-${index}`, 'z'.repeat(60_000)]),
		);
		const whole = call(
			{ responseType: 'customForm', formFields: { values } },
			{ method: 'POST', body },
		);
		expect(await whole.result).toEqual({ noWebhookResponse: true });
		expect(whole.sent.status).toBe(413);
		expect(whole.sent.html).toContain('longer than 1 MB in all');
	});
});
