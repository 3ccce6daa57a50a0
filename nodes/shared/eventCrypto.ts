import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

import { constantTimeEqual } from './robotSigning';

/**
 * Crypto of DingTalk's event subscription HTTP push (事件订阅, HTTP 推送): SHA1 signature over the
 * sorted [token, timestamp, nonce, encrypt], AES-256-CBC with a 32-byte block padding, and the
 * owner key (AppKey, CorpId or SuiteKey) appended to every plaintext.
 *
 * Nothing here throws on bad input: every check returns a result with a reason code, so the
 * trigger can answer a malformed request with a 4xx instead of crashing.
 */

/** Length of the aes_key shown in the console (43 base64 characters, 32 bytes once decoded). */
export const EVENT_AES_KEY_LENGTH = 43;

/** DingTalk pads to 32-byte blocks, not to AES's 16 (PKCS#7 with a block size of 32). */
export const EVENT_PADDING_BLOCK_SIZE = 32;

const AES_BLOCK_SIZE = 16;
const RANDOM_PREFIX_LENGTH = 16;
const LENGTH_FIELD_SIZE = 4;
const HEADER_SIZE = RANDOM_PREFIX_LENGTH + LENGTH_FIELD_SIZE;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export type EventCryptoFailure =
	| 'badAesKey'
	| 'badBase64'
	| 'notBlockMultiple'
	| 'decryptFailed'
	| 'badPadding'
	| 'plaintextTooShort'
	| 'lengthOutOfRange'
	| 'badUtf8'
	| 'ownerKeyMismatch';

export type EventCryptoResult<T> =
	| { ok: true; value: T }
	| { ok: false; reason: EventCryptoFailure };

export interface DecryptedEvent {
	/** The 16 random bytes DingTalk put in front of the message (needed to re-encrypt in tests). */
	random: Buffer;
	/** The message, usually a JSON string such as {"EventType":"check_url"}. */
	message: string;
	/** The owner key found after the message. */
	ownerKey: string;
}

export interface EncryptedReply {
	msg_signature: string;
	timeStamp: string;
	nonce: string;
	encrypt: string;
	[key: string]: string;
}

function fail<T>(reason: EventCryptoFailure): EventCryptoResult<T> {
	return { ok: false, reason };
}

/** Whether the value has the shape of a console aes_key: 43 characters of the base64 alphabet. */
export function isEventAesKeyShape(encodingAesKey: string): boolean {
	return new RegExp(`^[A-Za-z0-9+/]{${EVENT_AES_KEY_LENGTH}}$`).test(encodingAesKey);
}

/**
 * AES key = base64Decode(aes_key + "="). The official keys carry non-zero trailing bits, which
 * Node's lenient decoder accepts; the IV is the first 16 bytes of the key.
 */
export function deriveEventAesKey(encodingAesKey: string): EventCryptoResult<Buffer> {
	if (typeof encodingAesKey !== 'string' || !isEventAesKeyShape(encodingAesKey)) {
		return fail('badAesKey');
	}
	const key = Buffer.from(`${encodingAesKey}=`, 'base64');
	return key.length === 32 ? { ok: true, value: key } : fail('badAesKey');
}

/** hex(SHA1(sorted([token, timestamp, nonce, encrypt]).join(''))) */
export function computeEventSignature(
	token: string,
	timestamp: string,
	nonce: string,
	encrypt: string,
): string {
	const parts = [token, timestamp, nonce, encrypt].sort();
	return createHash('sha1').update(parts.join(''), 'utf8').digest('hex');
}

/** Compares the query signature with the expected one in constant time (hex is case-insensitive). */
export function verifyEventSignature(options: {
	token: string;
	timestamp: string;
	nonce: string;
	encrypt: string;
	signature: string;
}): boolean {
	const { token, timestamp, nonce, encrypt, signature } = options;
	const expected = computeEventSignature(token, timestamp, nonce, encrypt);
	return constantTimeEqual(expected, signature.toLowerCase());
}

function decodeStrictBase64(value: string): Buffer | undefined {
	const compact = value.replace(/\s+/g, '');
	if (compact.length === 0 || compact.length % 4 !== 0) return undefined;
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
	return Buffer.from(compact, 'base64');
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer): string | undefined {
	try {
		return utf8Decoder.decode(bytes);
	} catch {
		// A fatal decoder rejects invalid sequences; the caller turns this into 'badUtf8'.
		return undefined;
	}
}

function aesDecryptNoPadding(key: Buffer, ciphertext: Buffer): Buffer | undefined {
	try {
		const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, AES_BLOCK_SIZE));
		decipher.setAutoPadding(false);
		return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
	} catch {
		// Block-size problems are checked before; anything OpenSSL still refuses is 'decryptFailed'.
		return undefined;
	}
}

/** Removes the 32-byte-block padding; every padding byte must carry the padding length. */
function removePadding(plain: Buffer): Buffer | undefined {
	if (plain.length === 0) return undefined;
	const padLength = plain[plain.length - 1];
	if (padLength < 1 || padLength > EVENT_PADDING_BLOCK_SIZE || padLength > plain.length) {
		return undefined;
	}
	for (let index = plain.length - padLength; index < plain.length; index++) {
		if (plain[index] !== padLength) return undefined;
	}
	return plain.subarray(0, plain.length - padLength);
}

