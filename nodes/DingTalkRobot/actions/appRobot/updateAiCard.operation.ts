import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { appBudgetFor } from '../../domain/aiCards/appBudget';
import { FLOW_STATUS } from '../../domain/aiCards/flowStatus';
import { putCardStreaming, setAiCardStatus } from '../../transport/aiCardStreaming';
import type { AiCardHandle, StreamingUpdate } from '../../transport/aiCardStreaming';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText } from '../openApiItem';
import { aiCardVariableOptions } from './aiCard.descriptions';
import { retryOptions } from './appRobot.descriptions';
import { readAiCardKeys } from './readAiCardTarget';

/** DingTalk's pause after a refusal for its call limit, as shipping projects use. */
const THROTTLE_BACKOFF_MS = 2000;

type Change = 'append' | 'replace' | 'finish' | 'fail';

const properties: INodeProperties[] = [
	{
		displayName: 'Out Track ID',
		name: 'aiCardOutTrackId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. n8n-ai-…',
		description: 'The outTrackId of the AI card, as output by Create AI Card',
	},
	{
		displayName: 'Change',
		name: 'aiCardChange',
		type: 'options',
		default: 'append',
		options: [
			{
				name: 'Append Text',
				value: 'append',
				description: 'Add text to what the card shows; it shows "typing"',
			},
			{
				name: 'Replace Text',
				value: 'replace',
				description: 'Show this text instead; it shows "typing"',
			},
			{
				name: 'Finish',
				value: 'finish',
				description: 'End the card as finished, with a final text if given',
			},
			{
				name: 'Fail',
				value: 'fail',
				description: 'End the card as failed, with a short reason after its text',
			},
		],
	},
	{
		displayName: 'Text',
		name: 'aiCardText',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		displayOptions: { show: { aiCardChange: ['append', 'replace'] } },
	},
	{
		displayName: 'Final Text',
		name: 'aiCardFinalText',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'The whole answer to show at the end; empty keeps what the card shows',
		displayOptions: { show: { aiCardChange: ['finish'] } },
	},
	{
		displayName: 'Reason',
		name: 'aiCardReason',
		type: 'string',
		default: '',
		placeholder: 'e.g. The model did not answer in time',
		description: 'Shown on the card after its text',
		displayOptions: { show: { aiCardChange: ['fail'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...aiCardVariableOptions, ...retryOptions],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['updateAiCard'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/**
 * One streaming call within the app's budget, sent again after DingTalk's back-off when refused
 * for its call limit, up to Max Retries times.
 */
async function stream(
	context: IExecuteFunctions,
	itemIndex: number,
	card: AiCardHandle,
	update: Omit<StreamingUpdate, 'outTrackId' | 'key'>,
): Promise<number> {
	const budget = appBudgetFor(card.client.app.tokenKey, 20);
	for (let refusals = 0; ; refusals++) {
		const release = await budget.take();
		const outcome = await putCardStreaming(card.client, {
			outTrackId: card.outTrackId,
			key: card.contentKey,
			...update,
		}).finally(release);
		if (outcome === 'sent') return refusals;
		if (refusals >= card.retry.maxRetries) {
			throw new NodeOperationError(
				context.getNode(),
				`DingTalk refused the AI card update ${refusals + 1} times for its call limit [item ${itemIndex}]`,
				{
					itemIndex,
					description:
						'Update the card less often (e.g. collect text and send it every second), or raise "Max Retries".',
				},
			);
		}
		budget.pause(THROTTLE_BACKOFF_MS);
	}
}

/** Appends to, replaces, finishes or fails the text of an AI card by its outTrackId. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const outTrackId = requiredText(this, itemIndex, 'aiCardOutTrackId', 'Out Track ID');
	const change = this.getNodeParameter('aiCardChange', itemIndex, 'append') as Change;
	const text =
		change === 'append' || change === 'replace'
			? String(this.getNodeParameter('aiCardText', itemIndex, ''))
			: '';
	const client = await openApiClient(this, itemIndex, run);
	const card: AiCardHandle = {
		client,
		outTrackId,
		...readAiCardKeys(options),
		retry: readRetryOptions(options),
	};
	let throttled = 0;
	if (change === 'append' || change === 'replace') {
		throttled = await stream(this, itemIndex, card, {
			content: text,
			isFull: change === 'replace',
			isFinalize: false,
			isError: false,
		});
		// After the text, so that a card that is already finished is not set back to typing.
		await setAiCardStatus(card, FLOW_STATUS.inputing);
	} else if (change === 'finish') {
		const finalText = String(this.getNodeParameter('aiCardFinalText', itemIndex, ''));
		throttled = await stream(this, itemIndex, card, {
			content: finalText,
			isFull: finalText !== '',
			isFinalize: true,
			isError: false,
		});
		await setAiCardStatus(card, FLOW_STATUS.finished, finalText === '' ? undefined : finalText);
	} else {
		const reason = String(this.getNodeParameter('aiCardReason', itemIndex, '')).trim();
		throttled = await stream(this, itemIndex, card, {
			content: `\n\n(Failed${reason ? `: ${reason}` : ''})`,
			isFull: false,
			isFinalize: true,
			isError: true,
		});
		await setAiCardStatus(card, FLOW_STATUS.failed);
	}
	return { json: { outTrackId, change, throttled } };
}
