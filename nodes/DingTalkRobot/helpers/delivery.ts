import { NodeApiError, sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';

import { sendToRobot, sendToSession } from '../transport';
import type { DingTalkReply } from '../transport';
import { describeDingTalkError } from './dingTalkErrors';
import type { RobotMessage } from './interfaces';
import { RobotBusyError, robotPacer } from './pacing';
import type { PacingLimits, SendSlot } from './pacing';
import type { SendTarget } from './target';

export interface DeliveryOptions {
	limits: PacingLimits;
	failFast: boolean;
	maxRetries: number;
	retryDelayMs: number;
}

export interface Delivered {
	reply: IDataObject;
	attempts: number;
}

type Outcome =
	| { ok: true; reply: IDataObject }
	| { ok: false; retry: boolean; throttled: boolean; waitMs?: number; error: NodeApiError };

function apiError(
	this: IExecuteFunctions,
	itemIndex: number,
	response: JsonObject,
	message: string,
	description: string,
	httpCode?: number,
) {
	const error = new NodeApiError(this.getNode(), response, {
		message,
		description,
		itemIndex,
		httpCode: httpCode ? String(httpCode) : undefined,
	});
	// NodeApiError swaps a message that mentions a network code (ECONNRESET...) for a generic one.
	error.message = message;
	// Keep DingTalk's own code where continueOnFail output and tests can read it.
	error.context.errcode = response.errcode;
	error.context.errmsg = response.errmsg;
	return error;
}

/** Interprets one answer: DingTalk reports failures with HTTP 200 and a non-zero errcode. */
function judge(
	this: IExecuteFunctions,
	itemIndex: number,
	reply: DingTalkReply,
	unsigned: boolean,
): Outcome {
	const { statusCode, body } = reply;
	const hasErrcode = body.errcode !== undefined && body.errcode !== null && body.errcode !== '';
	if (statusCode >= 500 || statusCode === 429) {
		const error = apiError.call(
			this,
			itemIndex,
			{ ...body, httpCode: statusCode } as JsonObject,
			`DingTalk answered HTTP ${statusCode}`,
			'DingTalk or a proxy in between had a temporary problem. The node retried and gave up; run it again later.',
			statusCode,
		);
		return { ok: false, retry: true, throttled: false, error };
	}
	if (!hasErrcode) {
		// The gateway's IP-level throttle answers {status:1111, wait:5} with no errcode.
		const waitSeconds = Number(body.wait);
		const gatewayThrottle = Number.isFinite(waitSeconds) && body.status !== undefined;
		const error = apiError.call(
			this,
			itemIndex,
			body as JsonObject,
			gatewayThrottle
				? "DingTalk's gateway throttled this server"
				: `DingTalk answered HTTP ${statusCode} without an errcode`,
			gatewayThrottle
				? 'More than 10,000 requests in 20 seconds came from this IP; DingTalk blocks it for 5 minutes.'
				: 'The Base URL may not point at DingTalk (check the credential), or a proxy answered instead.',
			statusCode,
		);
		return {
			ok: false,
			retry: gatewayThrottle,
			throttled: false,
			waitMs: gatewayThrottle ? waitSeconds * 1000 : undefined,
			error,
		};
	}
	const errcode = Number(body.errcode);
	if (errcode === 0) return { ok: true, reply: body };
	const errmsg = String(body.errmsg ?? '');
	const info = describeDingTalkError(errcode, errmsg, { unsigned });
	const error = apiError.call(
		this,
		itemIndex,
		{ errcode, errmsg },
		`DingTalk rejected the message: ${errmsg || 'no message'} (errcode ${errcode})`,
		info.hint,
	);
	return { ok: false, retry: info.retryable, throttled: info.kind === 'throttled', error };
}

async function sendOnce(
	this: IExecuteFunctions,
	itemIndex: number,
	target: SendTarget,
	message: RobotMessage,
): Promise<Outcome> {
	try {
		const reply =
			target.kind === 'robot'
				? await sendToRobot.call(this, target.baseUrl, message)
				: await sendToSession.call(this, target.url, message);
		return judge.call(this, itemIndex, reply, target.kind === 'robot' && !target.signed);
	} catch (error) {
		// httpRequestWithAuthentication wraps network failures in a NodeApiError that drops the
		// original error and its code; the original message ("socket hang up") stays in `messages`.
		const failure = (error ?? {}) as { code?: string; messages?: string[]; message?: string };
		const reason = failure.code || failure.messages?.[0] || failure.message || 'network error';
		const wrapped = apiError.call(
			this,
			itemIndex,
			{ reason } as JsonObject,
			`Could not reach DingTalk (${reason})`,
			'The connection failed or timed out. Check that the n8n server can reach the Base URL of the credential.',
		);
		return { ok: false, retry: true, throttled: false, error: wrapped };
	}
}

/**
 * Sends one message: waits for a pacing slot, retries throttling and temporary failures a
 * bounded number of times with the same msgUuid (so DingTalk never posts it twice), and throws
 * a NodeApiError naming DingTalk's errcode when it gives up.
 */
export async function deliver(
	this: IExecuteFunctions,
	itemIndex: number,
	target: SendTarget,
	message: RobotMessage,
	options: DeliveryOptions,
): Promise<Delivered> {
	for (let attempt = 1; ; attempt++) {
		let slot: SendSlot | undefined;
		if (target.kind === 'robot') {
			try {
				slot = await robotPacer.acquire(target.pacingKey, options.limits, options.failFast);
			} catch (error) {
				const waitMs = error instanceof RobotBusyError ? error.waitMs : 0;
				throw apiError.call(
					this,
					itemIndex,
					{ errcode: 'rateLimited' } as JsonObject,
					`The robot reached its limit of ${options.limits.limit} messages per ${options.limits.windowMs / 1000} s; not sent`,
					`A slot frees up in ${Math.ceil(waitMs / 1000)} s. Set "Rate Limit Handling" to "Wait for a Free Slot" to queue messages instead of failing.`,
				);
			}
		}
		const outcome = await sendOnce.call(this, itemIndex, target, message);
		slot?.done();
		if (outcome.ok) return { reply: outcome.reply, attempts: attempt };

		if (outcome.throttled && target.kind === 'robot') {
			robotPacer.markThrottled(target.pacingKey, options.limits);
		}
		const canRetry =
			outcome.retry && attempt <= options.maxRetries && !(outcome.throttled && options.failFast);
		if (!canRetry) throw outcome.error;

		// A throttled robot waits in the pacer on the next attempt; everything else backs off here.
		const waitMs = outcome.throttled
			? target.kind === 'robot'
				? 0
				: options.limits.windowMs
			: (outcome.waitMs ?? options.retryDelayMs * 2 ** (attempt - 1));
		if (waitMs > 0) await sleep(waitMs);
	}
}
