import type { INodeProperties } from 'n8n-workflow';

/** Card Template ID: which template of the card builder (卡片搭建平台) the card is made of. */
export function cardTemplateIdProperty(which: string): INodeProperties {
	return {
		displayName: 'Card Template ID',
		name: 'cardTemplateId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 7a6b5c4d-0000-1111-2222-333344445555.schema',
		description: `The ID of ${which}, from the card builder (卡片搭建平台)`,
	};
}

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
