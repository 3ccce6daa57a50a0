import { randomUUID } from 'node:crypto';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties, NodeApiError } from 'n8n-workflow';

import { appBudgetFor } from '../../domain/aiCards/appBudget';
import { CardTextUpdater, ThrottledTooOften } from '../../domain/aiCards/cardTextUpdater';
import { FLOW_STATUS } from '../../domain/aiCards/flowStatus';
import { MessageFieldError } from '../../domain/robotMessage';
import { openSpaceIdOf } from '../../domain/cards/openSpace';
import { putCardStreaming, setAiCardStatus } from '../../transport/aiCardStreaming';
import type { AiCardHandle } from '../../transport/aiCardStreaming';
import { createAndDeliverCard } from '../../transport/cards';
import { readStreamingSource, SourceFailed } from '../../transport/streamingSource';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText, robotCodeOf } from '../openApiItem';
import { retryOptions, robotCodeOption } from './appRobot.descriptions';
import {
	aiCardTargetProperties,
	aiCardTemplateProperty,
	aiCardVariableOptions,
} from './aiCard.descriptions';
import { readAiCardKeys, readAiCardSpace } from './readAiCardTarget';

const SOURCE_CREDENTIAL = 'dingTalkAiSourceApi';

/** Longest reason of a failure shown on the card. */
const CARD_REASON_CHARS = 200;

const properties: INodeProperties[] = [
	{
		displayName:
			'Streams an answer into an AI card (AI 卡片): thinking until the first words, typing while they come, finished at the end. The app needs Card.Instance.Write and Card.Streaming.Write.',
		name: 'aiCardNotice',
		type: 'notice',
		default: '',
	},
	...aiCardTargetProperties,
	{
		displayName: 'Answer From',
		name: 'answerSource',
		type: 'options',
		default: 'workflow',
		options: [
			{
				name: 'Streaming Workflow (Webhook URL)',
				value: 'workflow',
				description:
					'An n8n workflow whose Webhook has Response Mode "Streaming" (e.g. with an AI Agent); also any URL answering in OpenAI’s streaming format',
			},
			{ name: 'Text', value: 'text', description: 'A finished text, shown at once' },
		],
	},
	{
		displayName: 'Streaming URL',
		name: 'streamingUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. http://localhost:5678/webhook/ai-answer',
		description:
			'The production URL of the Webhook node (Response Mode: Streaming) of the workflow that writes the answer. It is called with POST and the body below.',
		displayOptions: { show: { answerSource: ['workflow'] } },
	},
	{
		displayName: 'Source Authentication',
		name: 'sourceAuthentication',
		type: 'options',
		default: 'none',
		options: [
			{ name: 'None', value: 'none', description: 'An n8n webhook, or an endpoint without a key' },
			{
				name: 'API Key (OpenAI-Compatible)',
				value: 'apiKey',
				description: 'Sends "Authorization: Bearer &lt;key&gt;" from a credential',
			},
		],
		displayOptions: { show: { answerSource: ['workflow'] } },
	},
	{
		displayName: 'Request Body',
		name: 'streamingBody',
		type: 'json',
		default: '={{ $json }}',
		description:
			'What the workflow receives: by default the incoming message (its text, sender and conversation)',
		displayOptions: { show: { answerSource: ['workflow'] } },
	},
	{
		displayName: 'Text',
		name: 'answerText',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The answer shown in the card (Markdown, if the template renders it)',
		displayOptions: { show: { answerSource: ['text'] } },
	},
	aiCardTemplateProperty,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'App Updates per Second',
				name: 'appCallsPerSecond',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 20,
				description:
					'The most streaming calls per second of the app, shared by all cards this n8n process fills at the same time. DingTalk refuses calls over its limit (403 QpsLimit).',
			},
			...aiCardVariableOptions,
			{
				displayName: 'Out Track ID',
				name: 'outTrackId',
				type: 'string',
				default: '',
				placeholder: 'Generated when empty',
				description: 'Your own unique ID of the card; DingTalk refuses an ID the app used before',
			},
			{
				displayName: 'Source Timeout (Seconds)',
				name: 'sourceTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 120,
				description:
					'How long the workflow may stay silent (before its first words or between two chunks) before the card is failed',
			},
			{
				displayName: 'Update Interval (Ms)',
				name: 'updateInterval',
				type: 'number',
				typeOptions: { minValue: 100 },
				default: 500,
				description:
					'Least time between two updates of the card; text that arrives meanwhile is sent together',
			},
			...retryOptions,
			robotCodeOption,
		],
	},
];

