import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { parseMentionList } from '../../domain/mentions';
import { normalizeMobile } from '../../domain/mobile';
import { findUserIdByMobile } from '../../transport/contacts';
import type { OpenApiClient, RetryOptions } from '../../transport/openApi';
import { MessageFieldError } from '../../domain/robotMessage';
import { sendToUserBatches } from '../../transport/robotOpenApi';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import {
	openApiClient,
	readRetryOptions,
	readTemplateMessage,
	retryOptions,
	robotCodeOf,
	robotCodeOption,
	templateProperties,
} from './common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Recipients By',
		name: 'recipientsBy',
		type: 'options',
		default: 'userIds',
		options: [
			{
				name: 'User IDs',
				value: 'userIds',
				description: 'DingTalk user IDs (staff IDs), as messages and events carry them',
			},
			{
				name: 'Mobile Numbers',
				value: 'mobiles',
				description:
					'Mobile numbers; the node looks up each person’s user ID first (needs the contacts permission qyapi_get_member_by_mobile)',
			},
		],
	},
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234, 0147xxxx8602',
		description:
			'DingTalk user IDs (staff IDs) of the people to message in their 1:1 chat with the robot, separated by commas or new lines (an expression may also give an array). Any number: the node sends 20 per request, as DingTalk allows.',
		displayOptions: { show: { recipientsBy: ['userIds'] } },
	},
	{
		displayName: 'Mobile Numbers',
		name: 'mobiles',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 13800138000, 13900139000',
		description:
			'Mobile numbers of the people to message, separated by commas or new lines (or an array). For mainland China without +86. Numbers DingTalk does not know are listed in unknownMobiles of the output.',
		displayOptions: { show: { recipientsBy: ['mobiles'] } },
	},
	...templateProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...retryOptions, robotCodeOption],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['sendToUsers'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const byMobile = this.getNodeParameter('recipientsBy', itemIndex, 'userIds') === 'mobiles';
	const listed = parseMentionList(
		this.getNodeParameter(byMobile ? 'mobiles' : 'userIds', itemIndex, ''),
	);
	if (listed.length === 0) {
		throw new MessageFieldError(
			byMobile ? 'mobiles' : 'userIds',
			byMobile ? '"Mobile Numbers" is empty' : '"User IDs" is empty',
			byMobile
				? 'Give at least one mobile number, e.g. {{ $json.mobile }}.'
				: 'Give at least one DingTalk user ID (staff ID), e.g. {{ $json.sender.staffId }}.',
		);
	}
	const message = readTemplateMessage.call(this, itemIndex);
	const client = await openApiClient(this, itemIndex, run);
	const lookup = byMobile
		? await userIdsOfMobiles(client, listed, readRetryOptions(options))
		: undefined;
	const userIds = lookup ? [...new Set(Object.values(lookup.userIdsByMobile))] : listed;
	const robotCode = robotCodeOf(options, client.app.appKey);
	const report = await sendToUserBatches(
		client,
		{ robotCode, msgKey: message.msgKey, msgParam: message.msgParam },
		userIds,
		readRetryOptions(options),
	);
	return {
		json: {
			sentTo: 'oToMessages',
			robotCode,
			msgKey: message.msgKey,
			msgParam: message.params,
			...lookup,
			...report,
		},
	};
}

/** The user ID of each mobile number; fails only when DingTalk knows none of them. */
async function userIdsOfMobiles(client: OpenApiClient, mobiles: string[], retry: RetryOptions) {
	const userIdsByMobile: Record<string, string> = {};
	const unknownMobiles: string[] = [];
	for (const mobile of new Set(mobiles.map(normalizeMobile))) {
		const userId = await findUserIdByMobile(client, mobile, retry);
		if (userId) userIdsByMobile[mobile] = userId;
		else unknownMobiles.push(mobile);
	}
	if (Object.keys(userIdsByMobile).length === 0) {
		throw new MessageFieldError(
			'mobiles',
			`DingTalk knows none of the mobile numbers ${unknownMobiles.join(', ')}`,
			'Check the numbers, and that the people are in the app’s contact range (通讯录权限范围).',
		);
	}
	return { userIdsByMobile, unknownMobiles };
}
