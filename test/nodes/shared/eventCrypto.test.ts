import { createDecipheriv } from 'node:crypto';

import vectorFile from '../../fixtures/dingtalk-event-vectors.json';
import {
	buildEncryptedSuccessReply,
	computeEventSignature,
	decryptEvent,
	decryptEventMessage,
	deriveEventAesKey,
	encryptEventMessage,
	isEventAesKeyShape,
	isExpectedOwnerKey,
	randomAlphanumeric,
	verifyEventSignature,
} from '../../../nodes/shared/eventCrypto';
import {
	encryptRawBlocks,
	padTo32,
	plaintextFrame,
	randomString,
	seededRandom,
} from '../DingTalkTrigger/support/requests';

const vectors = vectorFile.vectors;

function keyOf(encodingAesKey: string): Buffer {
	const key = deriveEventAesKey(encodingAesKey);
	if (!key.ok) throw new Error(`bad key: ${key.reason}`);
	return key.value;
}

describe.each(vectors)('published vector $id', (vector) => {
	const aesKey = keyOf(vector.encodingAesKey);

	it('computes the published signature over the sorted four values', () => {
		expect(
			computeEventSignature(vector.token, vector.timestamp, vector.nonce, vector.encrypt),
		).toBe(vector.signature);
		expect(verifyEventSignature({ ...vector, signature: vector.signature })).toBe(true);
		expect(verifyEventSignature({ ...vector, signature: vector.signature.toUpperCase() })).toBe(
			true,
		);
		expect(verifyEventSignature({ ...vector, token: '654321', signature: vector.signature })).toBe(
			false,
		);
		expect(
			verifyEventSignature({ ...vector, nonce: `${vector.nonce}x`, signature: vector.signature }),
		).toBe(false);
	});

	it('decrypts to the published plaintext and owner key', () => {
		const result = decryptEventMessage({
			aesKey,
			encrypt: vector.encrypt,
			ownerKey: vector.ownerKey,
		});
		expect(result).toEqual({
			ok: true,
			value: {
				random: Buffer.from(vector.random16),
				message: vector.plaintext,
				ownerKey: vector.ownerKey,
			},
		});
	});

	it('refuses the vector for another owner key', () => {
		expect(
			decryptEventMessage({ aesKey, encrypt: vector.encrypt, ownerKey: `${vector.ownerKey}x` }),
		).toEqual({ ok: false, reason: 'ownerKeyMismatch' });
		expect(decryptEventMessage({ aesKey, encrypt: vector.encrypt, ownerKey: '' })).toEqual({
			ok: false,
			reason: 'ownerKeyMismatch',
		});
	});

	it('re-encrypts byte for byte with the recovered random prefix', () => {
		expect(
			encryptEventMessage({
				aesKey,
				message: vector.plaintext,
				ownerKey: vector.ownerKey,
				random16: vector.random16,
			}),
		).toBe(vector.encrypt);
	});

	it('rebuilds the published signed reply when given the same time, nonce and prefix', () => {
		const reply = buildEncryptedSuccessReply({
			aesKey,
			token: vector.token,
			ownerKey: vector.ownerKey,
			timeStamp: vector.timestamp,
			nonce: vector.nonce,
			random16: vector.random16,
		});
		const decrypted = decryptEventMessage({
			aesKey,
			encrypt: reply.encrypt,
			ownerKey: vector.ownerKey,
		});
		expect(decrypted.ok && decrypted.value.message).toBe('success');
		expect(reply.msg_signature).toBe(
			computeEventSignature(vector.token, vector.timestamp, vector.nonce, reply.encrypt),
		);
		if (vector.plaintext === 'success') {
			// V4 is itself a published "success" reply: we must produce it exactly.
			expect(reply).toEqual({
				msg_signature: vector.signature,
				timeStamp: vector.timestamp,
				nonce: vector.nonce,
				encrypt: vector.encrypt,
			});
		}
	});
});

