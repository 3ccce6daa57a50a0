import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { clearDedupeCaches } from '../../../nodes/DingTalkTrigger/dedupe';
import { MAX_BODY_BYTES } from '../../../nodes/DingTalkTrigger/webhookRequest';
import { encryptEventMessage } from '../../../nodes/shared/eventCrypto';
import { computeRobotSign } from '../../../nodes/shared/robotSigning';
import {
	FIXED_NOW,
	encryptRawBlocks,
	eventKey,
	eventRequestFromParts,
	generateCredentials,
	padTo32,
	plaintextFrame,
	randomString,
	robotRequest,
	sampleRobotBody,
	seededRandom,
} from './support/requests';
import { everythingSaid, runWebhook, type WebhookRequestSpec } from './support/webhookContext';

/**
 * Throws thousands of broken requests at the trigger. Each case starts from a valid signed (and,
 * for events, encrypted) request and applies one mutation that makes it invalid for sure, plus
 * optional noise that cannot make it valid again. For every case the trigger must not throw,
 * must not start the workflow, and must answer 4xx. The seed makes every run identical.
 */
const SEED = 0x0d1a6701;
const ROBOT_CASES = 3000;
const EVENT_CASES = 3000;

const random = seededRandom(SEED);
const credentials = generateCredentials(SEED);
const owner = credentials.appKey;
const aesKey = eventKey(credentials);
const SECRETS = [
	credentials.appSecret,
	credentials.outgoingToken,
	credentials.eventToken,
	credentials.eventAesKey,
];
const HUGE = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
HUGE[0] = 0x7b; // '{' so that only the size is wrong

const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const chance = (p: number) => random() < p;

function isJsonObject(text: string): boolean {
	try {
		const value: unknown = JSON.parse(text);
		return value !== null && typeof value === 'object' && !Array.isArray(value);
	} catch {
		return false;
	}
}

