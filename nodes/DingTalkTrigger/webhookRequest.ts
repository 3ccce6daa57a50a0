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

/** Whether this node has seen `key` recently; records it otherwise. See {@link duplicateTtlMs}. */
export function isDuplicate(
	context: IWebhookFunctions,
	mode: 'robot' | 'event',
	key: string,
	options: { minutes: number; signedAtMs?: number; windowMs: number },
): boolean {
	if (!key || options.minutes <= 0) return false;
	const node = context.getNode();
	const scope = `${context.getWorkflow().id ?? ''}:${node.id ?? node.name}:${mode}`;
	const nowMs = Date.now();
	const ttlMs = duplicateTtlMs({ ...options, nowMs });
	return getDedupeCache(scope).checkAndAdd(key, ttlMs, nowMs);
}