/**
 * Decrypts the `encrypt` field: random(16) ‖ uint32BE(length) ‖ message ‖ ownerKey, padded.
 * Does not check the owner key; see {@link decryptEventMessage}.
 */
export function decryptEvent(aesKey: Buffer, encrypt: string): EventCryptoResult<DecryptedEvent> {
	if (!Buffer.isBuffer(aesKey) || aesKey.length !== 32) return fail('badAesKey');
	if (typeof encrypt !== 'string') return fail('badBase64');
	const ciphertext = decodeStrictBase64(encrypt);
	if (ciphertext === undefined) return fail('badBase64');
	if (ciphertext.length % AES_BLOCK_SIZE !== 0) return fail('notBlockMultiple');

	const padded = aesDecryptNoPadding(aesKey, ciphertext);
	if (padded === undefined) return fail('decryptFailed');
	const plain = removePadding(padded);
	if (plain === undefined) return fail('badPadding');
	if (plain.length < HEADER_SIZE) return fail('plaintextTooShort');

	const messageLength = plain.readUInt32BE(RANDOM_PREFIX_LENGTH);
	if (messageLength > plain.length - HEADER_SIZE) return fail('lengthOutOfRange');

	const message = decodeUtf8(plain.subarray(HEADER_SIZE, HEADER_SIZE + messageLength));
	const ownerKey = decodeUtf8(plain.subarray(HEADER_SIZE + messageLength));
	if (message === undefined || ownerKey === undefined) return fail('badUtf8');

	return {
		ok: true,
		value: { random: Buffer.from(plain.subarray(0, RANDOM_PREFIX_LENGTH)), message, ownerKey },
	};
}

/** Whether the owner key found in a decrypted event is the expected one (constant time). */
export function isExpectedOwnerKey(expected: string, actual: string): boolean {
	return expected.length > 0 && constantTimeEqual(expected, actual);
}

/** Decrypts and checks the owner key; returns the message. */
export function decryptEventMessage(options: {
	aesKey: Buffer;
	encrypt: string;
	ownerKey: string;
}): EventCryptoResult<DecryptedEvent> {
	const decrypted = decryptEvent(options.aesKey, options.encrypt);
	if (!decrypted.ok) return decrypted;
	if (!isExpectedOwnerKey(options.ownerKey, decrypted.value.ownerKey)) {
		return fail('ownerKeyMismatch');
	}
	return decrypted;
}

/** A random string of [A-Za-z0-9], without modulo bias. */
export function randomAlphanumeric(length: number): string {
	let result = '';
	while (result.length < length) {
		for (const byte of randomBytes(length * 2)) {
			// 248 = 4 × 62: bytes above it would favour the first characters.
			if (byte < 248 && result.length < length) result += ALPHANUMERIC[byte % 62];
		}
	}
	return result;
}

/**
 * Encrypts a message the way DingTalk expects it back. `random16` defaults to 16 random
 * alphanumeric characters; tests pass the prefix recovered from a published vector to reproduce
 * its ciphertext byte for byte. A prefix that is not exactly 16 bytes is replaced by a random one.
 */
export function encryptEventMessage(options: {
	aesKey: Buffer;
	message: string;
	ownerKey: string;
	random16?: string;
}): string {
	const { aesKey, message, ownerKey } = options;
	let prefix = Buffer.from(options.random16 ?? '', 'utf8');
	if (prefix.length !== RANDOM_PREFIX_LENGTH) {
		prefix = Buffer.from(randomAlphanumeric(RANDOM_PREFIX_LENGTH), 'utf8');
	}
	const messageBytes = Buffer.from(message, 'utf8');
	const lengthField = Buffer.alloc(LENGTH_FIELD_SIZE);
	lengthField.writeUInt32BE(messageBytes.length, 0);
	const unpadded = Buffer.concat([
		prefix,
		lengthField,
		messageBytes,
		Buffer.from(ownerKey, 'utf8'),
	]);
	const padLength = EVENT_PADDING_BLOCK_SIZE - (unpadded.length % EVENT_PADDING_BLOCK_SIZE);
	const padded = Buffer.concat([unpadded, Buffer.alloc(padLength, padLength)]);

	const cipher = createCipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, AES_BLOCK_SIZE));
	cipher.setAutoPadding(false);
	return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/**
 * The JSON body DingTalk requires as the answer to every push, including check_url: the
 * encrypted word `success`, signed with the event token.
 */
export function buildEncryptedSuccessReply(options: {
	aesKey: Buffer;
	token: string;
	ownerKey: string;
	timeStamp?: string;
	nonce?: string;
	random16?: string;
}): EncryptedReply {
	const timeStamp = options.timeStamp ?? String(Date.now());
	const nonce = options.nonce ?? randomAlphanumeric(16);
	const encrypt = encryptEventMessage({
		aesKey: options.aesKey,
		message: 'success',
		ownerKey: options.ownerKey,
		random16: options.random16,
	});
	return {
		msg_signature: computeEventSignature(options.token, timeStamp, nonce, encrypt),
		timeStamp,
		nonce,
		encrypt,
	};
}
