import type { IExecuteFunctions } from 'n8n-workflow';

import { defaultMsgUuid } from '../domain/msgUuid';
import type { SendPosition } from '../domain/msgUuid';
import { APP_CREDENTIAL, readAppContext } from '../transport/openApi';
import type { AppContext } from '../transport/openApi';
import { readRobotWebhook } from '../transport/robotWebhook';
import type { RobotWebhook } from '../transport/robotWebhook';

export const ROBOT_CREDENTIAL = 'dingTalkRobotApi';

/** A queued send that did not run because an earlier item stopped the node. */
export class SendCancelled extends Error {
	constructor() {
		super('Not sent: an earlier item failed and stopped the node');
		this.name = 'SendCancelled';
	}
}

/**
 * What stays the same for every item of one node run. Credentials are read (and decrypted by
 * n8n) once per run, not once per item and request: a profile of 100 messages showed two reads
 * per message as the node's largest cost.
 */
export class NodeRun {
	private robot?: Promise<RobotWebhook>;

	private app?: Promise<AppContext>;

	private runIndex?: number;

	/** Per item index: opens when the router has taken the result of the item before it. */
	private readonly turns = new Map<
		number,
		{ open: Promise<boolean>; pass: (go: boolean) => void }
	>();

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

	/**
	 * Runs the send of an item once every earlier item is done, so requests leave one by one in
	 * item order even while the router already reads the next item's parameters. When the node
	 * stopped at an earlier item, the send does not run.
	 */
	async inOrder<T>(itemIndex: number, send: () => Promise<T>): Promise<T> {
		if (itemIndex > 0 && !(await this.turn(itemIndex).open)) throw new SendCancelled();
		return await send();
	}

	/** The router took the result of `itemIndex`: the next item may send. */
	done(itemIndex: number): void {
		this.turn(itemIndex + 1).pass(true);
	}

	/** The node stops at `itemIndex`: queued sends of later items do not happen. */
	stop(itemIndex: number): void {
		this.turn(itemIndex + 1).pass(false);
	}

	private turn(itemIndex: number) {
		let turn = this.turns.get(itemIndex);
		if (!turn) {
			let pass: (go: boolean) => void = () => undefined;
			const open = new Promise<boolean>((resolve) => (pass = resolve));
			turn = { open, pass };
			this.turns.set(itemIndex, turn);
		}
		return turn;
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
