// Requests as DingTalk sends them to the DingTalk Trigger, signed and encrypted with the current
// clock (the unit-test builders in test/nodes/DingTalkTrigger/support/requests.ts use a fixed clock).
import {
	computeEventSignature,
	decryptEventMessage,
	deriveEventAesKey,
	encryptEventMessage,
	randomAlphanumeric,
} from '../../nodes/shared/eventCrypto';
import { computeRobotSign } from '../../nodes/shared/robotSigning';
import {
	sampleRobotBody,
	type TestCredentials,
} from '../../test/nodes/DingTalkTrigger/support/requests';
import type { LoadRequest } from './httpLoad';

export function aesKeyOf(credentials: TestCredentials): Buffer {
	const key = deriveEventAesKey(credentials.eventAesKey);
	if (!key.ok) throw new Error('the generated aes_key is invalid');
	return key.value;
}

export function ownerKeyOf(credentials: TestCredentials): string {
	return credentials.ownerKey || credentials.appKey;
}

let lastSignedAt = 0;

/** A signing time no earlier message used: the triggers refuse a timestamp + sign seen before. */
function uniqueSigningTime(): number {
	lastSignedAt = Math.max(Date.now(), lastSignedAt + 1);
	return lastSignedAt;
}

/** An @-message to an app robot, signed with the app secret as DingTalk does. */
export function robotMessage(
	path: string,
	credentials: TestCredentials,
	msgId: string,
	nowMs = uniqueSigningTime(),
): LoadRequest {
	const timestamp = String(nowMs);
	return {
		path,
		headers: {
			'content-type': 'application/json; charset=utf-8',
			timestamp,
			sign: computeRobotSign(credentials.appSecret, timestamp),
		},
		body: JSON.stringify(sampleRobotBody({ msgId, text: { content: ' /status bench' } })),
	};
}

/** The same robot message without any headers a verifier would look at (for the Webhook node). */
export function unsignedRobotMessage(path: string, msgId: string): LoadRequest {
	return {
		path,
		headers: { 'content-type': 'application/json; charset=utf-8' },
		body: JSON.stringify(sampleRobotBody({ msgId, text: { content: ' /status bench' } })),
	};
}

/** An event subscription push: the event encrypted with the aes_key and signed with the token. */
export function eventPush(
	path: string,
	credentials: TestCredentials,
	aesKey: Buffer,
	event: Record<string, unknown>,
	nowMs = Date.now(),
): LoadRequest {
	const encrypt = encryptEventMessage({
		aesKey,
		message: JSON.stringify(event),
		ownerKey: ownerKeyOf(credentials),
	});
	const timestamp = String(nowMs);
	const nonce = randomAlphanumeric(8);
	const signature = computeEventSignature(credentials.eventToken, timestamp, nonce, encrypt);
	const query = new URLSearchParams({ msg_signature: signature, timestamp, nonce });
	return {
		path: `${path}?${query}`,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ encrypt }),
	};
}

/**
 * Checks a reply is DingTalk's required answer: `success` encrypted for the owner key and signed
 * with the event token. Returns the reason when it is not.
 */
export function encryptedSuccessProblem(
	body: Buffer,
	credentials: TestCredentials,
	aesKey: Buffer,
): string | undefined {
	let reply: Record<string, unknown>;
	try {
		reply = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
	} catch {
		return `not JSON: ${body.toString('utf8').slice(0, 80)}`;
	}
	const { msg_signature: signature, timeStamp, nonce, encrypt } = reply;
	if (typeof encrypt !== 'string' || typeof timeStamp !== 'string' || typeof nonce !== 'string') {
		return `not an encrypted reply: ${JSON.stringify(reply).slice(0, 80)}`;
	}
	if (computeEventSignature(credentials.eventToken, timeStamp, nonce, encrypt) !== signature) {
		return 'reply signature does not match';
	}
	const opened = decryptEventMessage({ aesKey, encrypt, ownerKey: ownerKeyOf(credentials) });
	if (!opened.ok) return `reply does not decrypt: ${opened.reason}`;
	return opened.value.message === 'success' ? undefined : `reply says ${opened.value.message}`;
}
