import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { parseJsonObject } from '../shared/values';
import { duplicateTtlMs, getDedupeCache } from '../shared/dedupe';
import { MAX_BODY_BYTES } from '../shared/limits';
import {
	eventUnreadableLogDetail,
	rejection,
	rejectionLogHint,
	type EventUnreadableCause,
	type RejectionReason,
} from './rejections';

/** What both modes do with the incoming request: read the body, refuse, remember IDs. */

export function numberOption(options: IDataObject, name: string, fallback: number): number {
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
export function readJsonBody(
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

/**
 * Answers the request itself with a short JSON reason and starts nothing. `detail` replaces the
 * log hint; `cause` is the precise reason behind an `eventUnreadable`, told to the log only.
 */
export function refuse(
	context: IWebhookFunctions,
	reason: RejectionReason,
	options: { detail?: string; cause?: EventUnreadableCause } = {},
): IWebhookResponseData {
	const refusal = rejection(reason);
	const { cause } = options;
	const hint =
		options.detail ?? (cause ? eventUnreadableLogDetail(cause) : rejectionLogHint(reason));
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

/** The memories of one trigger node: per workflow, node and what they remember. */
function memoryOf(context: IWebhookFunctions, what: 'robot' | 'event' | 'robotSignature') {
	const node = context.getNode();
	return getDedupeCache(`${context.getWorkflow().id ?? ''}:${node.id ?? node.name}:${what}`);
}

/** Whether this node has seen `key` recently; records it otherwise. See {@link duplicateTtlMs}. */
export function isDuplicate(
	context: IWebhookFunctions,
	mode: 'robot' | 'event',
	key: string,
	options: { minutes: number; signedAtMs?: number; windowMs: number },
): boolean {
	if (!key || options.minutes <= 0) return false;
	const nowMs = Date.now();
	const ttlMs = duplicateTtlMs({ ...options, nowMs });
	return memoryOf(context, mode).checkAndAdd(key, ttlMs, nowMs);
}

/**
 * Whether a valid robot signature may carry this message. DingTalk signs only the timestamp, so
 * a captured `timestamp` + `sign` would pass with any body until it leaves the window: each one
 * is remembered with the msgId it first came with, as long as it stays valid, and refused with
 * any other. The same msgId again is DingTalk redelivering, left to the duplicate check.
 */
export function signatureFitsMessage(
	context: IWebhookFunctions,
	signature: { timestamp: string; sign: string },
	messageId: string,
	windowMs: number,
): boolean {
	const nowMs = Date.now();
	// Valid up to and including timestamp + window, so remembered one millisecond past it.
	const ttlMs = Math.max(Number(signature.timestamp) + windowMs - nowMs + 1, 1);
	const claim = memoryOf(context, 'robotSignature').claim(
		`${signature.timestamp}\n${signature.sign}`,
		messageId,
		ttlMs,
		nowMs,
	);
	return claim.isNew || claim.sameOwner;
}
