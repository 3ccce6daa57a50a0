import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import * as approval from './actions/approval/Approval.resource';
import * as appRobot from './actions/appRobot/AppRobot.resource';
import * as contact from './actions/contact/Contact.resource';
import * as message from './actions/message/Message.resource';
import * as todo from './actions/todo/Todo.resource';
import { router } from './actions/router';
import { sendAndWaitWebhook } from './actions/sendAndWait/webhook';
import { operationSubtitle } from './subtitle';

/** The resume URLs of Send and Wait for Response: a GET shows a page, a POST answers. */
const resumeWebhook = (httpMethod: 'GET' | 'POST'): IWebhookDescription => ({
	name: 'default',
	httpMethod,
	responseMode: 'onReceived',
	responseData: '',
	path: '={{ $nodeId }}',
	restartWebhook: true,
	isFullPath: true,
});

const operations = [
	...message.description,
	...appRobot.description,
	...contact.description,
	...todo.description,
	...approval.description,
];

// Not a trigger: its webhooks are the resume URLs n8n serves while a Send and Wait execution
// waits; nothing is registered at DingTalk, so there are no webhookMethods.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class DingTalkRobot implements INodeType {
	// The lint rule wants a literal subtitle; this one is built from the operation lists instead.
	// eslint-disable-next-line n8n-nodes-base/node-class-description-missing-subtitle
	description: INodeTypeDescription = {
		displayName: 'DingTalk Robot',
		name: 'dingTalkRobot',
		icon: { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: operationSubtitle(operations),
		description:
			'Send messages through DingTalk (钉钉) robots: text, markdown, links, cards, @-mentions, replies, and app robot messages, media and files; look up people and departments; create and complete to-dos; start OA approvals',
		defaults: { name: 'DingTalk Robot' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [resumeWebhook('GET'), resumeWebhook('POST')],
		// The credential follows the resource, but no credential is shown by `show` on Resource or
		// Operation: n8n's editor takes a field that every such value covers for the authentication
		// selector, hides it and sets it from the credential it picks first (a new node opened App
		// Robot), and in the Human in the Loop tool, where both fields are hidden, it takes them and
		// offers only the credentials shown by them (the tool listed no robot credential).
		credentials: [
			{
				name: 'dingTalkRobotApi',
				// Optional so that replies through a session webhook work without one; the robot webhook
				// target checks for it and says so clearly.
				required: false,
				displayOptions: {
					hide: { resource: ['appRobot', 'contact', 'todo', 'approval'], askThrough: ['appRobot'] },
				},
			},
			{
				name: 'dingTalkAppApi',
				required: true,
				// Ask Through is the custom robot on every Custom Robot Message form, and the App Robot
				// when a Human in the Loop tool asks through it (see sendAndWait/askThrough.ts).
				displayOptions: { hide: { askThrough: ['customRobot'] } },
			},
			{
				// The key of an OpenAI-compatible endpoint that fills an AI card. Source Authentication
				// exists only on Reply with AI Card with an n8n workflow as the source.
				name: 'dingTalkAiSourceApi',
				required: true,
				displayOptions: { show: { sourceAuthentication: ['apiKey'] } },
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				// Custom robot first: most users come for it, and the node panel lists actions in this order.
				// eslint-disable-next-line n8n-nodes-base/node-param-options-type-unsorted-items
				options: [
					{
						name: 'Custom Robot Message',
						value: 'message',
						description:
							'Through a group custom robot (自定义机器人) webhook, or the session webhook of a received message',
					},
					{
						name: 'App Robot',
						value: 'appRobot',
						description:
							'Through the robot of an internal DingTalk app: groups, people, replies after the session expired, media and files',
					},
					{
						name: 'Contact',
						value: 'contact',
						description:
							'People and departments of the organisation (通讯录), read with the internal app’s credential',
					},
					{
						name: 'To-Do',
						value: 'todo',
						description:
							'DingTalk to-dos (待办) for people: create, complete, update, get and delete them',
					},
					{
						name: 'Approval',
						value: 'approval',
						description:
							'DingTalk OA approvals (审批): start one with form values, get its result, list, comment',
					},
				],
				default: 'message',
			},
			...operations,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook.call(this);
	}
}
