// What DingTalk sends to a DingTalk Trigger, built in the tests. The robot signature and the event
// signature are computed here with node:crypto directly, independently of the package's own code;
// the AES part uses nodes/shared/eventCrypto.ts (its format is checked against DingTalk's
// published vectors in the unit tests).
import { createHash, createHmac, randomBytes } from 'node:crypto';

import {
	decryptEventMessage,
	deriveEventAesKey,
	encryptEventMessage,
} from '../../../nodes/shared/eventCrypto';

/** base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)): DingTalk's 加签. */
export function robotSign(secret: string, timestamp: string | number): string {
	return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** hex(SHA1(concat(sorted([token, timestamp, nonce, encrypt])))): DingTalk's event signature. */
export function eventSignature(
	token: string,
	timestamp: string,
	nonce: string,
	encrypt: string,
): string {
	return createHash('sha1')
		.update([token, timestamp, nonce, encrypt].sort().join(''), 'utf8')
		.digest('hex');
}

export interface AppKeys {
	appKey: string;
	appSecret: string;
	eventToken: string;
	eventAesKey: string;
	outgoingToken: string;
}

/** Fresh random app secrets for one suite (never printed). */
/** `data` of a dingTalkAppApi credential whose OpenAPI and old API are the fake at `baseUrl`. */
export function fakeAppCredentialData(keys: AppKeys, baseUrl: string) {
	return { ...keys, ownerKey: '', apiBaseUrl: baseUrl, oapiBaseUrl: baseUrl };
}

export function randomAppKeys(): AppKeys {
	const alnum = (length: number) =>
		randomBytes(length * 2)
			.toString('base64')
			.replace(/[^A-Za-z0-9]/g, '')
			.slice(0, length);
	return {
		appKey: `dinge2e${alnum(12).toLowerCase()}`,
		appSecret: alnum(64),
		eventToken: alnum(24),
		eventAesKey: alnum(43),
		outgoingToken: alnum(32),
	};
}

/** A group @-message to an app robot as DingTalk posts it in HTTP mode (protocol notes §2.1). */
export function robotMessageBody(
	text: string,
	overrides: Record<string, unknown> = {},
): Record<string, unknown> {
	const now = Date.now();
	return {
		conversationId: 'cidE2eGroup0001==',
		atUsers: [{ dingtalkId: '$:LWCP_v1:$e2eRobot' }],
		chatbotCorpId: 'dinge2ecorp0001',
		chatbotUserId: '$:LWCP_v1:$e2eRobot',
		msgId: `msg${randomBytes(12).toString('base64')}`,
		senderNick: 'E2E Tester',
		isAdmin: true,
		senderStaffId: 'e2e-staff-01',
		sessionWebhookExpiredTime: now + 5_400_000,
		createAt: now,
		senderCorpId: 'dinge2ecorp0001',
		conversationType: '2',
		senderId: '$:LWCP_v1:$e2eSender',
		conversationTitle: 'E2E group',
		isInAtList: true,
		sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=e2e0001',
		text: { content: ` ${text}` },
		robotCode: 'dinge2erobot',
		msgtype: 'text',
		senderPlatform: 'Mac',
		...overrides,
	};
}

const signedAt = new Set<number>();

/**
 * Headers DingTalk signs an app robot message with; `ageMs` moves the timestamp into the past.
 * Each call gets a millisecond of its own, as messages DingTalk sends one after another do: the
 * trigger refuses a timestamp and sign it has already seen with another msgId as a replay.
 */
export function signedRobotHeaders(
	appSecret: string,
	options: { ageMs?: number; secret?: string } = {},
): Record<string, string> {
	let milliseconds = Date.now() - (options.ageMs ?? 0);
	while (signedAt.has(milliseconds)) milliseconds -= 1;
	signedAt.add(milliseconds);
	const timestamp = String(milliseconds);
	return {
		'content-type': 'application/json; charset=utf-8',
		timestamp,
		sign: robotSign(options.secret ?? appSecret, timestamp),
	};
}

export interface EventPush {
	query: Record<string, string>;
	body: { encrypt: string };
}

/** An encrypted, signed event push (protocol notes §3) of a plaintext event. */
export function eventPush(
	plaintext: string,
	keys: AppKeys,
	options: { ageMs?: number; token?: string; ownerKey?: string } = {},
): EventPush {
	const aesKey = deriveEventAesKey(keys.eventAesKey);
	if (!aesKey.ok) throw new Error('The test aes_key is not 43 letters and digits');
	const encrypt = encryptEventMessage({
		aesKey: aesKey.value,
		message: plaintext,
		ownerKey: options.ownerKey ?? keys.appKey,
	});
	const timestamp = String(Date.now() - (options.ageMs ?? 0));
	const nonce = randomBytes(6).toString('hex');
	return {
		query: {
			msg_signature: eventSignature(options.token ?? keys.eventToken, timestamp, nonce, encrypt),
			timestamp,
			nonce,
		},
		body: { encrypt },
	};
}

/**
 * Checks a trigger's answer to a push the way DingTalk does: the four string fields, the
 * signature over them with the event token, and the plaintext; returns the plaintext.
 */
export function openEventReply(reply: unknown, keys: AppKeys): string {
	const fields = reply as Record<string, unknown>;
	for (const name of ['msg_signature', 'timeStamp', 'nonce', 'encrypt']) {
		if (typeof fields?.[name] !== 'string') throw new Error(`The reply has no string ${name}`);
	}
	const { msg_signature, timeStamp, nonce, encrypt } = fields as Record<string, string>;
	if (eventSignature(keys.eventToken, timeStamp, nonce, encrypt) !== msg_signature) {
		throw new Error('The reply’s msg_signature does not match the event token');
	}
	const aesKey = deriveEventAesKey(keys.eventAesKey);
	if (!aesKey.ok) throw new Error('The test aes_key is not 43 letters and digits');
	const opened = decryptEventMessage({ aesKey: aesKey.value, encrypt, ownerKey: keys.appKey });
	if (!opened.ok) throw new Error(`The reply does not decrypt: ${opened.reason}`);
	return opened.value.message;
}
