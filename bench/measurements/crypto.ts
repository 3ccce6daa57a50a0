// Row 3: the event crypto alone, on one core (this process, single-threaded): verify the SHA1
// signature, decrypt and check the owner key, build the encrypted `success` reply; beside
// `openssl speed -evp aes-256-cbc` on the same machine as the physical reference.
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

import {
	buildEncryptedSuccessReply,
	computeEventSignature,
	decryptEventMessage,
	encryptEventMessage,
	randomAlphanumeric,
	verifyEventSignature,
} from '../../nodes/shared/eventCrypto';
import { computeRobotSign, verifyRobotSignature } from '../../nodes/shared/robotSigning';
import { ownerKeyOf } from '../lib/dingTalkRequests';
import { round1, type BenchContext, type Measurement } from '../lib/measurement';

const execFileAsync = promisify(execFile);

/** Runs `operation` for about `durationMs` (and at most `maxOps` times); operations per second. */
function opsPerSecond(operation: () => void, durationMs: number, maxOps = 5_000_000): number {
	for (let i = 0; i < 2000; i++) operation();
	let ops = 0;
	const began = performance.now();
	let now = began;
	while (now - began < durationMs && ops < maxOps) {
		for (let i = 0; i < 200; i++) operation();
		ops += 200;
		now = performance.now();
	}
	return Math.round((ops / (now - began)) * 1000);
}

export interface OpensslSpeed {
	command: string;
	version: string;
	/** Thousands of bytes per second, as openssl prints them, by block size. */
	kBytesPerSecond: Record<string, number>;
}

/** Parses the table of `openssl speed`: a `type` header with block sizes, then the AES row. */
export function parseOpensslSpeed(output: string): Record<string, number> {
	const lines = output.split('\n');
	const header = lines.find((line) => /^type\s/.test(line));
	const row = lines.find((line) => /^aes-256-cbc\s/i.test(line));
	if (!header || !row) throw new Error(`Unexpected openssl speed output:\n${output}`);
	const sizes = [...header.matchAll(/(\d+) bytes/g)].map((match) => match[1]);
	const values = [...row.matchAll(/([\d.]+)k/g)].map((match) => Number(match[1]));
	if (sizes.length === 0 || sizes.length !== values.length) {
		throw new Error(`Unexpected openssl speed output:\n${output}`);
	}
	return Object.fromEntries(sizes.map((size, index) => [size, values[index]]));
}

async function opensslSpeed(seconds: number): Promise<OpensslSpeed> {
	const args = ['speed', '-seconds', String(seconds), '-bytes', '1024', '-evp', 'aes-256-cbc'];
	const { stdout } = await execFileAsync('openssl', args, { timeout: 60_000 });
	const { stdout: version } = await execFileAsync('openssl', ['version']);
	return {
		command: `openssl ${args.join(' ')}`,
		version: version.trim(),
		kBytesPerSecond: parseOpensslSpeed(stdout),
	};
}

