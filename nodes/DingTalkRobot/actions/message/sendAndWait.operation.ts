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

export const description = updateDisplayOptions(displayOptions, [
	{
		displayName:
			'The buttons of this card are links to n8n: the person’s browser must reach n8n’s address. Custom robots cannot send interactive cards; for buttons that answer over Stream (no public URL, who clicked is known, approvers), use App Robot → Send and Wait for Response with Answer Via → Card Buttons.',
		name: 'linksNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { '@tool': [false] } },
	},
	{
		displayName:
			'The buttons of this card are links to n8n: the person’s browser must reach n8n’s address. For buttons that answer over Stream (no public URL, who clicked is known, approvers), choose Ask Through → App Robot, then Answer Via → Card Buttons.',
		name: 'linksNoticeInTool',
		type: 'notice',
		default: '',
		displayOptions: { show: { '@tool': [true] } },
	},
	...sendAndWaitProperties(),
]);

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
