import { randomBytes } from 'node:crypto';

import {
	computeEventSignature,
	decryptEventMessage,
	encryptEventMessage,
	randomAlphanumeric,
	verifyEventSignature,
} from '../../nodes/shared/eventCrypto';
import { computeRobotSign } from '../../nodes/shared/robotSigning';

/**
 * Builds the requests DingTalk would send to a DingTalk Trigger (a signed robot @-message, an
 * encrypted event push) with the project's own signing and crypto code, and sends them to a
 * loopback URL only.
 */

/** How to sign: correctly, with the wrong secret/token, or correctly but two hours ago. */
export type SignatureVariant = 'valid' | 'wrong' | 'stale';
export const SIGNATURE_VARIANTS: SignatureVariant[] = ['valid', 'wrong', 'stale'];

/** Twice the one hour DingTalk (and the trigger by default) tolerates. */
export const STALE_BY_MS = 2 * 3_600_000;

/** The lifetime DingTalk gives a sessionWebhook in every documented sample (90 minutes). */
export const SESSION_LIFETIME_MS = 5_400_000;

const ANSWER_LIMIT = 10_000;
const FIRE_TIMEOUT_MS = 30_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Accepts only http(s) URLs on the loopback interface, so the sandbox cannot be aimed elsewhere. */
export function loopbackTarget(raw: unknown): { url: URL } | { error: string } {
	if (typeof raw !== 'string' || raw.trim() === '') {
		return { error: 'Enter the trigger URL (the Production URL of the DingTalk Trigger node).' };
	}
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		return { error: 'The trigger URL is not a valid URL.' };
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return { error: 'The trigger URL must start with http:// or https://.' };
	}
	if (!LOOPBACK_HOSTS.has(url.hostname) || url.username || url.password) {
		return { error: 'The sandbox only fires at loopback addresses (127.0.0.1 or localhost).' };
	}
	return { url };
}

/** Whether a Host header names the loopback interface (guards the page against DNS rebinding). */
export function isLoopbackHostHeader(host: string | string[] | undefined): boolean {
	if (typeof host !== 'string' || host === '') return false;
	try {
		return LOOPBACK_HOSTS.has(new URL(`http://${host}`).hostname);
	} catch {
		return false;
	}
}

function signedAt(variant: SignatureVariant, nowMs: number): number {
	return variant === 'stale' ? nowMs - STALE_BY_MS : nowMs;
}

function otherSecret(): string {
	return randomBytes(24).toString('base64');
}

export interface RobotMessageInput {
	text: string;
	senderNick: string;
	senderStaffId: string;
	chatType: 'group' | 'single';
	signature: SignatureVariant;
}

/**
 * The headers and body of an app robot's HTTP-mode message (protocol notes §2.1). DingTalk
 * strips the robot's own @-mention from group messages and leaves a leading space.
 */
export function buildRobotRequest(
	input: RobotMessageInput,
	options: { appSecret: string; sessionWebhook: string; nowMs: number },
): { headers: Record<string, string>; body: Record<string, unknown> } {
	const { nowMs } = options;
	const timestamp = String(signedAt(input.signature, nowMs));
	const secret = input.signature === 'wrong' ? otherSecret() : options.appSecret;
	const group = input.chatType === 'group';
	const body: Record<string, unknown> = {
		conversationId: group ? 'cidSandboxGroup0001==' : 'cidSandboxSingle0001==',
		atUsers: group ? [{ dingtalkId: '$:LWCP_v1:$sandboxRobot' }] : [],
		chatbotCorpId: 'dingsandboxcorp0001',
		chatbotUserId: '$:LWCP_v1:$sandboxRobot',
		msgId: `msg${randomBytes(12).toString('base64')}`,
		senderNick: input.senderNick,
		isAdmin: true,
		senderStaffId: input.senderStaffId,
		sessionWebhookExpiredTime: nowMs + SESSION_LIFETIME_MS,
		createAt: nowMs,
		senderCorpId: 'dingsandboxcorp0001',
		conversationType: group ? '2' : '1',
		senderId: `$:LWCP_v1:$${input.senderStaffId}`,
		isInAtList: true,
		sessionWebhook: options.sessionWebhook,
		text: { content: group ? ` ${input.text}` : input.text },
		robotCode: 'dingsandboxrobot',
		msgtype: 'text',
		senderPlatform: 'Web',
	};
	if (group) body.conversationTitle = 'DingTalk sandbox group';
	return {
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			timestamp,
			sign: computeRobotSign(secret, timestamp),
		},
		body,
	};
}