const displayOptions = { show: { resource: ['appRobot'], operation: ['replyWithAiCard'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function readBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const given: unknown = context.getNodeParameter('streamingBody', itemIndex, {});
	const value = typeof given === 'string' ? parseJson(given) : given;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new MessageFieldError(
			'streamingBody',
			'"Request Body" is not a JSON object',
			'Give a JSON object, e.g. {{ $json }} for the incoming message.',
		);
	}
	return value as IDataObject;
}

function readUrl(context: IExecuteFunctions, itemIndex: number): string {
	const url = requiredText(context, itemIndex, 'streamingUrl', 'Streaming URL');
	if (!/^https?:\/\/[^\s]+$/i.test(url)) {
		throw new MessageFieldError(
			'streamingUrl',
			'"Streaming URL" is not an http(s) URL',
			'Copy the Production URL of the Webhook node of the answering workflow.',
		);
	}
	return url;
}

/** The credential of an OpenAI-compatible source, and its key, so no error or output shows it. */
async function readSourceKey(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<{ credentialType?: string; secrets: string[] }> {
	if (context.getNodeParameter('sourceAuthentication', itemIndex, 'none') !== 'apiKey') {
		return { secrets: [] };
	}
	const credentials = await context.getCredentials(SOURCE_CREDENTIAL, itemIndex);
	return { credentialType: SOURCE_CREDENTIAL, secrets: [String(credentials.apiKey ?? '')] };
}

function positiveNumber(value: unknown, fallback: number): number {
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : fallback;
}

/** The card's last words on a failure: the answer so far and the reason. */
function failedContent(text: string, reason: string): string {
	const shown =
		reason.length > CARD_REASON_CHARS ? `${reason.slice(0, CARD_REASON_CHARS)}…` : reason;
	return text ? `${text}\n\n(${shown})` : `(${shown})`;
}

/** Marks the card failed; a refusal here must not hide the failure being reported. */
async function failCard(card: AiCardHandle, text: string, reason: string): Promise<boolean> {
	const content = failedContent(text, reason);
	try {
		await putCardStreaming(card.client, {
			outTrackId: card.outTrackId,
			key: card.contentKey,
			content,
			isFinalize: true,
			isError: true,
		});
	} catch {
		// The instance update below still shows the failure.
	}
	try {
		await setAiCardStatus(card, FLOW_STATUS.failed, content);
		return true;
	} catch {
		return false;
	}
}

/**
 * Delivers an AI card and fills it from a streaming workflow (or a text): processing until the
 * first words, inputing while they arrive (coalesced updates within the app's budget), finished
 * with the whole answer, or failed with a short reason.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const startedAt = Date.now();
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const cardTemplateId = requiredText(this, itemIndex, 'aiCardTemplateId', 'Card Template ID');
	const space = readAiCardSpace(this, itemIndex);
	const fromWorkflow = this.getNodeParameter('answerSource', itemIndex, 'workflow') === 'workflow';
	const source = fromWorkflow
		? {
				url: readUrl(this, itemIndex),
				body: readBody(this, itemIndex),
				idleTimeoutMs: positiveNumber(options.sourceTimeout, 120) * 1000,
				...(await readSourceKey(this, itemIndex)),
			}
		: undefined;
	const answerText = fromWorkflow ? '' : requiredText(this, itemIndex, 'answerText', 'Text', '');
	const { contentKey, statusKey } = readAiCardKeys(options);
	const retry = readRetryOptions(options);
	const client = await openApiClient(this, itemIndex, run);
	const robotCode = robotCodeOf(options, client.app.appKey);
	const card: AiCardHandle = {
		client,
		outTrackId: String(options.outTrackId ?? '').trim() || `n8n-ai-${randomUUID()}`,
		contentKey,
		statusKey,
		retry,
	};

	await createAndDeliverCard(
		client,
		{
			cardTemplateId,
			outTrackId: card.outTrackId,
			variables: { [statusKey]: FLOW_STATUS.processing, [contentKey]: '' },
			space,
			robotCode,
			// Streaming into a card created without Stream callbacks fails (HTTP 500).
			callbackType: 'STREAM',
			supportForward: true,
		},
		retry,
	);
	const deliveredAt = Date.now();

	const budget = appBudgetFor(client.app.tokenKey, positiveNumber(options.appCallsPerSecond, 20));
	const updater = new CardTextUpdater(
		async (content, final) =>
			await putCardStreaming(client, {
				outTrackId: card.outTrackId,
				key: contentKey,
				content,
				isFinalize: final,
				isError: false,
			}),
		{
			intervalMs: positiveNumber(options.updateInterval, 500),
			backoffMs: 2000,
			maxThrottled: 30,
			budget,
		},
	);
	let typing = false;
	const onText = async (text: string) => {
		// No use reading on when DingTalk refuses the card for good.
		if (updater.failure) throw updater.failure.error;
		if (!typing) {
			typing = true;
			await setAiCardStatus(card, FLOW_STATUS.inputing);
		}
		updater.update(text);
	};

	let text = '';
	let chunks = 0;
	let firstChunkAt: number | undefined;
	let lastChunkAt: number | undefined;
	try {
		if (source) {
			const answer = await readStreamingSource(this, source, async (soFar) => {
				text = soFar;
				await onText(soFar);
			});
			({ text, chunks, firstChunkAt, lastChunkAt } = answer);
			if (chunks === 0) {
				throw new SourceFailed(
					'the source answered without any text',
					'Check that the workflow’s last node streams the answer (AI Agent with streaming on, or Respond to Webhook with streaming), or that it answers at all.',
				);
			}
		} else {
			text = answerText;
			firstChunkAt = lastChunkAt = Date.now();
			chunks = 1;
			await onText(text);
		}
		await updater.finish(text);
		await setAiCardStatus(card, FLOW_STATUS.finished, text);
	} catch (caught) {
		await updater.stop();
		const failed = await failCard(card, text, reasonFor(caught));
		throw errorFor(this, caught, itemIndex, card.outTrackId, failed);
	}
	const finishedAt = Date.now();
	const stats = updater.stats;
	return {
		json: {
			outTrackId: card.outTrackId,
			cardTemplateId,
			openSpaceId: openSpaceIdOf(space),
			...(space.type === 'IM_GROUP'
				? { sentTo: 'group', openConversationId: space.openConversationId }
				: { sentTo: 'user', userId: space.userId }),
			robotCode,
			text,
			chunks,
			updates: stats.updates,
			throttled: stats.throttled,
			timings: {
				cardDeliveredMs: deliveredAt - startedAt,
				firstChunkMs: firstChunkAt === undefined ? null : firstChunkAt - startedAt,
				firstUpdateAfterFirstChunkMs:
					firstChunkAt === undefined || stats.firstUpdateAt === undefined
						? null
						: stats.firstUpdateAt - firstChunkAt,
				finishedAfterLastChunkMs: lastChunkAt === undefined ? null : finishedAt - lastChunkAt,
				totalMs: finishedAt - startedAt,
			},
		},
	};
}

function reasonFor(caught: unknown): string {
	if (caught instanceof SourceFailed) return `Failed: ${caught.cardReason}`;
	if (caught instanceof ThrottledTooOften) return 'Failed: DingTalk refused too many updates';
	return 'Failed: DingTalk refused an update of the card';
}

function errorFor(
	context: IExecuteFunctions,
	caught: unknown,
	itemIndex: number,
	outTrackId: string,
	cardFailed: boolean,
): Error {
	const cardState = cardFailed
		? `The card (outTrackId ${outTrackId}) shows the failure.`
		: `The card (outTrackId ${outTrackId}) could not be marked failed.`;
	if (caught instanceof SourceFailed) {
		const message = `The answer for the AI card failed: ${caught.message} [item ${itemIndex}]`;
		const error = new NodeOperationError(context.getNode(), message, {
			itemIndex,
			description: `${caught.hint} ${cardState}`,
		});
		// n8n swaps a message that names a network failure for a generic one.
		error.message = message;
		return error;
	}
	if (caught instanceof ThrottledTooOften) {
		return new NodeOperationError(context.getNode(), `${caught.message} [item ${itemIndex}]`, {
			itemIndex,
			description: `Raise "Update Interval" or lower "App Updates per Second" so the app stays under DingTalk's limit. ${cardState}`,
		});
	}
	const apiError = caught as NodeApiError;
	if (apiError && typeof apiError === 'object' && 'description' in apiError) {
		apiError.description = `${apiError.description ?? ''} ${cardState}`.trim();
	}
	return caught as Error;
}
