import { createCipheriv } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import {
	computeEventSignature,
	deriveEventAesKey,
	encryptEventMessage,
} from '../../../../nodes/shared/eventCrypto';
import { computeRobotSign } from '../../../../nodes/shared/robotSigning';
import type { WebhookRequestSpec } from './webhookContext';

/** mulberry32: a tiny seeded PRNG so generated secrets and fuzz cases are reproducible. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(random: () => number, length: number, alphabet = ALNUM): string {
	// Spread by code point so emoji are never split into lone surrogates.
	const characters = [...alphabet];
	let result = '';
	for (let i = 0; i < length; i++) result += characters[Math.floor(random() * characters.length)];
	return result;
}

/** Credentials generated from a seed: nothing secret-looking is hard-coded in the tests. */
export function generateCredentials(seed = 20260101) {
	const random = seededRandom(seed);
	return {
		appKey: `ding${randomString(random, 16).toLowerCase()}`,
		appSecret: randomString(random, 64),
		eventToken: randomString(random, 24),
		eventAesKey: randomString(random, 43),
		ownerKey: '',
		outgoingToken: randomString(random, 32),
		apiBaseUrl: 'http://127.0.0.1:9',
	};
}

export type TestCredentials = ReturnType<typeof generateCredentials>;

export const FIXED_NOW = 1_760_000_000_000;

/** The text-message body from DingTalk's documentation (protocol notes §2.1), with sample IDs. */
export function sampleRobotBody(overrides: IDataObject = {}): IDataObject {
	return {
		conversationId: 'cid6EUxxxxsg==',
		atUsers: [{ dingtalkId: '$:LWCP_v1:$abc', staffId: '0147xxxx8602' }],
		chatbotCorpId: 'ding9733d095xxxxxxx6cb783455b',
		chatbotUserId: '$:LWCP_xxxxr5',
		msgId: 'msgrK2xxxxU+riw==',
		senderNick: '小钉',
		isAdmin: true,
		senderStaffId: '0147xxxx8602',
		sessionWebhookExpiredTime: 1708332604316,
		createAt: 1708327204136,
		senderCorpId: 'ding9733d095xxxxxxx6cb783455b',
		conversationType: '2',
		senderId: '$:LWCP_v1:$v1xxxxBv1MhAv9',
		conversationTitle: '测试群',
		isInAtList: true,
		sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=66d7c695a9xxxxdeb885',
		text: { content: ' /deploy prod' },
		robotCode: 'dingoxxxxdm3k',
		msgtype: 'text',
		senderPlatform: 'Mac',
		...overrides,
	};
}

export function robotHeaders(secret: string, timestamp: number | string): Record<string, string> {
	return {
		'content-type': 'application/json; charset=utf-8',
		timestamp: String(timestamp),
		sign: computeRobotSign(secret, timestamp),
	};
}

/** A correctly signed robot-mode request. */
export function robotRequest(
	credentials: TestCredentials,
	body: IDataObject | string = sampleRobotBody(),
	extra: Partial<WebhookRequestSpec> = {},
): WebhookRequestSpec {
	return {
		parameters: { mode: 'robot' },
		credentials,
		headers: robotHeaders(credentials.appSecret, FIXED_NOW - 1000),
		rawBody: typeof body === 'string' ? body : JSON.stringify(body),
		...extra,
	};
}

export function eventKey(credentials: TestCredentials): Buffer {
	const key = deriveEventAesKey(credentials.eventAesKey);
	if (!key.ok) throw new Error('generated aes key is invalid');
	return key.value;
}

export interface EventPushParts {
	encrypt: string;
	timestamp: string;
	nonce: string;
	signatureName?: 'msg_signature' | 'signature';
	timestampName?: 'timestamp' | 'timeStamp';
}

/** Builds the query and body of a push; the signature is computed over the given parts. */
export function eventRequestFromParts(
	credentials: TestCredentials,
	parts: EventPushParts,
	extra: Partial<WebhookRequestSpec> = {},
): WebhookRequestSpec {
	const signature = computeEventSignature(
		credentials.eventToken,
		parts.timestamp,
		parts.nonce,
		parts.encrypt,
	);
	return {
		parameters: { mode: 'event' },
		credentials,
		headers: { 'content-type': 'application/json' },
		query: {
			[parts.signatureName ?? 'msg_signature']: signature,
			[parts.timestampName ?? 'timestamp']: parts.timestamp,
			nonce: parts.nonce,
		},
		rawBody: JSON.stringify({ encrypt: parts.encrypt }),
		...extra,
	};
}

/** A correctly encrypted and signed push of `event`. */
export function eventRequest(
	credentials: TestCredentials,
	event: IDataObject | string,
	extra: Partial<WebhookRequestSpec> = {},
	ownerKey = credentials.ownerKey || credentials.appKey,
): WebhookRequestSpec {
	const encrypt = encryptEventMessage({
		aesKey: eventKey(credentials),
		message: typeof event === 'string' ? event : JSON.stringify(event),
		ownerKey,
		// Fixed so that every test (and the fuzz corpus) is byte-for-byte reproducible.
		random16: 'R4nd0mPr3f1x0016',
	});
	return eventRequestFromParts(
		credentials,
		{ encrypt, timestamp: String(FIXED_NOW - 2000), nonce: 'n0nce123' },
		extra,
	);
}

/** AES-256-CBC without any padding added: for crafting deliberately broken plaintexts. */
export function encryptRawBlocks(aesKey: Buffer, plaintext: Buffer): string {
	const cipher = createCipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, 16));
	cipher.setAutoPadding(false);
	return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** random16 ‖ uint32BE(declaredLength) ‖ message ‖ ownerKey, unpadded. */
export function plaintextFrame(message: Buffer, ownerKey: string, declaredLength?: number): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(declaredLength ?? message.length, 0);
	return Buffer.concat([Buffer.from('0123456789abcdef'), length, message, Buffer.from(ownerKey)]);
}

/** Pads to 32-byte blocks like DingTalk does. */
export function padTo32(buffer: Buffer): Buffer {
	const pad = 32 - (buffer.length % 32);
	return Buffer.concat([buffer, Buffer.alloc(pad, pad)]);
}
