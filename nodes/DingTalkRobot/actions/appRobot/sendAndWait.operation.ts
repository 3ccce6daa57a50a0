import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { sendAndWaitTrackId } from '../../../shared/cardWait/trackId';
import { openSpaceIdOf } from '../../domain/cards/openSpace';
import { MessageFieldError } from '../../domain/robotMessage';
import { appRobotCard } from '../../domain/sendAndWait/card';
import { cardWaitVariables, DEFAULT_NOT_AUTHORIZED_TEXT } from '../../domain/sendAndWait/cardWait';
import type { SendAndWaitConfig } from '../../domain/sendAndWait/config';
import { createAndDeliverCard } from '../../transport/cards';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, robotCodeOf } from '../openApiItem';
import { readAnswerVia, readCardWaitConfig } from '../sendAndWait/readCardConfig';
import { sendAndWaitProperties } from '../sendAndWait/descriptions';
import { executeReader, readSendAndWaitConfig } from '../sendAndWait/readConfig';
import { resumeUrls, waitForResponse, waitTill } from '../sendAndWait/wait';
import { retryOptions, robotCodeOption } from './appRobot.descriptions';
import { cardSpacesOf } from './cardSpaces';
import { cardTemplateIdProperty } from './cards.descriptions';
import { readChosenTarget } from './readTarget';
import { sendToTarget, type AppRobotTarget } from './sendToTarget';
import { templateMessage } from './templateMessage';

const properties: INodeProperties[] = [
	{
		displayName: 'Answer Via',
		name: 'answerVia',
		type: 'options',
		default: 'links',
		options: [
			{
				name: 'Links',
				value: 'links',
				description:
					'A message card whose buttons open pages of n8n: the person’s browser must reach n8n’s address (WEBHOOK_URL)',
			},
			{
				name: 'Card Buttons (Interactive Card over Stream)',
				value: 'cardButtons',
				description:
					'An interactive card whose buttons answer over the app’s Stream connection: no public URL, who clicked is known, approvers can be set, the card shows the decision. Needs a published DingTalk Stream Trigger of the app with Receive → Card Callbacks.',
			},
		],
	},
	{
		displayName:
			'Card buttons need a published DingTalk Stream Trigger for this app with Receive → Card Callbacks, and a card template built for Send and Wait (variables title, content, status, resultText; callback buttons with action approve/decline/submit). The app needs the permission Card.Instance.Write.',
		name: 'cardWaitNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { answerVia: ['cardButtons'] } },
	},
	{
		...cardTemplateIdProperty('the Send and Wait card template'),
		displayOptions: { show: { answerVia: ['cardButtons'] } },
	},
	{
		displayName: 'Approvers',
		name: 'approvers',
		type: 'string',
		default: '',
		placeholder: 'e.g. manager1234, 0147xxxx8602',
		description:
			'DingTalk user IDs (staff IDs) who may answer, separated by commas (or an array). Empty: anyone who sees the card. A click by anyone else gets a private notice on the card and the workflow keeps waiting.',
		displayOptions: { show: { answerVia: ['cardButtons'] } },
	},
	{
		displayName: 'Send To',
		name: 'sendAndWaitTo',
		type: 'options',
		default: 'group',
		options: [
			{ name: 'Group', value: 'group', description: 'A group the robot is in' },
			{ name: 'Users', value: 'users', description: 'People, in their 1:1 chat with the robot' },
			{
				name: 'Reply to Message',
				value: 'reply',
				description:
					'The conversation of a message from the DingTalk Trigger: its session webhook while valid, the OpenAPI after',
			},
		],
	},
	{
		displayName: 'Incoming Message',
		name: 'incomingMessage',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description: 'The message to answer: an item of the DingTalk Trigger',
		hint: 'After other nodes: {{ $("DingTalk Trigger").item.json }}',
		displayOptions: { show: { sendAndWaitTo: ['reply'] } },
	},
	{
		displayName: 'Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. cid6KeBBLoveMJOGXoYKF5x7EeiodoA==',
		description: 'The openConversationId of the group; the robot must be in it',
		displayOptions: { show: { sendAndWaitTo: ['group'] } },
	},
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234',
		description: 'DingTalk user IDs (staff IDs) of the people to ask, separated by commas',
		displayOptions: { show: { sendAndWaitTo: ['users'] } },
	},
	...sendAndWaitProperties([
		{
			displayName: 'Not Authorized Notice',
			name: 'notAuthorizedText',
			type: 'string',
			default: DEFAULT_NOT_AUTHORIZED_TEXT,
			description:
				'What a person who is not among the approvers sees on the card (only they see it) when they click',
			displayOptions: { show: { '/answerVia': ['cardButtons'] } },
		},
		...retryOptions,
		robotCodeOption,
	]),
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['sendAndWait'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/**
 * Sends the question as interactive cards whose buttons call back over Stream, one per space.
 * Each card's outTrackId carries the signed resume path, so the app's Stream trigger can hand
 * a click to this execution from any workflow or process.
 */
async function sendCardsAndWait(
	context: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
	config: SendAndWaitConfig,
	target: AppRobotTarget,
	options: IDataObject,
	until: Date,
): Promise<ItemResult> {
	const card = readCardWaitConfig(executeReader(context));
	const spaces = cardSpacesOf(target, 'sendAndWaitTo');
	const resumeUrl = context.getSignedResumeUrl();
	const retry = readRetryOptions(options);
	const client = await openApiClient(context, itemIndex, run);
	const robotCode = robotCodeOf(options, client.app.appKey);
	const variables = cardWaitVariables(config);
	const cards: IDataObject[] = [];
	for (const [index, space] of spaces.entries()) {
		const outTrackId = sendAndWaitTrackId(resumeUrl, index);
		await createAndDeliverCard(
			client,
			{
				cardTemplateId: card.cardTemplateId,
				outTrackId,
				variables,
				space,
				robotCode,
				callbackType: 'STREAM',
				supportForward: false,
			},
			retry,
		);
		cards.push({ outTrackId, openSpaceId: openSpaceIdOf(space) });
	}
	await waitForResponse(context, until);
	return {
		json: {
			answerVia: 'cardButtons',
			cardTemplateId: card.cardTemplateId,
			approvers: card.approvers,
			cards,
			robotCode,
		},
	};
}

/**
 * Sends the question to a group, people or the conversation of a received message, then waits:
 * as the app robot's sampleActionCard template with links, or as interactive cards with buttons.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const config = readSendAndWaitConfig(executeReader(this));
	const until = waitTill(this);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const target = readChosenTarget(this, itemIndex, 'sendAndWaitTo', options);
	if (readAnswerVia(executeReader(this)) === 'cardButtons') {
		return await sendCardsAndWait(this, itemIndex, run, config, target, options, until);
	}
	const card = appRobotCard(config, resumeUrls(this));
	const message = templateMessage(card.msgKey, card.params);
	const json = await sendToTarget(this, itemIndex, run, target, message, options);
	if (target.to === 'users' && (json.deliveredUserIds as string[]).length === 0) {
		throw new MessageFieldError(
			'userIds',
			`DingTalk delivered the question to none of ${target.userIds.join(', ')}`,
			'Check the user IDs (invalidStaffIdList) and that the people can receive robot messages.',
		);
	}
	await waitForResponse(this, until);
	return { json };
}
