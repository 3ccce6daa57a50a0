import { sendAndWaitCardView } from './sandboxCardView';

/** The public variables Send and Wait sets on its card (docs/cards.md, the template contract). */
function waiting(variables: Record<string, string>) {
	return {
		publicData: {
			title: 'Deploy v2.3?',
			content: 'Requested by **alice**',
			approveText: '',
			declineText: '',
			submitText: '',
			status: 'waiting',
			resultText: '',
			...variables,
		},
		privateData: {},
	};
}

describe('sendAndWaitCardView: a Send and Wait card as its template shows it', () => {
	it('is null for a card without the contract’s responseType and status', () => {
		expect(sendAndWaitCardView({ publicData: { title: 'Disk full' }, privateData: {} })).toBeNull();
		expect(
			sendAndWaitCardView({
				publicData: { responseType: 'poll', status: 'waiting' },
				privateData: {},
			}),
		).toBeNull();
		expect(
			sendAndWaitCardView({ publicData: { responseType: 'approval' }, privateData: {} }),
		).toBeNull();
	});

	it('an approval waits with its approve and decline buttons, the content rendered as markdown', () => {
		const view = sendAndWaitCardView(
			waiting({ responseType: 'approval', approveText: 'Deploy', declineText: 'Cancel' }),
		)!;
		expect(view).toMatchObject({
			responseType: 'approval',
			title: 'Deploy v2.3?',
			waiting: true,
			inputs: [],
			buttons: [
				{ text: 'Deploy', params: { action: 'approve' }, sendsInputs: false },
				{ text: 'Cancel', params: { action: 'decline' }, sendsInputs: false },
			],
			resultText: '',
			notices: {},
		});
		expect(view.contentHtml).toBe('<p>Requested by <strong>alice</strong></p>');
	});

	it('an approval with an empty declineText has only its approve button', () => {
		const view = sendAndWaitCardView(waiting({ responseType: 'approval', approveText: 'OK' }))!;
		expect(view.buttons).toEqual([
			{ text: 'OK', params: { action: 'approve' }, sendsInputs: false },
		]);
	});

	it('escapes markup in the content', () => {
		const view = sendAndWaitCardView(
			waiting({ responseType: 'approval', content: '<img src=x onerror=alert(1)>' }),
		)!;
		expect(view.contentHtml).not.toContain('<img');
		expect(view.contentHtml).toContain('&lt;img');
	});

	it('a free-text question has a required text input and its submit button', () => {
		const view = sendAndWaitCardView(waiting({ responseType: 'freeText', submitText: 'Send' }))!;
		expect(view.inputs).toEqual([
			{ name: 'text', label: 'Your answer', type: 'textarea', required: true },
		]);
		expect(view.buttons).toEqual([
			{ text: 'Send', params: { action: 'submit' }, sendsInputs: true },
		]);
	});

	it('a form has an input per formFields entry, sent under its label', () => {
		const view = sendAndWaitCardView(
			waiting({
				responseType: 'customForm',
				formFields: JSON.stringify([
					{ label: 'Reason', type: 'textarea', required: true },
					{ label: 'Days', type: 'number', required: false },
					{ label: 'Kind', type: 'dropdown', options: ['Annual', 'Sick'] },
					{ label: 'Start', type: 'date' },
					{ label: 'Colour', type: 'colour-wheel' },
					{ label: 'Team', type: 'dropdown' },
				]),
			}),
		)!;
		expect(view.problem).toBeUndefined();
		expect(view.inputs).toEqual([
			{ name: 'Reason', label: 'Reason', type: 'textarea', required: true },
			{ name: 'Days', label: 'Days', type: 'number', required: false },
			{
				name: 'Kind',
				label: 'Kind',
				type: 'dropdown',
				required: false,
				options: ['Annual', 'Sick'],
			},
			{ name: 'Start', label: 'Start', type: 'date', required: false },
			// Types the sandbox does not draw, and a dropdown without options, are text inputs.
			{ name: 'Colour', label: 'Colour', type: 'text', required: false },
			{ name: 'Team', label: 'Team', type: 'text', required: false },
		]);
		expect(view.buttons).toEqual([
			{ text: 'Submit', params: { action: 'submit' }, sendsInputs: true },
		]);
	});

	it.each([
		[undefined, 'has no formFields variable'],
		['{not json', 'is not JSON'],
		['{"label": "Reason"}', 'is not a JSON list'],
		['[{"type": "text"}]', 'needs a label'],
	])('a form whose formFields is %p says why it shows no inputs', (formFields, problem) => {
		const view = sendAndWaitCardView(
			waiting({ responseType: 'customForm', ...(formFields === undefined ? {} : { formFields }) }),
		)!;
		expect(view.problem).toContain(problem);
		expect(view.inputs).toEqual([]);
		expect(view.buttons).toEqual([]);
	});

	it('after the decision it no longer waits and shows the result; each clicker sees their notice', () => {
		const view = sendAndWaitCardView({
			publicData: {
				...waiting({ responseType: 'approval' }).publicData,
				status: 'approved',
				resultText: 'Approved by 张三',
			},
			privateData: {
				'user-bob': { notice: 'Only the approvers of this request can answer it.' },
				'user-zhang': { notice: '' },
			},
		})!;
		expect(view).toMatchObject({
			waiting: false,
			status: 'approved',
			resultText: 'Approved by 张三',
		});
		expect(view.notices).toEqual({
			'user-bob': 'Only the approvers of this request can answer it.',
		});
	});
});
