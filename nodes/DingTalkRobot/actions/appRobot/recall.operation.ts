import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseIdList } from '../../domain/idList';
import { MessageFieldError } from '../../domain/robotMessage';
import { recallGroupMessages, recallUserMessages } from '../../transport/robotRecall';
import type { RecallResult } from '../../transport/robotRecall';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText, robotCodeOf } from '../openApiItem';
import { retryOptions, robotCodeOption } from './appRobot.descriptions';

const properties: INodeProperties[] = [
	{
		displayName:
			'Recalls messages the app robot sent through the OpenAPI, by the processQueryKey of the send. A reply through the session webhook has no key and cannot be recalled.',
		name: 'recallNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Sent To',
		name: 'recallFrom',
		type: 'options',
		options: [
			{
				name: 'Group',
				value: 'groupMessages',
				description: 'Messages of Send to Group (sentTo "groupMessages")',
			},
			{
				name: 'Users (1:1 Chats)',
				value: 'oToMessages',
				description: 'Messages of Send to Users (sentTo "oToMessages")',
			},
		],
		default: 'groupMessages',
		description: 'Where the messages went; the "sentTo" field of the send’s output says it',
	},
	{
		displayName: 'Conversation ID',
		name: 'openConversationId',
		type: 'string',
		default: '={{ $json.openConversationId }}',
		required: true,
		placeholder: 'e.g. cid6KeBBLoveMJOGXoYKF5x7EeiodoA==',
		description: 'The openConversationId of the group the message was sent to',
		displayOptions: { show: { recallFrom: ['groupMessages'] } },
	},
	{
		displayName: 'Process Query Keys',
		name: 'processQueryKeys',
		type: 'string',
		default: '={{ $json.processQueryKeys ?? $json.processQueryKey }}',
		required: true,
		placeholder: 'e.g. 5fe11095f46315d8d30d3f8...',
		description:
			'The processQueryKey of each message to recall, from the send’s output: one, several separated by commas, or a list from an expression. One request per input item.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...retryOptions, robotCodeOption],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['recall'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** The keys to recall; an empty list says why, naming a session-webhook reply as such. */
function readKeys(context: IExecuteFunctions, itemIndex: number): string[] {
	const keys = parseIdList(context.getNodeParameter('processQueryKeys', itemIndex, ''));
	if (keys.length > 0) return keys;
	const input = context.getInputData()[itemIndex]?.json ?? {};
	if (input.sentTo === 'sessionWebhook') {
		throw new MessageFieldError(
			'processQueryKeys',
			'The input item is a reply through the session webhook, which cannot be recalled',
			'DingTalk gives no processQueryKey for a session-webhook reply. Only messages sent through the OpenAPI (Send to Group, Send to Users, or a reply that fell back to the OpenAPI) can be recalled.',
		);
	}
	throw new MessageFieldError(
		'processQueryKeys',
		'"Process Query Keys" is empty',
		'Give the processQueryKey (or processQueryKeys) from the output of Send to Group or Send to Users, e.g. {{ $json.processQueryKey }}.',
	);
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const recallFrom = this.getNodeParameter('recallFrom', itemIndex, 'groupMessages') as string;
	const processQueryKeys = readKeys(this, itemIndex);
	const retry = readRetryOptions(options);
	const client = await openApiClient(this, itemIndex, run);
	const robotCode = robotCodeOf(options, client.app.appKey);
	if (recallFrom === 'oToMessages') {
		const result = await recallUserMessages(client, { robotCode, processQueryKeys }, retry);
		const json = { recalledFrom: recallFrom, robotCode, processQueryKeys };
		return { json: { ...json, ...summary(result, processQueryKeys) } };
	}
	const openConversationId = requiredText(this, itemIndex, 'openConversationId', 'Conversation ID');
	const request = { robotCode, openConversationId, processQueryKeys };
	const result = await recallGroupMessages(client, request, retry);
	return {
		json: { recalledFrom: 'groupMessages', ...request, ...summary(result, processQueryKeys) },
	};
}

/** DingTalk's result, and whether it took back every key asked for. */
function summary(result: RecallResult, keys: string[]) {
	return { ...result, allRecalled: keys.every((key) => result.successResult.includes(key)) };
}
