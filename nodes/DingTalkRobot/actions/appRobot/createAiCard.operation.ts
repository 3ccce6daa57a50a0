import { randomUUID } from 'node:crypto';
import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FLOW_STATUS } from '../../domain/aiCards/flowStatus';
import { openSpaceIdOf } from '../../domain/cards/openSpace';
import { createAndDeliverCard } from '../../transport/cards';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText, robotCodeOf } from '../openApiItem';
import {
	aiCardTargetProperties,
	aiCardTemplateProperty,
	aiCardVariableOptions,
} from './aiCard.descriptions';
import { retryOptions, robotCodeOption } from './appRobot.descriptions';
import { readAiCardKeys, readAiCardSpace } from './readAiCardTarget';

const properties: INodeProperties[] = [
	{
		displayName:
			'Delivers an AI card that shows "thinking" and outputs its outTrackId; fill it with Update AI Card. To stream a workflow’s answer in one step, use Reply with AI Card.',
		name: 'createAiCardNotice',
		type: 'notice',
		default: '',
	},
	...aiCardTargetProperties,
	aiCardTemplateProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			...aiCardVariableOptions,
			{
				displayName: 'Out Track ID',
				name: 'outTrackId',
				type: 'string',
				default: '',
				placeholder: 'Generated when empty',
				description: 'Your own unique ID of the card; DingTalk refuses an ID the app used before',
			},
			...retryOptions,
			robotCodeOption,
		],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['createAiCard'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** Delivers an AI card in its thinking state, with Stream callbacks so that it can stream. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const cardTemplateId = requiredText(this, itemIndex, 'aiCardTemplateId', 'Card Template ID');
	const space = readAiCardSpace(this, itemIndex);
	const { contentKey, statusKey } = readAiCardKeys(options);
	const client = await openApiClient(this, itemIndex, run);
	const robotCode = robotCodeOf(options, client.app.appKey);
	const outTrackId = String(options.outTrackId ?? '').trim() || `n8n-ai-${randomUUID()}`;
	await createAndDeliverCard(
		client,
		{
			cardTemplateId,
			outTrackId,
			variables: { [statusKey]: FLOW_STATUS.processing, [contentKey]: '' },
			space,
			robotCode,
			// Streaming into a card created without Stream callbacks fails (HTTP 500).
			callbackType: 'STREAM',
			supportForward: true,
		},
		readRetryOptions(options),
	);
	return {
		json: {
			outTrackId,
			cardTemplateId,
			openSpaceId: openSpaceIdOf(space),
			...(space.type === 'IM_GROUP'
				? { sentTo: 'group', openConversationId: space.openConversationId }
				: { sentTo: 'user', userId: space.userId }),
			robotCode,
			status: 'processing',
		},
	};
}
