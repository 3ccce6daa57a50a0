import type { IDataObject } from 'n8n-workflow';

import type { LoadRequest } from '../../bench/lib/httpLoad';
import { computeEventSignature, encryptEventMessage } from '../../nodes/shared/eventCrypto';
import { computeRobotSign } from '../../nodes/shared/robotSigning';
import {
	encryptRawBlocks,
	eventKey,
	padTo32,
	plaintextFrame,
	randomString,
	sampleRobotBody,
	seededRandom,
	type TestCredentials,
} from '../nodes/DingTalkTrigger/support/requests';

/**
 * The trigger fuzz corpus (test/nodes/DingTalkTrigger/fuzz.test.ts: the same mutation families, built from the
 * same helpers in test/nodes/DingTalkTrigger/support/requests.ts) sent over real HTTP with the real clock. Two changes
 * for the wire: header values are sent as bytes (UTF-8 read as Latin-1, control characters as
 * "?"), and a mutation that HTTP would undo (whitespace around a header value is not part of it)
 * is pushed further, so that every bad request is still bad when n8n reads it.
 */

export type Target = 'robot' | 'outgoing' | 'event';

export interface CorpusCase {
	valid: boolean;
	target: Target;
	mutation: string;
	/** msgId or eventId of a valid case (each starts exactly one execution). */
	id?: string;
	request: LoadRequest;
}

/** Largest body the trigger accepts (MAX_BODY_BYTES of the trigger node). */
const MAX_BODY_BYTES = 1024 * 1024;
const HOUR_MS = 3_600_000;

const EVENTS: IDataObject[] = [
	{ EventType: 'user_add_org', CorpId: 'dingcorp', userId: ['u1'] },
	{ EventType: 'bpms_instance_change', processInstanceId: 'p', result: 'agree', type: 'finish' },
	{ EventType: 'user_leave_org', TimeStamp: 43535463645, UserId: ['user1'], CorpId: 'dinge8a' },
	{ EventType: 'chat_update_title', title: '新群名', openConversationId: 'cid==' },
];

const NOISE_HEADERS = [
	'x-request-id',
	'user-agent',
	'x-forwarded-for',
	'accept',
	'x-acs-dingtalk-access-token',
];
const NOISE_QUERY = ['foo', 'ref', 'debug', 'lang', 'access_token'];

function isJsonObject(text: string): boolean {
	try {
		const value: unknown = JSON.parse(text);
		return value !== null && typeof value === 'object' && !Array.isArray(value);
	} catch {
		return false;
	}
}

/** A header value as the bytes that go on the wire, and how a server reads them back. */
function wireHeader(value: string): string {
	const latin1 = Buffer.from(value, 'utf8').toString('latin1');
	const isControl = (code: number) => (code < 0x20 && code !== 0x09) || code === 0x7f;
	return [...latin1].map((char) => (isControl(char.charCodeAt(0)) ? '?' : char)).join('');
}

interface Spec {
	headers: Record<string, string | string[]>;
	query: Record<string, string>;
	body: string | Buffer;
}

