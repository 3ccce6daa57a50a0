import type { IExecuteFunctions } from 'n8n-workflow';

import { defaultMsgUuid } from '../domain/msgUuid';
import type { SendPosition } from '../domain/msgUuid';
import { APP_CREDENTIAL, readAppContext } from '../transport/openApi';
import type { AppContext } from '../transport/openApi';
import { readRobotWebhook } from '../transport/robotWebhook';
import type { RobotWebhook } from '../transport/robotWebhook';

export const ROBOT_CREDENTIAL = 'dingTalkRobotApi';

/**
 * What stays the same for every item of one node run. Credentials are read (and decrypted by
 * n8n) once per run, not once per item and request: a profile of 100 messages showed two reads
 * per message as the node's largest cost.
 */
export class NodeRun {
	private robot?: Promise<RobotWebhook>;

	private app?: Promise<AppContext>;

	private runIndex?: number;

	constructor(private readonly context: IExecuteFunctions) {}

	hasCredential(type: string): boolean {
		return Boolean(this.context.getNode().credentials?.[type]);
	}

	async robotWebhook(itemIndex: number): Promise<RobotWebhook> {
		this.robot ??= this.context
			.getCredentials(ROBOT_CREDENTIAL, itemIndex)
			.then((credentials) => readRobotWebhook(credentials));
		return await this.robot;
	}

	async appContext(itemIndex: number): Promise<AppContext> {
		this.app ??= this.context
			.getCredentials(APP_CREDENTIAL, itemIndex)
			.then((credentials) => readAppContext(credentials));
		return await this.app;
	}

	/** The msgUuid of an item without one: stable across Retry On Fail (see defaultMsgUuid). */
	defaultMsgUuid(itemIndex: number, randomId: () => string): string {
		this.runIndex ??= Number(this.context.getWorkflowDataProxy(0).$runIndex ?? 0);
		const position: SendPosition = {
			executionId: this.context.getExecutionId(),
			nodeId: this.context.getNode().id,
			runIndex: this.runIndex,
			itemIndex,
		};
		return defaultMsgUuid(position, randomId);
	}
}
