import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { robotCard } from '../../domain/sendAndWait/card';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { executeReader, readSendAndWaitConfig } from '../sendAndWait/readConfig';
import { sendAndWaitProperties } from '../sendAndWait/descriptions';
import { resumeUrls, waitForResponse, waitTill } from '../sendAndWait/wait';
import { sendRobotMessage } from './send';

const displayOptions = { show: { resource: ['message'], operation: ['sendAndWait'] } };

export const description = updateDisplayOptions(displayOptions, sendAndWaitProperties());

/**
 * Posts an action card whose buttons are the signed resume URLs of this execution, through the
 * custom robot or the session webhook (signed, paced and retried like every message), then waits.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const config = readSendAndWaitConfig(executeReader(this));
	const until = waitTill(this);
	const sent = await sendRobotMessage(
		this,
		itemIndex,
		run,
		robotCard(config, resumeUrls(this)),
		'message',
	);
	await waitForResponse(this, until);
	return sent;
}
