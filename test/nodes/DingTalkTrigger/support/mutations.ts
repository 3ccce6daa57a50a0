import type { IDataObject } from 'n8n-workflow';

import { computeEventSignature, encryptEventMessage } from '../../../../nodes/shared/eventCrypto';
import { computeRobotSign } from '../../../../nodes/shared/robotSigning';
import { MAX_BODY_BYTES } from '../../../../nodes/shared/limits';
import {
	encryptRawBlocks,
	eventKey,
	padTo32,
	plaintextFrame,
	randomString,
	sampleRobotBody,
	seededRandom,
	type TestCredentials,
} from './requests';

/**
 * Seeded generator of bad DingTalk Trigger requests: each family starts from a valid signed (for
 * events: encrypted and signed) request and applies one mutation that makes it invalid for sure.
 * The in-process fuzz test (fuzz.test.ts) and the real-n8n load corpus (test/load/corpus.ts) both
 * build their requests here, so they cannot drift apart.
 */

/** Which webhook a request goes to: app robot (signed), custom robot Outgoing (token), events. */
export type Target = 'robot' | 'outgoing' | 'event';

/** A request as bytes and strings, before it is turned into a webhook context or an HTTP call. */
export interface RawRequest {
	headers: Record<string, string | string[]>;
	query: Record<string, string>;
	body: string | Buffer;
}

export interface MutationFamily {
	target: Target;
	mutation: string;
	build: () => RawRequest;
}

export interface EventParts {
	encrypt: string;
	timestamp: string;
	nonce: string;
}

const HOUR_MS = 3_600_000;