/** Changes 1..3 characters of a string; `differs` decides what counts as a real change. */
function mutateString(value: string, differs = (a: string, b: string) => a !== b): string {
	for (let attempt = 0; attempt < 20; attempt++) {
		const chars = [...value];
		const kind = int(0, 4);
		let result: string;
		if (kind === 0 && chars.length > 1) result = chars.slice(0, int(0, chars.length - 1)).join('');
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

const NOISE_HEADERS = [
	'x-request-id',
	'user-agent',
	'x-forwarded-for',
	'accept',
	'x-acs-dingtalk-access-token',
];
const NOISE_QUERY = ['foo', 'ref', 'debug', 'lang', 'access_token'];

function addNoise(spec: WebhookRequestSpec) {
	for (let n = int(0, 2); n > 0; n--) {
		if (chance(0.5))
			spec.headers = { ...spec.headers, [pick(NOISE_HEADERS)]: randomString(random, int(0, 40)) };
		else spec.query = { ...spec.query, [pick(NOISE_QUERY)]: randomString(random, int(0, 40)) };
	}
}

// ---------------------------------------------------------------------------------------------
// Robot mode

function validRobotRequest(): WebhookRequestSpec {
	const timestamp = FIXED_NOW - int(0, 3_000_000);
	const body = sampleRobotBody({
		msgId: randomString(random, 16),
		msgtype: pick(['text', 'picture', 'richText', 'audio', 'file', 'somethingNew']),
		text: { content: ` ${randomString(random, int(0, 60), 'ab /钉😀')}` },
	});
	return robotRequest(credentials, body, {
		headers: {
			'content-type': 'application/json',
			timestamp: String(timestamp),
			sign: computeRobotSign(credentials.appSecret, timestamp),
		},
	});
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
			return HUGE;
		default:
			return `msgtype=text&text=${randomString(random, 10)}`;
	}
}

const ROBOT_MUTATIONS: Record<string, (spec: WebhookRequestSpec) => void> = {
	dropHeaders(spec) {
		const headers = { ...spec.headers };
		const drop = pick([['timestamp'], ['sign'], ['timestamp', 'sign']]);
		for (const name of drop) delete headers[name];
		spec.headers = headers;
	},
	alterTimestamp(spec) {
		const original = String(spec.headers!.timestamp);
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
		spec.headers = {
			...spec.headers,
			timestamp: replacement === original ? `${original}1` : replacement,
		};
	},
	staleButSigned(spec) {
		const offset = (3_600_001 + int(0, 1_000_000_000)) * pick([-1, 1]);
		const timestamp = String(Math.max(0, FIXED_NOW + offset));
		spec.headers = {
			...spec.headers,
			timestamp,
			sign: computeRobotSign(credentials.appSecret, timestamp),
		};
	},
	flipSign(spec) {
		spec.headers = { ...spec.headers, sign: mutateString(String(spec.headers!.sign)) };
	},
	wrongSecret(spec) {
		const timestamp = String(spec.headers!.timestamp);
		spec.headers = {
			...spec.headers,
			sign: computeRobotSign(mutateString(credentials.appSecret), timestamp),
		};
	},
	arrayHeader(spec) {
		const name = pick(['timestamp', 'sign']);
		spec.headers = {
			...spec.headers,
			[name]: [String(spec.headers![name]), String(spec.headers![name])],
		};
	},
	brokenBody(spec) {
		const body = brokenBody(String(spec.rawBody));
		// Random bytes could spell a JSON object by chance; the body is not signed, so make sure.
		spec.rawBody = isJsonObject(body.toString()) ? `]${body.toString()}` : body;
	},
	outgoingToken(spec) {
		spec.parameters = { mode: 'robot', robotVerification: 'outgoingToken' };
		const headers = { ...spec.headers };
		const variant = int(0, 3);
		if (variant === 1) headers.token = mutateString(credentials.outgoingToken);
		if (variant === 2) headers.token = credentials.appSecret;
		if (variant === 3) headers.token = '';
		spec.headers = headers;
	},
};

// ---------------------------------------------------------------------------------------------
// Event mode

const EVENTS: IDataObject[] = [
	{
		EventType: 'user_add_org',
		EventTime: FIXED_NOW,
		CorpId: 'dingcorp',
		eventId: 'e',
		userId: ['u1'],
	},
	{ EventType: 'check_url' },
	{ EventType: 'bpms_instance_change', processInstanceId: 'p', result: 'agree', type: 'finish' },
	{ EventType: 'user_leave_org', TimeStamp: 43535463645, UserId: ['user1'], CorpId: 'dinge8a' },
	{ EventType: 'chat_update_title', title: '新群名', openConversationId: 'cid==' },
];

interface EventParts {
	encrypt: string;
	timestamp: string;
	nonce: string;
}

function validEventParts(): EventParts {
	const event = { ...pick(EVENTS), eventId: randomString(random, 12) };
	return {
		encrypt: encryptEventMessage({
			aesKey,
			message: JSON.stringify(event),
			ownerKey: owner,
			random16: randomString(random, 16),
		}),
		timestamp: chance(0.5)
			? String(FIXED_NOW - int(0, 60_000))
			: String(Math.floor(FIXED_NOW / 1000) - int(0, 60)),
		nonce: randomString(random, int(1, 16)),
	};
}

const signed = (parts: EventParts, token = credentials.eventToken) =>
	eventRequestFromParts({ ...credentials, eventToken: token }, parts, { credentials });

/** Ciphertexts that decrypt to something invalid for sure, then signed correctly. */
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

const EVENT_MUTATIONS: Record<string, (parts: EventParts) => WebhookRequestSpec> = {
	dropQuery(parts) {
		const spec = signed(parts);
		const names = ['msg_signature', 'timestamp', 'nonce'].filter(() => chance(0.5));
		for (const name of names.length ? names : ['nonce']) delete spec.query![name];
		return spec;
	},
	alterQueryKeepSignature(parts) {
		const spec = signed(parts);
		const name = pick(['timestamp', 'nonce', 'msg_signature']);
		const sameHex = (a: string, b: string) => a.toLowerCase() !== b.toLowerCase();
		spec.query = { ...spec.query, [name]: mutateString(String(spec.query![name]), sameHex) };
		return spec;
	},
	nonNumericTimestamp(parts) {
		return signed({
			...parts,
			timestamp: pick(['abc', '12:00', '1.5', '-5', ' 1', '1e9', '123456789012345678']),
		});
	},
	staleButSigned(parts) {
		const offsetMs = (3_600_001 + int(0, 1_000_000_000)) * pick([-1, 1]);
		const ms = Math.max(0, FIXED_NOW + offsetMs);
		return signed({
			...parts,
			timestamp: chance(0.5) ? String(ms) : String(Math.floor(ms / 1000)),
		});
	},
	mutateEncryptKeepSignature(parts) {
		const spec = signed(parts);
		spec.rawBody = JSON.stringify({ encrypt: mutateString(parts.encrypt) });
		return spec;
	},
	brokenBody(parts) {
		const spec = signed(parts);
		spec.rawBody = pick<string | Buffer>([
			'encrypt=abc',
			'{"Encrypt":"abc"}',
			'{"encrypt":42}',
			'{"encrypt":""}',
			'{"encrypt":null}',
			'[]',
			'',
			HUGE,
			String(spec.rawBody).slice(0, int(0, 20)),
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

// ---------------------------------------------------------------------------------------------

interface Tally {
	cases: number;
	byMutation: Record<string, number>;
	byStatus: Record<string, number>;
	byReason: Record<string, number>;
	/** The precise cause the log gives for each eventUnreadable answer. */
	byLoggedCause: Record<string, number>;
	/** Every distinct (status, body) answered for eventUnreadable. */
	unreadableAnswers: Set<string>;
	failures: string[];
}

async function check(mode: string, mutation: string, spec: WebhookRequestSpec, tally: Tally) {
	tally.cases++;
	tally.byMutation[`${mode}.${mutation}`] = (tally.byMutation[`${mode}.${mutation}`] ?? 0) + 1;
	const label = `#${tally.cases} ${mode}.${mutation}`;
	try {
		const run = await runWebhook(spec);
		const status = run.response.statusCode ?? 0;
		tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
		const reason = String((run.response.body as IDataObject)?.error);
		tally.byReason[reason] = (tally.byReason[reason] ?? 0) + 1;
		if (reason === 'eventUnreadable') {
			const cause = String((run.logger.warn.mock.calls[0]?.[1] as IDataObject)?.cause);
			tally.byLoggedCause[cause] = (tally.byLoggedCause[cause] ?? 0) + 1;
			tally.unreadableAnswers.add(JSON.stringify([status, run.response.body]));
		}
		if (run.result.workflowData !== undefined)
			tally.failures.push(`${label}: started the workflow`);
		if (run.result.noWebhookResponse !== true)
			tally.failures.push(`${label}: left the answer to n8n`);
		if (status < 400 || status > 499) tally.failures.push(`${label}: answered ${status}`);
		if (run.response.status.mock.calls.length !== 1)
			tally.failures.push(`${label}: status set ${run.response.status.mock.calls.length} times`);
		if (typeof (run.response.body as IDataObject)?.error !== 'string')
			tally.failures.push(`${label}: no JSON reason`);
		if (run.logger.warn.mock.calls.length === 0) tally.failures.push(`${label}: nothing logged`);
		const said = everythingSaid(run);
		if (SECRETS.some((secret) => said.includes(secret)))
			tally.failures.push(`${label}: leaked a secret`);
	} catch (error) {
		tally.failures.push(`${label}: threw ${(error as Error).message}`);
	}
}

describe('fuzz: random and mutated requests', () => {
	const tally: Tally = {
		cases: 0,
		byMutation: {},
		byStatus: {},
		byReason: {},
		byLoggedCause: {},
		unreadableAnswers: new Set(),
		failures: [],
	};

	beforeAll(() => {
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW);
	});

	afterAll(() => {
		jest.restoreAllMocks();
		const summary = {
			seed: SEED,
			...tally,
			unreadableAnswers: tally.unreadableAnswers.size,
			failures: tally.failures.length,
		};
		const folder = join(__dirname, '..', '..', '..', 'test-results');
		mkdirSync(folder, { recursive: true });
		writeFileSync(join(folder, 'trigger-fuzz.json'), `${JSON.stringify(summary, null, '\t')}\n`);
		console.info(
			`DingTalk Trigger fuzz: ${tally.cases} bad requests (seed ${SEED}), statuses ${JSON.stringify(tally.byStatus)}, failures ${tally.failures.length}`,
		);
	});

	beforeEach(() => clearDedupeCaches());

	it(`robot mode: ${ROBOT_CASES} mutated requests are all refused with 4xx`, async () => {
		const names = Object.keys(ROBOT_MUTATIONS);
		for (let i = 0; i < ROBOT_CASES; i++) {
			const spec = validRobotRequest();
			const mutation = names[i % names.length];
			ROBOT_MUTATIONS[mutation](spec);
			if (chance(0.5)) addNoise(spec);
			await check('robot', mutation, spec, tally);
		}
		expect(tally.failures).toEqual([]);
	});

	it(`event mode: ${EVENT_CASES} mutated pushes are all refused with 4xx`, async () => {
		const names = Object.keys(EVENT_MUTATIONS);
		for (let i = 0; i < EVENT_CASES; i++) {
			const mutation = names[i % names.length];
			const spec = EVENT_MUTATIONS[mutation](validEventParts());
			if (chance(0.5)) addNoise(spec);
			await check('event', mutation, spec, tally);
		}
		expect(tally.failures).toEqual([]);
	});

	it('the unmutated requests the fuzzer starts from are accepted (the oracle is sound)', async () => {
		for (let i = 0; i < 50; i++) {
			const robot = await runWebhook(validRobotRequest());
			expect(robot.result.workflowData).toHaveLength(1);
			const event = await runWebhook(signed(validEventParts()));
			expect(event.response.status).not.toHaveBeenCalled();
			expect(event.result.webhookResponse).toHaveProperty('encrypt');
		}
	});

	// Every reason a request can cause; 'decryptFailed' guards OpenSSL errors that unpadded,
	// block-aligned input does not produce, and the 500s are configuration problems.
	it('ran the announced number of cases and reached every refusal reason', () => {
		expect(tally.cases).toBe(ROBOT_CASES + EVENT_CASES);
		const reached = Object.keys(tally.byReason).sort();
		expect(reached).toEqual(
			[
				'badTimestamp',
				'bodyNotJson',
				'bodyTooLarge',
				'eventUnreadable',
				'missingEncrypt',
				'missingNonce',
				'missingSign',
				'missingTimestamp',
				'missingToken',
				'signMismatch',
				'staleTimestamp',
				'tokenMismatch',
			].sort(),
		);
		// Past a valid signature the caller sees one answer; only the log tells the causes apart.
		expect(tally.unreadableAnswers.size).toBe(1);
		expect(Object.keys(tally.byLoggedCause).sort()).toEqual(
			[
				'badBase64',
				'badPadding',
				'badUtf8',
				'eventNotJson',
				'lengthOutOfRange',
				'notBlockMultiple',
				'ownerKeyMismatch',
				'plaintextTooShort',
			].sort(),
		);
		expect(Object.keys(tally.byMutation)).toHaveLength(
			Object.keys(ROBOT_MUTATIONS).length + Object.keys(EVENT_MUTATIONS).length,
		);
	});
});
