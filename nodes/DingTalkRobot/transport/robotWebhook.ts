import { createHash } from 'node:crypto';
import { sleep } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { credentialBaseUrl } from '../../shared/baseUrl';
import { computeRobotSign, parseAccessToken, parseKeywords } from '../../shared/robotSigning';
import { describeDingTalkError } from '../../shared/errorCatalog';
import { MessageFieldError } from '../domain/robotMessage';
import type { RobotMessage } from '../domain/robotMessage';
import { dingTalkError, networkFailure } from './errors';
import type { DingTalkFailure } from './errors';
import { parseReply, postJson } from '../../shared/http';
import type { DingTalkReply } from '../../shared/http';
import { RobotBusyError, robotPacer } from './pacing';
import type { PacingLimits, SendSlot } from './pacing';

export const DEFAULT_ROBOT_BASE_URL = 'https://oapi.dingtalk.com';

/** The custom robot of a `dingTalkRobotApi` credential, read once per node run. */
export interface RobotWebhook {
	kind: 'robot';
	baseUrl: string;
	accessToken: string;
	/** Empty when the robot has no 加签; then requests go unsigned. */
	secret: string;
	keywords: string[];
	/** Identifies the robot to the pacer without keeping its token around a second time. */
	pacingKey: string;
}

/** The sessionWebhook of a received message; DingTalk wants no token or signature there. */
export interface SessionWebhook {
	kind: 'session';
	url: string;
}

export type RobotTarget = RobotWebhook | SessionWebhook;