describe('aes key', () => {
	it('accepts only 43 base64 characters and derives 32 bytes', () => {
		expect(isEventAesKeyShape(vectors[0].encodingAesKey)).toBe(true);
		expect(deriveEventAesKey(vectors[1].encodingAesKey)).toMatchObject({ ok: true });
		expect(keyOf(vectors[1].encodingAesKey)).toHaveLength(32);
		for (const bad of [
			'',
			'short',
			vectors[0].encodingAesKey.slice(1),
			`${vectors[0].encodingAesKey}a`,
			`${vectors[0].encodingAesKey.slice(0, 42)}-`,
			`${vectors[0].encodingAesKey.slice(0, 42)}=`,
		]) {
			expect(isEventAesKeyShape(bad)).toBe(false);
			expect(deriveEventAesKey(bad)).toEqual({ ok: false, reason: 'badAesKey' });
		}
		expect(deriveEventAesKey(undefined as unknown as string)).toEqual({
			ok: false,
			reason: 'badAesKey',
		});
	});

	it('refuses to decrypt with a key that is not 32 bytes', () => {
		expect(decryptEvent(Buffer.alloc(16), vectors[0].encrypt)).toEqual({
			ok: false,
			reason: 'badAesKey',
		});
	});
});

describe('round trips with generated keys', () => {
	const random = seededRandom(7);

	it('encrypts and decrypts 300 random messages of 0..700 bytes, ASCII and multibyte', () => {
		const alphabets = ['abcXYZ019{}":,', '钉钉机器人事件订阅', '😀é\u0000\n'];
		for (let i = 0; i < 300; i++) {
			const aesKey = keyOf(randomString(random, 43));
			const alphabet = alphabets[i % alphabets.length];
			const message = randomString(random, Math.floor(random() * 700), alphabet);
			const ownerKey = `ding${randomString(random, 1 + Math.floor(random() * 30))}`;
			const encrypt = encryptEventMessage({ aesKey, message, ownerKey });
			const cipherBytes = Buffer.from(encrypt, 'base64');
			expect(cipherBytes.length % 32).toBe(0);
			const result = decryptEventMessage({ aesKey, encrypt, ownerKey });
			expect(result).toMatchObject({ ok: true, value: { message, ownerKey } });
			if (result.ok) expect(result.value.random.toString()).toMatch(/^[A-Za-z0-9]{16}$/);
		}
	});

	it('adds a whole 32-byte block of padding when the frame is already aligned', () => {
		const aesKey = keyOf(randomString(random, 43));
		// 16 + 4 + 8 + 4 = 32 bytes before padding.
		const encrypt = encryptEventMessage({
			aesKey,
			message: '12345678',
			ownerKey: 'ding',
			random16: 'A'.repeat(16),
		});
		const decipher = createDecipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, 16));
		decipher.setAutoPadding(false);
		const plain = Buffer.concat([
			decipher.update(Buffer.from(encrypt, 'base64')),
			decipher.final(),
		]);
		expect(plain).toHaveLength(64);
		expect([...plain.subarray(32)]).toEqual(new Array(32).fill(32));
	});

	it('uses a fresh random prefix and nonce unless told otherwise', () => {
		const aesKey = keyOf(randomString(random, 43));
		const first = encryptEventMessage({ aesKey, message: 'success', ownerKey: 'dingabc' });
		const second = encryptEventMessage({ aesKey, message: 'success', ownerKey: 'dingabc' });
		expect(first).not.toBe(second);
		const withBadPrefix = decryptEvent(
			aesKey,
			encryptEventMessage({ aesKey, message: 'x', ownerKey: 'k', random16: 'too short' }),
		);
		expect(withBadPrefix.ok && withBadPrefix.value.random.toString()).toMatch(/^[A-Za-z0-9]{16}$/);
		const reply = buildEncryptedSuccessReply({ aesKey, token: 'tok', ownerKey: 'dingabc' });
		expect(reply.nonce).toMatch(/^[A-Za-z0-9]{16}$/);
		expect(reply.timeStamp).toMatch(/^\d{13}$/);
		expect(Object.keys(reply)).toEqual(['msg_signature', 'timeStamp', 'nonce', 'encrypt']);
	});

	it('randomAlphanumeric covers the whole alphabet', () => {
		const seen = new Set(randomAlphanumeric(5000));
		expect(seen.size).toBe(62);
	});
});

