import { randomUUID } from 'node:crypto';
import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties, NodeApiError } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import type { CardSpace } from '../../domain/cards/openSpace';
import { openSpaceIdOf } from '../../domain/cards/openSpace';
import { cardSpacesOf } from './cardSpaces';
import { createAndDeliverCard } from '../../transport/cards';
import type { CardCallbackType, NewCard } from '../../transport/cards';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText, robotCodeOf } from '../openApiItem';
import { retryOptions, robotCodeOption } from './appRobot.descriptions';
import { cardTemplateIdProperty, cardVariablesProperties } from './cards.descriptions';
import { readCardVariables } from './readCardVariables';
import { readChosenTarget } from './readTarget';

const properties: INodeProperties[] = [
	{
		displayName:
			'Interactive cards (互动卡片) are built in DingTalk’s card builder (卡片搭建平台) and need the app permission Card.Instance.Write. Button clicks come back to a DingTalk Stream Trigger with Receive → Card Callbacks.',
		name: 'cardNotice',
		type: 'notice',
		default: '',
	},
	cardTemplateIdProperty('the card template'),
	{
		displayName: 'Send To',
		name: 'cardSendTo',
		type: 'options',
		default: 'group',
		options: [
			{ name: 'Group', value: 'group', description: 'A group the robot is in' },
			{
				name: 'Users',
				value: 'users',
				description: 'People in their 1:1 chat with the robot: one card per person',
			},
			{
				name: 'Reply to Message',
				value: 'reply',
				description: 'The group of a received message, or its sender’s 1:1 chat with the robot',
			},
		],
	},
	{
		displayName: 'Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. cid6KeBBLoveMJOGXoYKF5x7EeiodoA==',
		description:
			'The openConversationId of the group, e.g. the conversation ID of a message the robot received there. The robot must be in the group.',
		displayOptions: { show: { cardSendTo: ['group'] } },
	},
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234, 0147xxxx8602',
		description:
			'DingTalk user IDs (staff IDs), separated by commas or new lines (or an array). Each person gets a card of their own, one output item each.',
		displayOptions: { show: { cardSendTo: ['users'] } },
	},
	{
		displayName: 'Incoming Message',
		name: 'incomingMessage',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description:
			'The message to answer: an item of the DingTalk Trigger or DingTalk Stream Trigger. A group message is answered in the group, a 1:1 message in the sender’s chat with the robot.',
		hint: 'After other nodes: {{ $("DingTalk Stream Trigger").item.json }}',
		displayOptions: { show: { cardSendTo: ['reply'] } },
	},
	...cardVariablesProperties('The card’s variables'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Allow Forwarding',
				name: 'supportForward',
				type: 'boolean',
				default: true,
				description: 'Whether people may forward the card to other chats',
			},
			{
				displayName: 'Callback Route Key',
				name: 'callbackRouteKey',
				type: 'string',
				default: '',
				description:
					'HTTP callbacks only: the route key registered for the callback URL with DingTalk (/v1.0/card/callbacks/register)',
				displayOptions: { show: { callbackType: ['HTTP'] } },
			},
			{
				displayName: 'Callback Type',
				name: 'callbackType',
				type: 'options',
				default: 'STREAM',
				options: [
					{
						name: 'Stream',
						value: 'STREAM',
						description:
							'Button clicks come over the app’s Stream connection (DingTalk Stream Trigger, Card Callbacks); no public URL',
					},
					{
						name: 'HTTP',
						value: 'HTTP',
						description:
							'Button clicks go to the URL registered for the Callback Route Key (this package does not receive those)',
					},
				],
				description:
					'How DingTalk reports button clicks. A card sent without Stream never calls back over Stream.',
			},
			{
				displayName: 'Out Track ID',
				name: 'outTrackId',
				type: 'string',
				default: '',
				placeholder: 'Generated when empty',
				description:
					'Your own unique ID of the card, the handle for Update Card; DingTalk refuses an ID the app used before. Empty: a new ID is generated. For several people each card gets this ID plus "-" and the user ID.',
			},
			...retryOptions,
			robotCodeOption,
		],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['sendCard'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function outTrackIdsOf(given: string, spaces: CardSpace[]): string[] {
	if (!given) return spaces.map(() => `n8n-${randomUUID()}`);
	if (spaces.length === 1) return [given];
	return spaces.map((space) => `${given}-${space.type === 'IM_ROBOT' ? space.userId : ''}`);
}

function readCallback(options: IDataObject): { type: CardCallbackType; routeKey?: string } {
	const type: CardCallbackType = options.callbackType === 'HTTP' ? 'HTTP' : 'STREAM';
	if (type === 'STREAM') return { type };
	const routeKey = String(options.callbackRouteKey ?? '').trim();
	if (!routeKey) {
		throw new MessageFieldError(
			'callbackRouteKey',
			'HTTP callbacks need a Callback Route Key',
			'Give the route key registered with DingTalk for your callback URL, or choose Callback Type → Stream.',
		);
	}
	return { type, routeKey };
}

/**
 * Creates and delivers an interactive card of a template, one per space: the group, each
 * person's 1:1 chat with the robot, or the conversation of a received message.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult[]> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const cardTemplateId = requiredText(this, itemIndex, 'cardTemplateId', 'Card Template ID');
	const spaces = cardSpacesOf(
		readChosenTarget(this, itemIndex, 'cardSendTo', options),
		'cardSendTo',
	);
	const variables = readCardVariables(this, itemIndex);
	const callback = readCallback(options);
	const outTrackIds = outTrackIdsOf(String(options.outTrackId ?? '').trim(), spaces);
	const retry = readRetryOptions(options);
	const client = await openApiClient(this, itemIndex, run);
	const robotCode = robotCodeOf(options, client.app.appKey);

	const results: ItemResult[] = [];
	for (const [index, space] of spaces.entries()) {
		const card: NewCard = {
			cardTemplateId,
			outTrackId: outTrackIds[index],
			variables,
			space,
			robotCode,
			callbackType: callback.type,
			callbackRouteKey: callback.routeKey,
			supportForward: options.supportForward !== false,
		};
		let reply: IDataObject;
		try {
			reply = await createAndDeliverCard(client, card, retry);
		} catch (error) {
			const apiError = error as NodeApiError;
			if (results.length > 0) {
				apiError.description =
					`${apiError.description ?? ''} ${results.length} card(s) before this one were sent; "sentCards" lists them.`.trim();
				apiError.context.report = { sentCards: results.map((result) => result.json) };
			}
			throw apiError;
		}
		results.push({
			json: {
				outTrackId: card.outTrackId,
				cardTemplateId,
				openSpaceId: openSpaceIdOf(space),
				...(space.type === 'IM_GROUP'
					? { sentTo: 'group', openConversationId: space.openConversationId }
					: { sentTo: 'user', userId: space.userId }),
				callbackType: card.callbackType,
				robotCode,
				variables,
				result: (reply.result ?? reply) as IDataObject,
			},
		});
	}
	return results;
}
