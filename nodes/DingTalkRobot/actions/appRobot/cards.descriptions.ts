import type { INodeProperties } from 'n8n-workflow';

/**
 * The card variables (cardParamMap) of Send Interactive Card and Update Card: name/value pairs,
 * or one JSON object. `what` says whose variables they are in the descriptions.
 */
export function cardVariablesProperties(what: string): INodeProperties[] {
	return [
		{
			displayName: 'Variables Input',
			name: 'variablesInput',
			type: 'options',
			default: 'fields',
			options: [
				{ name: 'Name/Value Pairs', value: 'fields', description: 'One row per variable' },
				{ name: 'JSON', value: 'json', description: 'One JSON object of names and values' },
			],
			description: 'How to give the variables',
		},
		{
			displayName: 'Variables',
			name: 'variables',
			type: 'fixedCollection',
			placeholder: 'Add Variable',
			typeOptions: { multipleValues: true },
			default: {},
			description: `${what}: the names as in the card template. DingTalk takes text only: numbers and true/false are sent as text, objects and lists as their JSON text.`,
			displayOptions: { show: { variablesInput: ['fields'] } },
			options: [
				{
					displayName: 'Variable',
					name: 'variable',
					values: [
						{
							displayName: 'Name',
							name: 'name',
							type: 'string',
							default: '',
							placeholder: 'e.g. title',
						},
						{
							displayName: 'Value',
							name: 'value',
							type: 'string',
							default: '',
							placeholder: 'e.g. Deploy v2.3?',
						},
					],
				},
			],
		},
		{
			displayName: 'Variables (JSON)',
			name: 'variablesJson',
			type: 'json',
			default: '{\n  "title": "Hello from n8n"\n}',
			description: `${what} as a JSON object, names as in the card template. DingTalk takes text only: numbers and true/false are sent as text, objects and lists as their JSON text.`,
			displayOptions: { show: { variablesInput: ['json'] } },
		},
	];
}