export interface EventKeys {
	token: string;
	aesKey: Buffer;
	ownerKey: string;
}

/** The query and body of an event push: `?msg_signature&timestamp&nonce` and `{"encrypt"}`. */
export function buildEventRequest(
	plaintext: string,
	signature: SignatureVariant,
	keys: EventKeys,
	nowMs: number,
): { query: Record<string, string>; body: { encrypt: string } } {
	const timestamp = String(signedAt(signature, nowMs));
	const nonce = randomAlphanumeric(8);
	const encrypt = encryptEventMessage({
		aesKey: keys.aesKey,
		message: plaintext,
		ownerKey: keys.ownerKey,
	});
	const token = signature === 'wrong' ? otherSecret() : keys.token;
	return {
		query: {
			msg_signature: computeEventSignature(token, timestamp, nonce, encrypt),
			timestamp,
			nonce,
		},
		body: { encrypt },
	};
}

export interface EventReplyCheck {
	/** True when the reply is signed with the token and decrypts to "success" with the owner key. */
	success: boolean;
	detail: string;
}

/** Checks the trigger's answer to a push the way DingTalk does. */
export function checkEventReply(answer: string, keys: EventKeys): EventReplyCheck {
	let reply: Record<string, unknown>;
	try {
		reply = JSON.parse(answer) as Record<string, unknown>;
	} catch {
		return { success: false, detail: 'The answer is not JSON.' };
	}
	const fields = ['msg_signature', 'timeStamp', 'nonce', 'encrypt'] as const;
	const missing = fields.filter((field) => typeof reply?.[field] !== 'string');
	if (missing.length > 0) {
		return { success: false, detail: `The answer lacks ${missing.join(', ')}.` };
	}
	const [signature, timestamp, nonce, encrypt] = fields.map((field) => reply[field] as string);
	if (!verifyEventSignature({ token: keys.token, timestamp, nonce, encrypt, signature })) {
		return { success: false, detail: 'The answer’s msg_signature does not match the token.' };
	}
	const decrypted = decryptEventMessage({ aesKey: keys.aesKey, encrypt, ownerKey: keys.ownerKey });
	if (!decrypted.ok) {
		return { success: false, detail: `The answer does not decrypt (${decrypted.reason}).` };
	}
	return decrypted.value.message === 'success'
		? { success: true, detail: 'The answer decrypts to "success".' }
		: {
				success: false,
				detail: `The answer decrypts to "${decrypted.value.message}", not "success".`,
			};
}

export interface TriggerAnswer {
	/** The trigger's HTTP status; 0 when it could not be reached. */
	status: number;
	body: string;
	error?: string;
}

/** POSTs to the (already checked) loopback URL; redirects are not followed. */
export async function postToTrigger(
	url: URL,
	headers: Record<string, string>,
	body: unknown,
): Promise<TriggerAnswer> {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
			body: JSON.stringify(body),
			redirect: 'manual',
			signal: AbortSignal.timeout(FIRE_TIMEOUT_MS),
		});
		const text = await response.text();
		return {
			status: response.status,
			body: text.length > ANSWER_LIMIT ? `${text.slice(0, ANSWER_LIMIT)}…` : text,
		};
	} catch (error) {
		const cause = (error as { cause?: { code?: string } }).cause;
		return { status: 0, body: '', error: cause?.code ?? (error as Error).message };
	}
}
