import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { configProblem, readConfig, type RobotVerification } from './config';
import { triggerProperties } from './descriptions';
import { handleEventRequest } from './modes/eventMode';
import { handleRobotRequest } from './modes/robotMode';
import { refuse } from './webhookRequest';

const REPLY_WITH_LAST_NODE =
	'$parameter["mode"] === "robot" && $parameter["replyMode"] === "lastNode"';

export class DingTalkTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DingTalk Trigger',
		name: 'dingTalkTrigger',
		icon: { light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["mode"] === "event" ? "Event subscription" : "Robot messages"}}',
		description:
			'Starts the workflow on verified DingTalk robot messages or decrypted event subscription pushes',
		defaults: { name: 'DingTalk Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'dingTalkAppApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				path: 'webhook',
				responseMode: `={{${REPLY_WITH_LAST_NODE} ? "lastNode" : "onReceived"}}`,
				// Must be empty (not absent) when replying at once: n8n would otherwise send the
				// default value "firstEntryJson" literally instead of our webhookResponse.
				responseData: `={{${REPLY_WITH_LAST_NODE} ? "firstEntryJson" : ""}}`,
			},
		],
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			// DingTalk has no API to register callback URLs: the user pastes the URL in the console.
			// Activation still checks the configuration, so mistakes surface here and not as 500s.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const mode = this.getNodeParameter('mode', 'robot') as string;
				const config = readConfig(mode, await this.getCredentials('dingTalkAppApi'));
				const verification =
					mode === 'robot'
						? (this.getNodeParameter('robotVerification', 'signature') as RobotVerification)
						: 'signature';
				const options =
					mode === 'robot' ? (this.getNodeParameter('options', {}) as IDataObject) : {};
				const problem = configProblem(
					config,
					verification,
					typeof options.textPattern === 'string' ? options.textPattern : '',
				);
				if (problem) {
					throw new NodeOperationError(this.getNode(), problem, {
						description: 'Fix the credential or the node options, then publish the workflow again.',
					});
				}
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		try {
			const mode = this.getNodeParameter('mode', 'robot') as string;
			const config = readConfig(mode, await this.getCredentials('dingTalkAppApi'));
			return config.mode === 'event'
				? await handleEventRequest(this, config)
				: await handleRobotRequest(this, config);
		} catch (error) {
			// A public endpoint must answer even when something unexpected fails (a missing
			// credential, a bug): log the message only, answer 500, start nothing.
			const message = (error as Error)?.message ?? 'unknown error';
			return refuse(this, 'internalError', { detail: message });
		}
	}
}