describe('decrypt refuses malformed ciphertexts with a reason, never a throw', () => {
	const aesKey = keyOf(vectors[1].encodingAesKey);
	const owner = vectors[1].ownerKey;
	const cases: Array<[string, string, string]> = [
		['not base64', 'this is not base64!!', 'badBase64'],
		['base64 with a wrong length', vectors[1].encrypt.slice(0, -1), 'badBase64'],
		['url-safe alphabet', vectors[0].encrypt.replace(/\+/g, '-'), 'badBase64'],
		['padding in the middle', `AAAA=AAA${vectors[1].encrypt.slice(8)}`, 'badBase64'],
		['empty', '', 'badBase64'],
		['only whitespace', '    ', 'badBase64'],
		['not a block multiple', Buffer.alloc(40, 1).toString('base64'), 'notBlockMultiple'],
		['one byte', Buffer.from([1]).toString('base64'), 'notBlockMultiple'],
	];
	it.each(cases)('%s', (_name, encrypt, reason) => {
		expect(decryptEvent(aesKey, encrypt)).toEqual({ ok: false, reason });
	});

	it('accepts line breaks inside the base64 (some encoders wrap at 76 characters)', () => {
		const wrapped = vectors[1].encrypt.replace(/(.{40})/g, '$1\n');
		expect(decryptEventMessage({ aesKey, encrypt: wrapped, ownerKey: owner })).toMatchObject({
			ok: true,
		});
	});

	const crafted: Array<[string, () => Buffer, string]> = [
		[
			'padding byte 0',
			() =>
				Buffer.concat([
					plaintextFrame(Buffer.from('success'), owner).subarray(0, 31),
					Buffer.from([0]),
				]),
			'badPadding',
		],
		[
			'padding byte 33',
			() => {
				const b = Buffer.alloc(64, 33);
				return b;
			},
			'badPadding',
		],
		[
			'padding bytes disagree',
			() => {
				const b = padTo32(plaintextFrame(Buffer.from('success'), owner));
				b[b.length - 2] ^= 1;
				return b;
			},
			'badPadding',
		],
		[
			'frame shorter than the 20-byte header',
			() => Buffer.concat([Buffer.from('0123456789'), Buffer.alloc(22, 22)]),
			'plaintextTooShort',
		],
		[
			'length field points past the end',
			() => padTo32(plaintextFrame(Buffer.from('success'), owner, 1000)),
			'lengthOutOfRange',
		],
		[
			'length field 0xFFFFFFFF',
			() => padTo32(plaintextFrame(Buffer.from('success'), owner, 0xffffffff)),
			'lengthOutOfRange',
		],
		[
			'message is not UTF-8',
			() => padTo32(plaintextFrame(Buffer.from([0xc3, 0x28, 0xff]), owner)),
			'badUtf8',
		],
		[
			'owner key is not UTF-8',
			() =>
				padTo32(Buffer.concat([plaintextFrame(Buffer.from('success'), ''), Buffer.from([0xfe])])),
			'badUtf8',
		],
		[
			'another owner key',
			() => padTo32(plaintextFrame(Buffer.from('success'), 'dingsomebodyelse')),
			'ownerKeyMismatch',
		],
	];
	it.each(crafted)('%s', (_name, build, reason) => {
		const encrypt = encryptRawBlocks(aesKey, build());
		expect(decryptEventMessage({ aesKey, encrypt, ownerKey: owner })).toEqual({
			ok: false,
			reason,
		});
	});

	it('decrypts an exact-length frame with an empty owner key to the message', () => {
		const encrypt = encryptRawBlocks(aesKey, padTo32(plaintextFrame(Buffer.from('{"a":1}'), '')));
		expect(decryptEvent(aesKey, encrypt)).toMatchObject({
			ok: true,
			value: { message: '{"a":1}', ownerKey: '' },
		});
		expect(isExpectedOwnerKey('', '')).toBe(false);
	});
});
