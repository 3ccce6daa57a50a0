import type { INodeProperties } from 'n8n-workflow';

import { FIELD_TYPES } from '../../domain/sendAndWait/formFields';

/**
 * The form of a Send and Wait for Response operation, after n8n's own (Slack, Telegram): the
 * message, the response type with its buttons or form, and a time limit. Names follow n8n's, so
 * a user who knows Slack's operation finds the same fields.
 */
export function sendAndWaitProperties(extraOptions: INodeProperties[] = []): INodeProperties[] {
	return [
		{
			displayName: 'Title',
			name: 'cardTitle',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. Deploy v2.3 to production?',
			description: 'Title of the card; DingTalk shows it in the notification and the chat list',
		},
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			typeOptions: { rows: 5 },
			default: '',
			required: true,
			description: 'Markdown text of the card, above its buttons',
		},
		{
			displayName: 'Response Type',
			name: 'responseType',
			type: 'options',
			default: 'approval',
			options: [
				{
					name: 'Approval',
					value: 'approval',
					description: 'The person approves (or declines) with a button',
				},
				{
					name: 'Free Text',
					value: 'freeText',
					description: 'The person writes an answer on a page the button opens',
				},
				{
					name: 'Custom Form',
					value: 'customForm',
					description: 'The person fills in a form of your fields on a page the button opens',
				},
			],
		},
		{
			displayName: 'Approval Options',
			name: 'approvalOptions',
			type: 'fixedCollection',
			placeholder: 'Add option',
			default: {},
			displayOptions: { show: { responseType: ['approval'] } },
			options: [
				{
					displayName: 'Values',
					name: 'values',
					values: [
						{
							displayName: 'Type of Approval',
							name: 'approvalType',
							type: 'options',
							default: 'single',
							options: [
								{ name: 'Approve Only', value: 'single' },
								{ name: 'Approve and Disapprove', value: 'double' },
							],
						},
						{
							displayName: 'Approve Button Label',
							name: 'approveLabel',
							type: 'string',
							default: 'Approve',
						},
						{
							displayName: 'Disapprove Button Label',
							name: 'disapproveLabel',
							type: 'string',
							default: 'Decline',
							displayOptions: { show: { approvalType: ['double'] } },
						},
					],
				},
			],
		},
		{
			displayName: 'Define Form',
			name: 'defineForm',
			type: 'options',
			noDataExpression: true,
			default: 'fields',
			displayOptions: { show: { responseType: ['customForm'] } },
			options: [
				{ name: 'Using Fields Below', value: 'fields' },
				{ name: 'Using JSON', value: 'json' },
			],
		},
		{
			displayName: 'Form Fields',
			name: 'formFields',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Form Field',
			default: {},
			displayOptions: { show: { responseType: ['customForm'], defineForm: ['fields'] } },
			options: [
				{
					displayName: 'Values',
					name: 'values',
					values: [
						{
							displayName: 'Field Label',
							name: 'fieldLabel',
							type: 'string',
							default: '',
							required: true,
							placeholder: 'e.g. Reason',
							description: 'Label of the field; the output uses it as the key',
						},
						{
							displayName: 'Field Options',
							name: 'fieldOptions',
							type: 'fixedCollection',
							typeOptions: { multipleValues: true, sortable: true },
							placeholder: 'Add Field Option',
							default: { values: [{ option: '' }] },
							displayOptions: { show: { fieldType: ['dropdown'] } },
							options: [
								{
									displayName: 'Values',
									name: 'values',
									values: [{ displayName: 'Option', name: 'option', type: 'string', default: '' }],
								},
							],
						},
						{
							displayName: 'Field Type',
							name: 'fieldType',
							type: 'options',
							default: 'text',
							options: FIELD_TYPES.map((type) => ({
								name: type === 'textarea' ? 'Textarea' : type[0].toUpperCase() + type.slice(1),
								value: type,
							})),
						},
						{
							displayName: 'Placeholder',
							name: 'placeholder',
							type: 'string',
							default: '',
							displayOptions: { hide: { fieldType: ['dropdown', 'date'] } },
						},
						{
							displayName: 'Required Field',
							name: 'requiredField',
							type: 'boolean',
							default: false,
							description: 'Whether the person must fill in this field',
						},
					],
				},
			],
		},
		{
			displayName: 'Form Fields (JSON)',
			name: 'jsonOutput',
			type: 'json',
			typeOptions: { rows: 5 },
			default:
				'[\n  {\n    "fieldLabel": "Reason",\n    "fieldType": "textarea",\n    "requiredField": true\n  }\n]',
			displayOptions: { show: { responseType: ['customForm'], defineForm: ['json'] } },
			description:
				'The fields as n8n’s Form node writes them: fieldLabel, fieldType (text, textarea, number, email, date, dropdown), requiredField, placeholder, fieldOptions',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [
				{
					displayName: 'Limit Wait Time',
					name: 'limitWaitTime',
					type: 'fixedCollection',
					default: {
						values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' },
					},
					description:
						'Whether the workflow goes on without an answer after a time; it then continues with the input items',
					options: [
						{
							displayName: 'Values',
							name: 'values',
							values: [
								{
									displayName: 'Limit Type',
									name: 'limitType',
									type: 'options',
									default: 'afterTimeInterval',
									options: [
										{ name: 'After Time Interval', value: 'afterTimeInterval' },
										{ name: 'At Specified Time', value: 'atSpecifiedTime' },
									],
								},
								{
									displayName: 'Amount',
									name: 'resumeAmount',
									type: 'number',
									default: 1,
									typeOptions: { minValue: 0, numberPrecision: 2 },
									displayOptions: { show: { limitType: ['afterTimeInterval'] } },
								},
								{
									displayName: 'Unit',
									name: 'resumeUnit',
									type: 'options',
									default: 'hours',
									displayOptions: { show: { limitType: ['afterTimeInterval'] } },
									options: [
										{ name: 'Minutes', value: 'minutes' },
										{ name: 'Hours', value: 'hours' },
										{ name: 'Days', value: 'days' },
									],
								},
								{
									displayName: 'Max Date and Time',
									name: 'maxDateAndTime',
									type: 'dateTime',
									default: '',
									displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
								},
							],
						},
					],
				},
				{
					displayName: 'Message Button Label',
					name: 'messageButtonLabel',
					type: 'string',
					default: 'Respond',
					description: 'The card’s button that opens the answer page (Free Text and Custom Form)',
				},
				{
					displayName: 'Response Form Button Label',
					name: 'responseFormButtonLabel',
					type: 'string',
					default: 'Submit',
				},
				{
					displayName: 'Response Form Description',
					name: 'responseFormDescription',
					type: 'string',
					default: '',
				},
				{
					displayName: 'Response Form Title',
					name: 'responseFormTitle',
					type: 'string',
					default: '',
					description: 'Title of the answer page; the card’s title when empty',
				},
				...extraOptions,
			],
		},
	];
}