export interface DeliveryPolicy {
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
	| { ok: false; retry: boolean; throttled: boolean; waitMs?: number; failure: DingTalkFailure };

/** Checks a decrypted `dingTalkRobotApi` credential and keeps what sending needs. */
export function readRobotWebhook(credentials: ICredentialDataDecryptedObject): RobotWebhook {
	const baseUrl = credentialBaseUrl(credentials.baseUrl, DEFAULT_ROBOT_BASE_URL, 'Base URL');
	const accessToken = parseAccessToken(String(credentials.accessToken ?? ''));
	if (!accessToken) {
		throw new MessageFieldError(
			'credential',
			'The credential has no access token',
			'Paste the robot webhook URL or its access_token into the credential.',
		);
	}
	return {
		kind: 'robot',
		baseUrl: baseUrl.url,
		accessToken,
		secret: String(credentials.secret ?? '').trim(),
		keywords: parseKeywords(credentials.keywords as string),
		pacingKey: createHash('sha256').update(`${baseUrl.origin}|${accessToken}`).digest('hex'),
	};
}

/** The query of one attempt: a fresh timestamp and sign each time, DingTalk allows one hour. */
export function robotQuery(robot: RobotWebhook, nowMs: number): IDataObject {
	if (!robot.secret) return { access_token: robot.accessToken };
	const timestamp = String(nowMs);
	// Raw base64: n8n URL-encodes query values once when it sends the request.
	return {
		access_token: robot.accessToken,
		timestamp,
		sign: computeRobotSign(robot.secret, timestamp),
	};
}

/** Interprets one answer: DingTalk reports failures with HTTP 200 and a non-zero errcode. */
export function judgeRobotReply(reply: DingTalkReply, unsigned: boolean): Outcome {
	const { statusCode, body } = reply;
	const hasErrcode = body.errcode !== undefined && body.errcode !== null && body.errcode !== '';
	if (statusCode >= 500 || statusCode === 429) {
		return {
			ok: false,
			retry: true,
			throttled: false,
			failure: {
				message: `DingTalk answered HTTP ${statusCode}`,
				hint: 'DingTalk or a proxy in between had a temporary problem. The node retried and gave up; run it again later.',
				code: `HTTP ${statusCode}`,
				httpCode: statusCode,
			},
		};
	}
	if (statusCode >= 300 && statusCode < 400) {
		return {
			ok: false,
			retry: false,
			throttled: false,
			failure: {
				message: `DingTalk answered HTTP ${statusCode} (a redirect), which the node does not follow`,
				hint: 'DingTalk does not redirect robot messages; the Base URL or a proxy in between does. Point the Base URL straight at DingTalk or the proxy that forwards to it.',
				code: `HTTP ${statusCode}`,
				httpCode: statusCode,
			},
		};
	}
	if (!hasErrcode) {
		// The gateway's IP-level throttle answers {status:1111, wait:5} with no errcode.
		const waitSeconds = Number(body.wait);
		const gatewayThrottle = Number.isFinite(waitSeconds) && body.status !== undefined;
		return {
			ok: false,
			retry: gatewayThrottle,
			throttled: false,
			waitMs: gatewayThrottle ? waitSeconds * 1000 : undefined,
			failure: gatewayThrottle
				? {
						message: "DingTalk's gateway throttled this server",
						hint: 'More than 10,000 requests in 20 seconds came from this IP; DingTalk blocks it for 5 minutes.',
						code: String(body.status),
						httpCode: statusCode,
					}
				: {
						message: `DingTalk answered HTTP ${statusCode} without an errcode`,
						hint: 'The Base URL may not point at DingTalk (check the credential), or a proxy answered instead.',
						code: `HTTP ${statusCode}`,
						dingTalkMessage: typeof body.rawBody === 'string' ? body.rawBody : undefined,
						httpCode: statusCode,
					},
		};
	}
	const errcode = Number(body.errcode);
	if (errcode === 0) return { ok: true, reply: body };
	const errmsg = String(body.errmsg ?? '');
	const info = describeDingTalkError(errcode, errmsg, { unsigned });
	return {
		ok: false,
		retry: info.retryable,
		throttled: info.kind === 'throttled',
		failure: {
			message: `DingTalk rejected the message: ${errmsg || 'no message'} (errcode ${errcode})`,
			hint: info.hint,
			code: errcode,
			dingTalkMessage: errmsg,
		},
	};
}

async function sendOnce(
	context: IExecuteFunctions,
	target: RobotTarget,
	message: RobotMessage,
): Promise<Outcome> {
	const request =
		target.kind === 'robot'
			? { ...postJson(target.baseUrl, '/robot/send', message), qs: robotQuery(target, Date.now()) }
			: postJson(undefined, target.url, message);
	try {
		const reply = parseReply(await context.helpers.httpRequest(request));
		return judgeRobotReply(reply, target.kind === 'robot' && !target.secret);
	} catch (error) {
		return { ok: false, retry: true, throttled: false, failure: networkFailure(error) };
	}
}

function rateLimited(limits: PacingLimits, waitMs: number): DingTalkFailure {
	return {
		message: `The robot reached its limit of ${limits.limit} messages per ${limits.windowMs / 1000} s; not sent`,
		hint: `A slot frees up in ${Math.ceil(waitMs / 1000)} s. Set "Rate Limit Handling" to "Wait for a Free Slot" to queue messages instead of failing.`,
		code: 'rateLimited',
	};
}

/**
 * Sends one message to a robot or session webhook: waits for a pacing slot, retries throttling
 * and temporary failures a bounded number of times with the same msgUuid (so DingTalk never
 * posts it twice), and throws the node's DingTalk error naming the errcode when it gives up.
 */
export async function deliver(
	context: IExecuteFunctions,
	itemIndex: number,
	target: RobotTarget,
	message: RobotMessage,
	policy: DeliveryPolicy,
): Promise<Delivered> {
	for (let attempt = 1; ; attempt++) {
		let slot: SendSlot | undefined;
		if (target.kind === 'robot') {
			try {
				slot = await robotPacer.acquire(target.pacingKey, policy.limits, policy.failFast);
			} catch (error) {
				const waitMs = error instanceof RobotBusyError ? error.waitMs : 0;
				throw dingTalkError(context.getNode(), itemIndex, rateLimited(policy.limits, waitMs));
			}
		}
		const outcome = await sendOnce(context, target, message);
		slot?.done();
		if (outcome.ok) return { reply: outcome.reply, attempts: attempt };

		if (outcome.throttled && target.kind === 'robot') {
			robotPacer.markThrottled(target.pacingKey, policy.limits);
		}
		const canRetry =
			outcome.retry && attempt <= policy.maxRetries && !(outcome.throttled && policy.failFast);
		if (!canRetry) {
			const sent = target.kind === 'robot' ? [target.accessToken, target.secret] : [];
			throw dingTalkError(context.getNode(), itemIndex, outcome.failure, sent);
		}

		// A throttled robot waits in the pacer on the next attempt; everything else backs off here.
		const waitMs = outcome.throttled
			? target.kind === 'robot'
				? 0
				: policy.limits.windowMs
			: (outcome.waitMs ?? policy.retryDelayMs * 2 ** (attempt - 1));
		if (waitMs > 0) await sleep(waitMs);
	}
}
