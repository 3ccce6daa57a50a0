import {
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { buildEncryptedSuccessReply, deriveEventAesKey } from '../shared/eventCrypto';
import { getDedupeCache, MAX_MESSAGE_ID_LENGTH } from './dedupe';
import { triggerProperties } from './descriptions';
import { CHECK_EVENT_TYPES, normalizeEvent, openEventPush, parseJsonObject } from './eventCallback';
import {
	isEventTypeSelected,
	parseEventTypeList,
	parseTextPattern,
	robotMessageFilteredBy,
} from './filters';
import {
	eventUnreadableLogDetail,
	rejection,
	rejectionLogHint,
	type EventUnreadableCause,
	type Rejection,
	type RejectionReason,
} from './rejections';
import { normalizeRobotMessage, verifyRobotRequest, type RobotVerification } from './robotMessage';

/** Larger than any robot message or event push; bigger bodies are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What DingTalk expects when a robot should not post anything back. */
const EMPTY_ROBOT_REPLY = { msgtype: 'empty' };

const REPLY_WITH_LAST_NODE =
	'$parameter["mode"] === "robot" && $parameter["replyMode"] === "lastNode"';

interface TriggerConfig {
	mode: 'robot' | 'event';
	appKey: string;
	appSecret: string;
	outgoingToken: string;
	eventToken: string;
	eventAesKey: string;
	ownerKey: string;
}

function readConfig(mode: string, credentials: ICredentialDataDecryptedObject): TriggerConfig {
	const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
	const appKey = text(credentials.appKey);
	return {
		mode: mode === 'event' ? 'event' : 'robot',
		appKey,
		appSecret: text(credentials.appSecret),
		outgoingToken: text(credentials.outgoingToken),
		eventToken: text(credentials.eventToken),
		eventAesKey: text(credentials.eventAesKey),
		ownerKey: text(credentials.ownerKey) || appKey,
	};
}

/** What is missing for the chosen mode, in words a user can act on; undefined when complete. */
function configProblem(
	config: TriggerConfig,
	verification: RobotVerification,
	textPattern: string,
): string | undefined {
	if (config.mode === 'robot') {
		if (verification === 'signature' && !config.appSecret) {
			return 'The credential has no Client Secret (AppSecret); robot messages cannot be verified without it.';
		}
		if (verification === 'outgoingToken' && !config.outgoingToken) {
			return 'The credential has no Outgoing Token; set the token configured for the custom robot’s Outgoing.';
		}
		if (parseTextPattern(textPattern) === null) {
			return 'The Text Pattern option is not a valid regular expression.';
		}
		return undefined;
	}
	if (!config.eventToken) return 'The credential has no Event Token (签名 token).';
	if (!deriveEventAesKey(config.eventAesKey).ok) {
		return `The Event AES Key (加密 aes_key) in the credential must be exactly 43 letters and digits, as shown in the console; it has ${config.eventAesKey.length}.`;
	}
	if (!config.ownerKey) {
		return 'The credential has neither an Owner Key nor a Client ID (AppKey) to check events against.';
	}
	return undefined;
}

function numberOption(options: IDataObject, name: string, fallback: number): number {
	const value = options[name];
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function rawBodyOf(context: IWebhookFunctions): Buffer | undefined {
	const rawBody = (context.getRequestObject() as { rawBody?: unknown }).rawBody;
	return Buffer.isBuffer(rawBody) ? rawBody : undefined;
}

/**
 * Reads the JSON body, preferring the raw bytes n8n keeps so that nothing is lost or reinterpreted
 * by an earlier parser.
 */
function readJsonBody(
	context: IWebhookFunctions,
): { ok: true; body: IDataObject } | { ok: false; reason: RejectionReason } {
	const rawBody = rawBodyOf(context);
	if (rawBody !== undefined) {
		if (rawBody.length > MAX_BODY_BYTES) return { ok: false, reason: 'bodyTooLarge' };
		const body = parseJsonObject(rawBody.toString('utf8'));
		return body ? { ok: true, body } : { ok: false, reason: 'bodyNotJson' };
	}
	const parsed: unknown = context.getBodyData();
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return { ok: false, reason: 'bodyNotJson' };
	}
	if (Buffer.byteLength(JSON.stringify(parsed), 'utf8') > MAX_BODY_BYTES) {
		return { ok: false, reason: 'bodyTooLarge' };
	}
	return { ok: true, body: parsed as IDataObject };
}

/** Answers the request itself with a short JSON reason and starts nothing. */
function refuse(
	context: IWebhookFunctions,
	refusal: Rejection,
	detail?: string,
	cause?: EventUnreadableCause,
): IWebhookResponseData {
	const hint =
		detail ?? (cause ? eventUnreadableLogDetail(cause) : rejectionLogHint(refusal.reason));
	const node = context.getNode();
	context.logger.warn(
		`DingTalk Trigger "${node.name}" refused a request (${refusal.status} ${refusal.reason}): ${refusal.message}.${hint ? ` ${hint}` : ''}`,
		{
			workflowId: context.getWorkflow().id,
			nodeName: node.name,
			reason: refusal.reason,
			...(cause ? { cause } : {}),
		},
	);
	context.getResponseObject().status(refusal.status).json({
		error: refusal.reason,
		message: refusal.message,
	});
	return { noWebhookResponse: true };
}

function dedupeScope(context: IWebhookFunctions, mode: string): string {
	const node = context.getNode();
	return `${context.getWorkflow().id ?? ''}:${node.id ?? node.name}:${mode}`;
}

/**
 * Remembers `key` for the duplicate window, and at least until the signed timestamp leaves the
 * tolerance window: until then the exact same request would pass the signature check again.
 */
function isDuplicate(
	context: IWebhookFunctions,
	mode: string,
	key: string,
	options: { minutes: number; signedAtMs?: number; windowMs: number },
): boolean {
	if (!key || options.minutes <= 0) return false;
	const nowMs = Date.now();
	const signatureValidFor =
		options.signedAtMs !== undefined && options.windowMs > 0
			? options.signedAtMs + options.windowMs - nowMs
			: 0;
	const ttlMs = Math.max(options.minutes * 60_000, signatureValidFor);
	return getDedupeCache(dedupeScope(context, mode)).checkAndAdd(key, ttlMs, nowMs);
}

async function handleRobotMessage(
	context: IWebhookFunctions,
	config: TriggerConfig,
): Promise<IWebhookResponseData> {
	const verification = context.getNodeParameter(
		'robotVerification',
		'signature',
	) as RobotVerification;
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const textPattern = typeof options.textPattern === 'string' ? options.textPattern : '';
	const problem = configProblem(config, verification, textPattern);
	if (problem) return refuse(context, rejection('misconfigured'), problem);

	const headers = context.getHeaderData() as Record<string, string | string[] | undefined>;
	const windowMs = numberOption(options, 'timestampToleranceSeconds', 3600) * 1000;
	const verified = verifyRobotRequest({
		verification,
		headers,
		appSecret: config.appSecret,
		outgoingToken: config.outgoingToken,
		nowMs: Date.now(),
		windowMs,
	});
	// The body is read only after the headers check out, so strangers cannot make us parse it.
	if (!verified.valid) return refuse(context, rejection(verified.reason));
	const read = readJsonBody(context);
	if (!read.ok) return refuse(context, rejection(read.reason));

	const item = normalizeRobotMessage(read.body, options.includeRaw === true);
	if (item.messageId.length > MAX_MESSAGE_ID_LENGTH) {
		return refuse(context, rejection('messageIdTooLong'));
	}
	const filteredBy = robotMessageFilteredBy(item, {
		messageTypes: Array.isArray(options.messageTypes) ? (options.messageTypes as string[]) : [],
		chatType: (options.chatType as 'all' | 'single' | 'group') ?? 'all',
		commandPrefix: typeof options.commandPrefix === 'string' ? options.commandPrefix : '',
		textPattern: parseTextPattern(textPattern) ?? undefined,
	});
	if (filteredBy) {
		context.logger.debug(`DingTalk Trigger: message filtered out by ${filteredBy}`);
		return { webhookResponse: EMPTY_ROBOT_REPLY };
	}
	const duplicate = isDuplicate(context, 'robot', item.messageId, {
		minutes: numberOption(options, 'dedupeMinutes', 10),
		// Only the signature carries a timestamp; an Outgoing token is valid forever.
		signedAtMs: verification === 'signature' ? Number(headers.timestamp) : undefined,
		windowMs,
	});
	if (duplicate) {
		context.logger.debug('DingTalk Trigger: duplicate robot message ignored');
		return { webhookResponse: EMPTY_ROBOT_REPLY };
	}
	return {
		workflowData: [[{ json: item }]],
		// Used only when replying immediately; with "last node output" n8n answers with that.
		webhookResponse: EMPTY_ROBOT_REPLY,
	};
}

async function handleEventPush(
	context: IWebhookFunctions,
	config: TriggerConfig,
): Promise<IWebhookResponseData> {
	const options = context.getNodeParameter('eventOptions', {}) as IDataObject;
	const problem = configProblem(config, 'signature', '');
	const aesKey = deriveEventAesKey(config.eventAesKey);
	if (problem || !aesKey.ok) {
		return refuse(context, rejection('misconfigured'), problem ?? 'Invalid aes_key.');
	}

	const read = readJsonBody(context);
	if (!read.ok) return refuse(context, rejection(read.reason));
	const windowMs = numberOption(options, 'timestampToleranceSeconds', 3600) * 1000;
	const opened = openEventPush({
		query: context.getQueryData() as IDataObject,
		body: read.body,
		token: config.eventToken,
		aesKey: aesKey.value,
		ownerKey: config.ownerKey,
		nowMs: Date.now(),
		windowMs,
	});
	if (!opened.ok) {
		return refuse(context, rejection(opened.reason), undefined, opened.cause);
	}

	// DingTalk wants this exact answer for every accepted push, whatever the workflow does next.
	const webhookResponse = buildEncryptedSuccessReply({
		aesKey: aesKey.value,
		token: config.eventToken,
		ownerKey: config.ownerKey,
	});
	const item = normalizeEvent(
		opened.value.event,
		opened.value.message,
		options.includeRaw === true,
	);
	if (item.eventId.length > MAX_MESSAGE_ID_LENGTH) {
		return refuse(context, rejection('eventUnreadable'), undefined, 'eventIdTooLong');
	}
	if (CHECK_EVENT_TYPES.includes(item.eventType)) {
		context.logger.debug(`DingTalk Trigger: answered ${item.eventType}`);
		return { webhookResponse };
	}

	const selected = [
		...((context.getNodeParameter('eventTypes', []) as string[]) ?? []),
		...parseEventTypeList(context.getNodeParameter('customEventTypes', '') as string),
	];
	if (!isEventTypeSelected(item.eventType, selected)) return { webhookResponse };

	// Retries of one event carry the same eventId; legacy pushes without one are keyed by content.
	const dedupeKey = item.eventId || `plaintext:${opened.value.message}`;
	const duplicate = isDuplicate(context, 'event', dedupeKey, {
		minutes: numberOption(options, 'dedupeMinutes', 10),
		signedAtMs: opened.value.signedAtMs,
		windowMs,
	});
	if (duplicate) {
		context.logger.debug('DingTalk Trigger: duplicate event ignored');
		return { webhookResponse };
	}
	return { workflowData: [[{ json: item }]], webhookResponse };
}

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
						description:
							'Fix the credential or the node options, then activate the workflow again.',
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
				? await handleEventPush(this, config)
				: await handleRobotMessage(this, config);
		} catch (error) {
			// A public endpoint must answer even when something unexpected fails (a missing
			// credential, a bug): log the message only, answer 500, start nothing.
			const message = (error as Error)?.message ?? 'unknown error';
			return refuse(this, rejection('internalError'), message);
		}
	}
}