export async function measureCrypto(context: BenchContext): Promise<Measurement> {
	const { credentials, aesKey } = context;
	const durationMs = context.quick ? 500 : 2000;
	const ownerKey = ownerKeyOf(credentials);
	const event = JSON.stringify({
		EventType: 'user_add_org',
		eventId: 'a1b2c3d4e5f6',
		UserId: ['manager1234'],
		CorpId: 'dingbenchcorp',
		TimeStamp: '1760000000000',
	});
	const encrypt = encryptEventMessage({ aesKey, message: event, ownerKey });
	const timestamp = '1760000000000';
	const nonce = 'n0nce123';
	const signature = computeEventSignature(credentials.eventToken, timestamp, nonce, encrypt);

	let sink = 0;
	const eventOpsPerSecond = opsPerSecond(() => {
		if (
			!verifyEventSignature({ token: credentials.eventToken, timestamp, nonce, encrypt, signature })
		) {
			throw new Error('signature check failed');
		}
		const opened = decryptEventMessage({ aesKey, encrypt, ownerKey });
		if (!opened.ok) throw new Error(opened.reason);
		sink += buildEncryptedSuccessReply({ aesKey, token: credentials.eventToken, ownerKey }).encrypt
			.length;
	}, durationMs);

	// The three steps alone, to show where the time goes.
	const stepMicroseconds = (operation: () => void) =>
		round1(1e6 / opsPerSecond(operation, durationMs / 4));
	const breakdown = {
		verifySignature: stepMicroseconds(() =>
			verifyEventSignature({ token: credentials.eventToken, timestamp, nonce, encrypt, signature }),
		),
		decryptAndCheckOwner: stepMicroseconds(() =>
			decryptEventMessage({ aesKey, encrypt, ownerKey }),
		),
		encryptedSuccessReply: stepMicroseconds(() =>
			buildEncryptedSuccessReply({ aesKey, token: credentials.eventToken, ownerKey }),
		),
		randomAlphanumeric16: stepMicroseconds(() => randomAlphanumeric(16)),
	};

	const robotTimestamp = String(Date.now());
	const robotSign = computeRobotSign(credentials.appSecret, robotTimestamp);
	const robotOpsPerSecond = opsPerSecond(() => {
		const check = verifyRobotSignature({
			timestamp: robotTimestamp,
			sign: robotSign,
			secret: credentials.appSecret,
			nowMs: Date.now(),
		});
		if (!check.valid) throw new Error(check.reason);
	}, durationMs);
	if (sink === 0) throw new Error('nothing was encrypted');

	const openssl = await opensslSpeed(context.quick ? 1 : 2);
	const aes1024 = openssl.kBytesPerSecond['1024'];
	const aesBlocksPerSecond = Math.round((aes1024 * 1000) / 1024);
	const ciphertextBytes = Buffer.from(encrypt, 'base64').length;
	const replyBytes = Buffer.from(
		buildEncryptedSuccessReply({ aesKey, token: credentials.eventToken, ownerKey }).encrypt,
		'base64',
	).length;
	const aesBytes = ciphertextBytes + replyBytes;
	const aesMicroseconds = Math.round((aesBytes / (aes1024 * 1000)) * 1e6 * 100) / 100;
	return {
		id: 'crypto',
		title: 'Crypto alone, one core: verify + decrypt + encrypt success',
		target: '',
		met: null,
		measured: `${eventOpsPerSecond.toLocaleString('en-US')} events/s (${round1(1e6 / eventOpsPerSecond)} µs each); robot sign checks ${robotOpsPerSecond.toLocaleString('en-US')}/s; openssl AES-256-CBC ${round1(aes1024 / 1000)} MB/s at 1024 B = ${aesBlocksPerSecond.toLocaleString('en-US')} 1 KiB blocks/s`,
		values: {
			eventOpsPerSecond,
			eventMicroseconds: round1(1e6 / eventOpsPerSecond),
			eventCiphertextBytes: ciphertextBytes,
			breakdownMicroseconds: breakdown,
			aesBytesPerEvent: aesBytes,
			aesMicrosecondsPerEventAtOpensslRate: aesMicroseconds,
			robotSignatureChecksPerSecond: robotOpsPerSecond,
			openssl: { ...openssl, aes1024BlocksPerSecond: aesBlocksPerSecond },
			durationMsPerLoop: durationMs,
		},
		notes: [
			`Per event: ${breakdown.verifySignature} µs signature, ${breakdown.decryptAndCheckOwner} µs decrypt, ${breakdown.encryptedSuccessReply} µs reply (of which 2 × ${breakdown.randomAlphanumeric16} µs for the random nonce and prefix). AES itself is ${aesBytes} bytes per event, ${aesMicroseconds} µs at openssl's rate (${round1((aesMicroseconds / (1e6 / eventOpsPerSecond)) * 100)} % of the time): the rest is per-call setup (cipher contexts, random bytes, base64 and UTF-8 checks).`,
		],
	};
}
