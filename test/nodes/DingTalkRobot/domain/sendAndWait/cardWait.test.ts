import { cardWaitVariables } from '../../../../../nodes/DingTalkRobot/domain/sendAndWait/cardWait';
import type { SendAndWaitConfig } from '../../../../../nodes/DingTalkRobot/domain/sendAndWait/config';

const base: SendAndWaitConfig = {
	responseType: 'approval',
	title: 'Deploy v2.3?',
	message: 'All **checks** passed.',
	approval: { type: 'double', approveLabel: 'Deploy', disapproveLabel: 'Stop' },
	openFormLabel: 'Respond',
	form: { title: 'Deploy v2.3?', description: '', buttonLabel: 'Send' },
	fields: [],
};

describe('the variables a Send and Wait card is sent with', () => {
	it('asks an approval with both buttons, waiting, no result yet, all text', () => {
		const variables = cardWaitVariables(base);
		expect(variables).toEqual({
			title: 'Deploy v2.3?',
			content: 'All **checks** passed.',
			responseType: 'approval',
			approveText: 'Deploy',
			declineText: 'Stop',
			submitText: '',
			formFields: '',
			status: 'waiting',
			resultText: '',
		});
		expect(Object.values(variables).every((value) => typeof value === 'string')).toBe(true);
	});

	it('leaves declineText empty for Approve Only', () => {
		const variables = cardWaitVariables({
			...base,
			approval: { ...base.approval, type: 'single' },
		});
		expect(variables).toMatchObject({ approveText: 'Deploy', declineText: '' });
	});

	it('gives free text a submit button and no approval buttons', () => {
		expect(cardWaitVariables({ ...base, responseType: 'freeText' })).toMatchObject({
			responseType: 'freeText',
			approveText: '',
			declineText: '',
			submitText: 'Send',
			formFields: '',
		});
	});

	it('describes a custom form’s fields as JSON text for the template to lay out', () => {
		const variables = cardWaitVariables({
			...base,
			responseType: 'customForm',
			fields: [
				{ fieldLabel: 'Reason', fieldType: 'textarea', requiredField: true, placeholder: 'Why?' },
				{
					fieldLabel: 'Target',
					fieldType: 'dropdown',
					fieldOptions: { values: [{ option: 'staging' }, { option: 'production' }] },
				},
			],
		});
		expect(JSON.parse(variables.formFields)).toEqual([
			{ label: 'Reason', type: 'textarea', required: true, placeholder: 'Why?' },
			{ label: 'Target', type: 'dropdown', required: false, options: ['staging', 'production'] },
		]);
	});
});
