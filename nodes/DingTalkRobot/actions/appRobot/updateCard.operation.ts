import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { NOT_JSON, parseJsonText, toCardParamMap } from '../../../shared/cardVariables';
import type { CardParamMap } from '../../../shared/cardVariables';
import { MessageFieldError } from '../../domain/robotMessage';
import { updateCard } from '../../transport/cards';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText } from '../openApiItem';
import { retryOptions } from './appRobot.descriptions';
import { cardVariablesProperties } from './cards.descriptions';
import { readCardVariables } from './readCardVariables';

const properties: INodeProperties[] = [
	{
		displayName: 'Out Track ID',
		name: 'outTrackId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.outTrackId }}',
		description:
			'The outTrackId of the card: from Send Interactive Card, or of a card callback of the DingTalk Stream Trigger',
	},
	...cardVariablesProperties('The public variables (what everyone sees)'),
	{
		displayName: 'Private Variables (JSON)',
		name: 'privateVariables',
		type: 'json',
		default: '',
		placeholder: '{"manager1234": {"note": "You approved this"}}',
		description:
			'What single people see on top of the public variables: a JSON object of user IDs, each with its variables. Values become text like the public ones.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Keep Other Variables',
				name: 'updateByKey',
				type: 'boolean',
				default: true,
				description:
					'Whether only the variables given change (DingTalk’s updateCardDataByKey). Off: the given variables replace all of the card’s (or the person’s) variables.',
			},
			...retryOptions,
		],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['updateCard'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function readPrivateVariables(
	context: IExecuteFunctions,
	itemIndex: number,
): Record<string, CardParamMap> | undefined {
	const field = 'privateVariables';
	const label = 'Private Variables (JSON)';
	let value: unknown = context.getNodeParameter(field, itemIndex, '');
	if (typeof value === 'string') {
		if (value.trim() === '') return undefined;
		value = parseJsonText(value);
		if (value === NOT_JSON) {
			throw new MessageFieldError(
				field,
				`"${label}" is not valid JSON`,
				'Write {"<user ID>": {"<variable>": "<value>"}}.',
			);
		}
	}
	if (value === null || value === undefined) return undefined;
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new MessageFieldError(
			field,
			`"${label}" is not a JSON object of user IDs`,
			'Write {"<user ID>": {"<variable>": "<value>"}}.',
		);
	}
	const byUser: Record<string, CardParamMap> = {};
	for (const [userId, variables] of Object.entries(value as Record<string, unknown>)) {
		if (!userId.trim()) {
			throw new MessageFieldError(
				field,
				`"${label}" has an empty user ID`,
				'Name each person by user ID.',
			);
		}
		byUser[userId.trim()] = toCardParamMap(variables, field, `${label} of ${userId}`);
	}
	return Object.keys(byUser).length > 0 ? byUser : undefined;
}

/** Changes the variables of a sent card in place: for everyone, and per person. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const outTrackId = requiredText(this, itemIndex, 'outTrackId', 'Out Track ID');
	const publicVariables = readCardVariables(this, itemIndex);
	const privateVariables = readPrivateVariables(this, itemIndex);
	const variables = Object.keys(publicVariables).length > 0 ? publicVariables : undefined;
	if (!variables && !privateVariables) {
		throw new MessageFieldError(
			'variables',
			'Update Card has no variables to change',
			'Give public variables, private variables, or both.',
		);
	}
	const client = await openApiClient(this, itemIndex, run);
	const reply = await updateCard(
		client,
		{ outTrackId, variables, privateVariables, byKey: options.updateByKey !== false },
		readRetryOptions(options),
	);
	return {
		json: {
			outTrackId,
			variables: variables ?? {},
			privateVariables: privateVariables ?? {},
			updatedByKey: options.updateByKey !== false,
			result: (reply.result ?? null) as IDataObject,
		},
	};
}
