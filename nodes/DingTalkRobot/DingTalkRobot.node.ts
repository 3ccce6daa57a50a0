import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import * as appRobot from './actions/appRobot/AppRobot.resource';
import * as message from './actions/message/Message.resource';
import { router } from './actions/router';

export class DingTalkRobot implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DingTalk Robot',
		name: 'dingTalkRobot',
		icon: { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Send messages through DingTalk (钉钉) robots: text, markdown, links, cards, @-mentions, replies, and app robot messages, media and files',
		defaults: { name: 'DingTalk Robot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'dingTalkRobotApi',
				// Optional so that replies through a session webhook work without one; the robot webhook
				// target checks for it and says so clearly.
				required: false,
				displayOptions: { show: { resource: ['message'] } },
			},
			{
				name: 'dingTalkAppApi',
				required: true,
				displayOptions: { show: { resource: ['appRobot'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'App Robot',
						value: 'appRobot',
						description:
							'The robot of an internal DingTalk app: groups, people, replies after the session expired, media and files',
					},
					{
						name: 'Message',
						value: 'message',
						description:
							'A group custom robot (自定义机器人) webhook, or the session webhook of a received message',
					},
				],
				default: 'message',
			},
			...appRobot.description,
			...message.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
