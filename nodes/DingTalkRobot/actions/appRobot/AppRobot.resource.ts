import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../node.type';
import * as createAiCard from './createAiCard.operation';
import * as downloadFile from './downloadFile.operation';
import * as recall from './recall.operation';
import * as reply from './reply.operation';
import * as replyWithAiCard from './replyWithAiCard.operation';
import * as sendAndWait from './sendAndWait.operation';
import * as sendCard from './sendCard.operation';
import * as sendToGroup from './sendToGroup.operation';
import * as sendToUsers from './sendToUsers.operation';
import * as updateAiCard from './updateAiCard.operation';
import * as updateCard from './updateCard.operation';
import * as uploadMedia from './uploadMedia.operation';

export const operations: ResourceOperations<'appRobot'> = {
	createAiCard,
	downloadFile,
	recall,
	reply,
	replyWithAiCard,
	sendAndWait: { ...sendAndWait, runsOnce: true },
	sendCard,
	sendToGroup,
	sendToUsers,
	updateAiCard,
	updateCard,
	uploadMedia,
};

export const description: INodeProperties[] = [
	{
		displayName:
			'Uses the robot of an internal DingTalk app (企业内部应用机器人) with the DingTalk App API credential. The app needs the robot permissions in the developer console.',
		name: 'appRobotNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['appRobot'] } },
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['appRobot'] } },
		options: [
			{
				name: 'Create AI Card',
				value: 'createAiCard',
				description:
					'Deliver an AI card (AI 卡片) that shows "thinking", to fill yourself with Update AI Card',
				action: 'Create an AI card',
			},
			{
				name: 'Download File',
				value: 'downloadFile',
				description: 'Download a picture, file, audio or video a user sent to the robot',
				action: 'Download a received file',
			},
			{
				name: 'Recall Message',
				value: 'recall',
				description:
					'Take back messages the robot sent to a group or to people, by the processQueryKey of the send',
				action: 'Recall a message',
			},
			{
				name: 'Reply to Message',
				value: 'reply',
				description:
					'Answer a message from the DingTalk Trigger, through its session webhook while valid and through the OpenAPI after',
				action: 'Reply to a received message',
			},
			{
				name: 'Reply with AI Card',
				value: 'replyWithAiCard',
				description:
					'Answer in an AI card (AI 卡片) that types the answer of a streaming workflow (e.g. an AI Agent) as it is written',
				action: 'Reply with an AI card',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				description:
					'Send a card to a group or people and wait until someone answers (an approval, a text, a form), by links or by interactive card buttons over Stream',
				action: 'Send an app robot card and wait for a response',
			},
			{
				name: 'Send Interactive Card',
				value: 'sendCard',
				description:
					'Send an interactive card (互动卡片) of a template to a group, people or as a reply; its buttons can call back over Stream',
				action: 'Send an interactive card',
			},
			{
				name: 'Send to Group',
				value: 'sendToGroup',
				description: 'Send a message to a group the robot is in',
				action: 'Send a message to a group',
			},
			{
				name: 'Send to Users',
				value: 'sendToUsers',
				description: 'Send a message to people in their 1:1 chat with the robot',
				action: 'Send a message to users',
			},
			{
				name: 'Update AI Card',
				value: 'updateAiCard',
				description:
					'Append or replace the text of an AI card, or finish or fail it, by its outTrackId',
				action: 'Update an AI card',
			},
			{
				name: 'Update Card',
				value: 'updateCard',
				description: 'Change the variables of a sent interactive card, for everyone or per person',
				action: 'Update an interactive card',
			},
			{
				name: 'Upload Media',
				value: 'uploadMedia',
				description:
					'Store a file at DingTalk and get the mediaId that image, audio, file and video messages need',
				action: 'Upload media',
			},
		],
		default: 'sendToGroup',
	},
	...createAiCard.description,
	...downloadFile.description,
	...recall.description,
	...reply.description,
	...replyWithAiCard.description,
	...sendAndWait.description,
	...sendCard.description,
	...sendToGroup.description,
	...sendToUsers.description,
	...updateAiCard.description,
	...updateCard.description,
	...uploadMedia.description,
];