export const FUZZ_EVENTS: IDataObject[] = [
	{ EventType: 'user_add_org', CorpId: 'dingcorp', userId: ['u1'] },
	{ EventType: 'check_url' },
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

export function isJsonObject(text: string): boolean {
	try {
		const value: unknown = JSON.parse(text);
		return value !== null && typeof value === 'object' && !Array.isArray(value);
	} catch {
		return false;
	}
}

export interface MutationOptions {
	seed: number;
	credentials: TestCredentials;
	nowMs: number;
	/** How old the timestamp of a valid robot request may be. */
	maxRobotAgeMs: number;
	/** The events valid pushes are drawn from. */
	events?: IDataObject[];
	/**
	 * A mutated header value as the server will read it; `valid` is the value it replaces. The
	 * load corpus sends headers over HTTP, which drops surrounding whitespace and non-Latin-1
	 * characters, and makes sure the result still differs.
	 */
	headerValue?: (value: string, valid: string) => string;
}

export function createMutations(options: MutationOptions) {
	const { credentials, nowMs } = options;
	const random = seededRandom(options.seed);
	const aesKey = eventKey(credentials);
	const owner = credentials.ownerKey || credentials.appKey;
	const events = options.events ?? FUZZ_EVENTS;
	const headerValue = options.headerValue ?? ((value: string) => value);
	const huge = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
	huge[0] = 0x7b; // '{' so that only the size is wrong

	const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
	const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
	const chance = (p: number) => random() < p;

	/** Changes 1..3 characters of a string; `differs` decides what counts as a real change. */
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

	function addNoise(request: RawRequest): void {
		for (let n = int(0, 2); n > 0; n--) {
			if (chance(0.5)) request.headers[pick(NOISE_HEADERS)] = randomString(random, int(0, 40));
			else request.query[pick(NOISE_QUERY)] = randomString(random, int(0, 40));
		}
	}

	// --- Robot messages ----------------------------------------------------------------------

	function validRobot(msgId: string = randomString(random, 16)): RawRequest {
		const timestamp = String(nowMs - int(0, options.maxRobotAgeMs));
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

	/** The same message with the custom robot's Outgoing token instead of a signature. */
	function validOutgoing(msgId?: string): RawRequest {
		const request = validRobot(msgId);
		delete request.headers.timestamp;
		delete request.headers.sign;
		request.headers.token = credentials.outgoingToken;
		return request;
	}

	function brokenRobotBody(original: string): string | Buffer {
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

	const robotMutations: Record<string, (request: RawRequest) => void> = {
		dropHeaders(request) {
			for (const name of pick([['timestamp'], ['sign'], ['timestamp', 'sign']]))
				delete request.headers[name];
		},
		alterTimestamp(request) {
			const original = String(request.headers.timestamp);
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
			request.headers.timestamp = headerValue(
				replacement === original ? `${original}1` : replacement,
				original,
			);
		},
		staleButSigned(request) {
			const offset = (HOUR_MS + 1 + int(0, 1_000_000_000)) * pick([-1, 1]);
			const timestamp = String(Math.max(0, nowMs + offset));
			request.headers.timestamp = timestamp;
			request.headers.sign = computeRobotSign(credentials.appSecret, timestamp);
		},
		flipSign(request) {
			const original = String(request.headers.sign);
			request.headers.sign = headerValue(mutateString(original), original);
		},
		wrongSecret(request) {
			request.headers.sign = computeRobotSign(
				mutateString(credentials.appSecret),
				String(request.headers.timestamp),
			);
		},
		arrayHeader(request) {
			const name = pick(['timestamp', 'sign']);
			request.headers[name] = [String(request.headers[name]), String(request.headers[name])];
		},
		brokenBody(request) {
			const body = brokenRobotBody(String(request.body));
			// Random bytes could spell a JSON object by chance; the body is not signed, so make sure.
			request.body = isJsonObject(body.toString()) ? `]${body.toString()}` : body;
		},
	};

	/** A custom robot request whose Outgoing token is missing, wrong, another secret or empty. */
	function badOutgoingToken(request: RawRequest): void {
		delete request.headers.timestamp;
		delete request.headers.sign;
		const variant = int(0, 3);
		if (variant === 1) {
			request.headers.token = headerValue(
				mutateString(credentials.outgoingToken),
				credentials.outgoingToken,
			);
		}
		if (variant === 2) request.headers.token = credentials.appSecret;
		if (variant === 3) request.headers.token = '';
	}

	// --- Event pushes ------------------------------------------------------------------------

	function validEventParts(eventId: string = randomString(random, 12)): EventParts {
		return {
			encrypt: encryptEventMessage({
				aesKey,
				message: JSON.stringify({ ...pick(events), eventId }),
				ownerKey: owner,
				random16: randomString(random, 16),
			}),
			timestamp: chance(0.5)
				? String(nowMs - int(0, 60_000))
				: String(Math.floor(nowMs / 1000) - int(0, 60)),
			nonce: randomString(random, int(1, 16)),
		};
	}

	function signedEvent(parts: EventParts, token = credentials.eventToken): RawRequest {
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

	/** Ciphertexts that decrypt to something invalid for sure (signed correctly by the caller). */
	function invalidCiphertext(parts: EventParts): string {
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
				// One bit in one of the last two blocks: the padding or the owner key is always hit.
				const bytes = Buffer.from(valid);
				bytes[bytes.length - int(1, 32)] ^= 1 << int(0, 7);
				return bytes.toString('base64');
			}
			case 5: {
				const message = Buffer.from('{"EventType":"user_add_org"}');
				const declared = message.length + int(1, 2 ** 31);
				return encryptRawBlocks(aesKey, padTo32(plaintextFrame(message, owner, declared)));
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

	const eventMutations: Record<string, (parts: EventParts) => RawRequest> = {
		dropQuery(parts) {
			const request = signedEvent(parts);
			const names = ['msg_signature', 'timestamp', 'nonce'].filter(() => chance(0.5));
			for (const name of names.length ? names : ['nonce']) delete request.query[name];
			return request;
		},
		alterQueryKeepSignature(parts) {
			const request = signedEvent(parts);
			const name = pick(['timestamp', 'nonce', 'msg_signature']);
			const sameHex = (a: string, b: string) => a.toLowerCase() !== b.toLowerCase();
			request.query[name] = mutateString(request.query[name], sameHex);
			return request;
		},
		nonNumericTimestamp(parts) {
			return signedEvent({
				...parts,
				timestamp: pick(['abc', '12:00', '1.5', '-5', ' 1', '1e9', '123456789012345678']),
			});
		},
		staleButSigned(parts) {
			const ms = Math.max(0, nowMs + (HOUR_MS + 1 + int(0, 1_000_000_000)) * pick([-1, 1]));
			return signedEvent({
				...parts,
				timestamp: chance(0.5) ? String(ms) : String(Math.floor(ms / 1000)),
			});
		},
		mutateEncryptKeepSignature(parts) {
			const request = signedEvent(parts);
			request.body = JSON.stringify({ encrypt: mutateString(parts.encrypt) });
			return request;
		},
		brokenBody(parts) {
			const request = signedEvent(parts);
			request.body = pick<string | Buffer>([
				'encrypt=abc',
				'{"Encrypt":"abc"}',
				'{"encrypt":42}',
				'{"encrypt":""}',
				'{"encrypt":null}',
				'[]',
				'',
				huge,
				String(request.body).slice(0, int(0, 20)),
			]);
			return request;
		},
		invalidCiphertextSigned(parts) {
			return signedEvent({ ...parts, encrypt: invalidCiphertext(parts) });
		},
		wrongToken(parts) {
			return signedEvent(parts, mutateString(credentials.eventToken));
		},
	};

	/** Every family once; `badId` names the msgId or eventId the mutated request starts from. */
	function families(badId: () => string = () => randomString(random, 16)): MutationFamily[] {
		return [
			...Object.entries(robotMutations).map(([mutation, mutate]) => ({
				target: 'robot' as const,
				mutation,
				build: () => {
					const request = validRobot(badId());
					mutate(request);
					return request;
				},
			})),
			{
				target: 'outgoing' as const,
				mutation: 'outgoingToken',
				build: () => {
					const request = validRobot(badId());
					badOutgoingToken(request);
					return request;
				},
			},
			...Object.entries(eventMutations).map(([mutation, mutate]) => ({
				target: 'event' as const,
				mutation,
				build: () => mutate(validEventParts(badId())),
			})),
		];
	}

	return {
		random,
		chance,
		addNoise,
		validRobot,
		validOutgoing,
		validEventParts,
		signedEvent,
		families,
	};
}
