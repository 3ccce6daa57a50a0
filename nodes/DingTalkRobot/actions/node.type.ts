import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { NodeRun } from './nodeRun';

/** Every resource of the node and its operations, as saved in workflows. */
export type DingTalkRobotType = {
	message:
		| 'sendText'
		| 'sendMarkdown'
		| 'sendLink'
		| 'sendActionCard'
		| 'sendFeedCard'
		| 'sendRaw'
		| 'sendAndWait';
	appRobot:
		| 'sendToGroup'
		| 'sendToUsers'
		| 'reply'
		| 'replyWithAiCard'
		| 'createAiCard'
		| 'updateAiCard'
		| 'uploadMedia'
		| 'downloadFile'
		| 'sendAndWait'
		| 'sendCard'
		| 'updateCard'
		| 'recall';
	contact:
		| 'getUser'
		| 'getUserByMobile'
		| 'getUserByUnionId'
		| 'listDepartmentUsers'
		| 'getDepartment'
		| 'listSubDepartments';
	todo: 'create' | 'update' | 'get' | 'delete';
	approval: 'start' | 'get' | 'listIds' | 'addComment';
};

export type DingTalkRobotResource = keyof DingTalkRobotType;

/** What an operation gives for one input item (a list gives several); the router adds pairedItem. */
export interface ItemResult {
	json: IDataObject;
	binary?: IBinaryKeyData;
}

/** One operation: its form and what it does with one item. */
export interface Operation {
	description: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		run: NodeRun,
	): Promise<ItemResult | ItemResult[]>;
	/**
	 * Whether the router may start the next item while this one waits for DingTalk. Only for
	 * operations whose requests go through run.inOrder, so they still leave in item order.
	 */
	readsAhead?: boolean;
	/**
	 * Send and Wait: the operation runs once, for the first item, and puts the execution to wait;
	 * the router passes the input items on (n8n replaces them with the answer when it resumes).
	 */
	runsOnce?: boolean;
}

export type ResourceOperations<R extends DingTalkRobotResource> = Record<
	DingTalkRobotType[R],
	Operation
>;