export function buildCorpus(options: {
	seed: number;
	credentials: TestCredentials;
	paths: Record<Target, string>;
	badCount: number;
	validPerTarget: number;
	nowMs?: number;
}): CorpusCase[] {
	const { credentials, paths } = options;
	const random = seededRandom(options.seed);
	const now = options.nowMs ?? Date.now();
	const aesKey = eventKey(credentials);
	const owner = credentials.ownerKey || credentials.appKey;
	const huge = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
	huge[0] = 0x7b; // '{': only the size is wrong

	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
	const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
	const chance = (p: number) => random() < p;
	let serial = 0;
	const uniqueId = (prefix: string) =>
		`${prefix}-${options.seed}-${serial++}-${randomString(random, 8)}`;

	function mutateString(value: string, differs = (a: string, b: string) => a !== b): string {
		for (let attempt = 0; attempt < 20; attempt++) {
			const chars = [...value];
			const kind = int(0, 4);
			let result: string;
			if (kind === 0 && chars.length > 1)
				result = chars.slice(0, int(0, chars.length - 1)).join('');
			else if (kind === 1) result = value + randomString(random, int(1, 4));
			else if (kind === 2)
				result = randomString(random, int(0, value.length * 2 + 1), 'abcdefABCDEF0123456789+/=');
			else {
				for (let n = int(1, 3); n > 0; n--) {
					const at = int(0, Math.max(0, chars.length - 1));
					chars[at] = String.fromCharCode((chars[at]?.charCodeAt(0) ?? 65) ^ (1 << int(0, 6)));
				}
				result = chars.join('');
			}
			if (differs(value, result)) return result;
		}
		return `${value}#`;
	}

	/** A mutated header value that stays different from `valid` after the trip over HTTP. */
	function badHeader(value: string, valid: string): string {
		const wire = wireHeader(value);
		return wire.trim() === valid ? `${wire.trim()}x` : wire;
	}

	function addNoise(spec: Spec) {
		for (let n = int(0, 2); n > 0; n--) {
			if (chance(0.5)) spec.headers[pick(NOISE_HEADERS)] = randomString(random, int(0, 40));
			else spec.query[pick(NOISE_QUERY)] = randomString(random, int(0, 40));
		}
	}

	function toRequest(target: Target, spec: Spec): LoadRequest {
		const query = new URLSearchParams(spec.query).toString();
		return {
			path: `/webhook/${paths[target]}${query ? `?${query}` : ''}`,
			headers: spec.headers,
			body: spec.body,
		};
	}

	// --- Robot messages ----------------------------------------------------------------------

	function validRobot(msgId: string): Spec {
		const timestamp = String(now - int(0, 600_000));
		return {
			headers: {
				'content-type': 'application/json',
				timestamp,
				sign: computeRobotSign(credentials.appSecret, timestamp),
			},
			query: {},
			body: JSON.stringify(
				sampleRobotBody({
					msgId,
					msgtype: pick(['text', 'picture', 'richText', 'audio', 'file', 'somethingNew']),
					text: { content: ` ${randomString(random, int(0, 60), 'ab /钉😀')}` },
				}),
			),
		};
	}

	function brokenBody(original: string): string | Buffer {
		switch (int(0, 6)) {
			case 0:
				return original.slice(0, int(0, original.length - 1));
			case 1: {
				for (let attempt = 0; attempt < 20; attempt++) {
					const bytes = Buffer.from(original);
					for (let n = int(1, 4); n > 0; n--) bytes[int(0, bytes.length - 1)] ^= 1 << int(0, 7);
					if (!isJsonObject(bytes.toString('utf8'))) return bytes;
				}
				return `]${original}`;
			}
			case 2:
				return Buffer.from(Array.from({ length: int(0, 300) }, () => int(0, 255)));
			case 3:
				return pick(['[]', '[{"msgtype":"text"}]', '42', '"text"', 'null', 'true', '']);
			case 4:
				return `${original}${pick(['}', ',', ' x', '{}'])}`;
			case 5:
				return huge;
			default:
				return `msgtype=text&text=${randomString(random, 10)}`;
		}
	}

	const robotMutations: Record<string, (spec: Spec) => void> = {
		dropHeaders(spec) {
			for (const name of pick([['timestamp'], ['sign'], ['timestamp', 'sign']]))
				delete spec.headers[name];
		},
		alterTimestamp(spec) {
			const original = String(spec.headers.timestamp);
			const replacement = pick([
				() => String(Number(original) + pick([-1, 1]) * int(1, 1_000_000)),
				() => mutateString(original),
				() =>
					pick([
						'',
						' ',
						'NaN',
						'-1',
						'1e12',
						'0x10',
						'١٢٣٤',
						`${original}.5`,
						` ${original}`,
						`${original}0000`,
					]),
			])();
			spec.headers.timestamp = badHeader(
				replacement === original ? `${original}1` : replacement,
				original,
			);
		},
		staleButSigned(spec) {
			const timestamp = String(
				Math.max(0, now + (HOUR_MS + 1 + int(0, 1_000_000_000)) * pick([-1, 1])),
			);
			spec.headers.timestamp = timestamp;
			spec.headers.sign = computeRobotSign(credentials.appSecret, timestamp);
		},
		flipSign(spec) {
			const original = String(spec.headers.sign);
			spec.headers.sign = badHeader(mutateString(original), original);
		},
		wrongSecret(spec) {
			spec.headers.sign = computeRobotSign(
				mutateString(credentials.appSecret),
				String(spec.headers.timestamp),
			);
		},
		arrayHeader(spec) {
			const name = pick(['timestamp', 'sign']);
			spec.headers[name] = [String(spec.headers[name]), String(spec.headers[name])];
		},
		brokenBody(spec) {
			const body = brokenBody(String(spec.body));
			spec.body = isJsonObject(body.toString()) ? `]${body.toString()}` : body;
		},
	};

	function outgoingBad(spec: Spec): void {
		delete spec.headers.timestamp;
		delete spec.headers.sign;
		const variant = int(0, 3);
		if (variant === 1)
			spec.headers.token = badHeader(
				mutateString(credentials.outgoingToken),
				credentials.outgoingToken,
			);
		if (variant === 2) spec.headers.token = credentials.appSecret;
		if (variant === 3) spec.headers.token = '';
	}

	// --- Event pushes ------------------------------------------------------------------------

	interface Parts {
		encrypt: string;
		timestamp: string;
		nonce: string;
	}

	function validParts(eventId: string): Parts {
		return {
			encrypt: encryptEventMessage({
				aesKey,
				message: JSON.stringify({ ...pick(EVENTS), eventId }),
				ownerKey: owner,
				random16: randomString(random, 16),
			}),
			timestamp: chance(0.5)
				? String(now - int(0, 60_000))
				: String(Math.floor(now / 1000) - int(0, 60)),
			nonce: randomString(random, int(1, 16)),
		};
	}

	function signed(parts: Parts, token = credentials.eventToken): Spec {
		return {
			headers: { 'content-type': 'application/json' },
			query: {
				msg_signature: computeEventSignature(token, parts.timestamp, parts.nonce, parts.encrypt),
				timestamp: parts.timestamp,
				nonce: parts.nonce,
			},
			body: JSON.stringify({ encrypt: parts.encrypt }),
		};
	}

	function invalidCiphertext(parts: Parts): string {
		const valid = Buffer.from(parts.encrypt, 'base64');
		switch (int(0, 12)) {
			case 0:
				return `${parts.encrypt.slice(0, int(0, parts.encrypt.length - 4))}${pick(['*', '-', '_', '!', ' =', '=A=='])}`;
			case 1:
				return Buffer.from(
					Array.from({ length: 16 * int(1, 6) + int(1, 15) }, () => int(0, 255)),
				).toString('base64');
			case 2:
				return parts.encrypt.slice(0, parts.encrypt.length - int(1, 3));
			case 3:
				return Buffer.from(Array.from({ length: 16 * int(1, 8) }, () => int(0, 255))).toString(
					'base64',
				);
			case 4: {
				const bytes = Buffer.from(valid);
				bytes[bytes.length - int(1, 32)] ^= 1 << int(0, 7);
				return bytes.toString('base64');
			}
			case 5: {
				const message = Buffer.from('{"EventType":"user_add_org"}');
				return encryptRawBlocks(
					aesKey,
					padTo32(plaintextFrame(message, owner, message.length + int(1, 2 ** 31))),
				);
			}
			case 6: {
				const frame = padTo32(plaintextFrame(Buffer.from('{"EventType":"x"}'), owner));
				frame[frame.length - int(2, frame[frame.length - 1])] ^= int(1, 255);
				if (frame[frame.length - 1] === 1) frame[frame.length - 1] = 0;
				return encryptRawBlocks(aesKey, frame);
			}
			case 7: {
				const frame = padTo32(plaintextFrame(Buffer.from('{"EventType":"x"}'), owner));
				frame.fill(pick([0, int(33, 255)]), frame.length - 1);
				return encryptRawBlocks(aesKey, frame);
			}
			case 8:
				return encryptRawBlocks(aesKey, padTo32(Buffer.from(randomString(random, int(0, 19)))));
			case 9:
				return encryptEventMessage({
					aesKey,
					message: '{"EventType":"user_add_org"}',
					ownerKey: mutateString(owner),
				});
			case 10:
				return encryptEventMessage({
					aesKey,
					message: pick(['success', '[1]', '', '{', 'null', '"x"']),
					ownerKey: owner,
				});
			case 11:
				return encryptRawBlocks(
					aesKey,
					padTo32(plaintextFrame(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), owner)),
				);
			default:
				return encryptEventMessage({
					aesKey: eventKey({ ...credentials, eventAesKey: randomString(random, 43) }),
					message: '{"EventType":"x"}',
					ownerKey: owner,
				});
		}
	}

	const eventMutations: Record<string, (parts: Parts) => Spec> = {
		dropQuery(parts) {
			const spec = signed(parts);
			const names = ['msg_signature', 'timestamp', 'nonce'].filter(() => chance(0.5));
			for (const name of names.length ? names : ['nonce']) delete spec.query[name];
			return spec;
		},
		alterQueryKeepSignature(parts) {
			const spec = signed(parts);
			const name = pick(['timestamp', 'nonce', 'msg_signature']);
			const sameHex = (a: string, b: string) => a.toLowerCase() !== b.toLowerCase();
			spec.query[name] = mutateString(spec.query[name], sameHex);
			return spec;
		},
		nonNumericTimestamp(parts) {
			return signed({
				...parts,
				timestamp: pick(['abc', '12:00', '1.5', '-5', ' 1', '1e9', '123456789012345678']),
			});
		},
		staleButSigned(parts) {
			const ms = Math.max(0, now + (HOUR_MS + 1 + int(0, 1_000_000_000)) * pick([-1, 1]));
			return signed({
				...parts,
				timestamp: chance(0.5) ? String(ms) : String(Math.floor(ms / 1000)),
			});
		},
		mutateEncryptKeepSignature(parts) {
			const spec = signed(parts);
			spec.body = JSON.stringify({ encrypt: mutateString(parts.encrypt) });
			return spec;
		},
		brokenBody(parts) {
			const spec = signed(parts);
			spec.body = pick<string | Buffer>([
				'encrypt=abc',
				'{"Encrypt":"abc"}',
				'{"encrypt":42}',
				'{"encrypt":""}',
				'{"encrypt":null}',
				'[]',
				'',
				huge,
				String(spec.body).slice(0, int(0, 20)),
			]);
			return spec;
		},
		invalidCiphertextSigned(parts) {
			return signed({ ...parts, encrypt: invalidCiphertext(parts) });
		},
		wrongToken(parts) {
			return signed(parts, mutateString(credentials.eventToken));
		},
	};

	// --- The corpus: bad cases round-robin over every mutation, valid cases spread among them --

	const families: Array<{ target: Target; mutation: string; build: () => Spec }> = [
		...Object.entries(robotMutations).map(([mutation, mutate]) => ({
			target: 'robot' as const,
			mutation,
			build: () => {
				const spec = validRobot(uniqueId('bad'));
				mutate(spec);
				return spec;
			},
		})),
		{
			target: 'outgoing',
			mutation: 'outgoingToken',
			build: () => {
				const spec = validRobot(uniqueId('bad'));
				outgoingBad(spec);
				return spec;
			},
		},
		...Object.entries(eventMutations).map(([mutation, mutate]) => ({
			target: 'event' as const,
			mutation,
			build: () => mutate(validParts(uniqueId('bad'))),
		})),
	];

	const cases: CorpusCase[] = [];
	for (let index = 0; index < options.badCount; index++) {
		const family = families[index % families.length];
		const spec = family.build();
		if (chance(0.5)) addNoise(spec);
		cases.push({
			valid: false,
			target: family.target,
			mutation: family.mutation,
			request: toRequest(family.target, spec),
		});
	}

	const valid: CorpusCase[] = [];
	for (let index = 0; index < options.validPerTarget; index++) {
		const robotId = uniqueId('robot');
		valid.push({
			valid: true,
			target: 'robot',
			mutation: 'none',
			id: robotId,
			request: toRequest('robot', validRobot(robotId)),
		});
		const outgoingId = uniqueId('outgoing');
		const outgoing = validRobot(outgoingId);
		delete outgoing.headers.timestamp;
		delete outgoing.headers.sign;
		outgoing.headers.token = credentials.outgoingToken;
		valid.push({
			valid: true,
			target: 'outgoing',
			mutation: 'none',
			id: outgoingId,
			request: toRequest('outgoing', outgoing),
		});
		const eventId = uniqueId('event');
		valid.push({
			valid: true,
			target: 'event',
			mutation: 'none',
			id: eventId,
			request: toRequest('event', signed(validParts(eventId))),
		});
	}
	// Spread the valid requests evenly through the bad ones.
	const step = cases.length / Math.max(1, valid.length);
	valid.forEach((entry, index) => cases.splice(Math.floor(index * step) + index, 0, entry));
	return cases;
}
