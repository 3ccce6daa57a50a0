import type { IDataObject } from 'n8n-workflow';

import vectorFile from '../../../fixtures/dingtalk-event-vectors.json';
import { clearDedupeCaches, getDedupeCache } from '../../../../nodes/shared/dedupe';
import { MAX_BODY_BYTES } from '../../../../nodes/shared/limits';
import {
	computeEventSignature,
	decryptEventMessage,
	encryptEventMessage,
} from '../../../../nodes/shared/eventCrypto';
import {
	FIXED_NOW,
	encryptRawBlocks,
	eventKey,
	eventRequest,
	eventRequestFromParts,
	generateCredentials,
	padTo32,
	plaintextFrame,
	type TestCredentials,
} from '../support/requests';
import {
	LEGACY_USER_ADD_ORG,
	LEGACY_USER_ADD_ORG_ITEM,
	USER_ADD_ORG,
	USER_ADD_ORG_ITEM,
} from '../support/documentedPayloads';
import {
	expectRefusedWithoutSecrets,
	runWebhook,
	type WebhookRun,
} from '../support/webhookContext';

const credentials = generateCredentials();
const owner = credentials.appKey;

beforeEach(() => {
	clearDedupeCaches();
	jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW);
});

afterEach(() => jest.restoreAllMocks());

/** The reply must be the encrypted word "success", signed with the event token. */
function expectSuccessReply(
	run: WebhookRun,
	creds: TestCredentials = credentials,
	ownerKey = owner,
) {
	expect(run.response.status).not.toHaveBeenCalled();
	const reply = run.result.webhookResponse as IDataObject;
	expect(Object.keys(reply)).toEqual(['msg_signature', 'timeStamp', 'nonce', 'encrypt']);
	const { msg_signature, timeStamp, nonce, encrypt } = reply as Record<string, string>;
	expect(timeStamp).toBe(String(Date.now()));
	expect(msg_signature).toBe(computeEventSignature(creds.eventToken, timeStamp, nonce, encrypt));
	const decrypted = decryptEventMessage({ aesKey: eventKey(creds), encrypt, ownerKey });
	expect(decrypted.ok && decrypted.value.message).toBe('success');
}

function expectStarted(run: WebhookRun) {
	expectSuccessReply(run);
	expect(run.result.workflowData).toHaveLength(1);
	expect(run.result.workflowData![0]).toHaveLength(1);
	return run.result.workflowData![0][0].json;
}

function expectAnsweredOnly(run: WebhookRun) {
	expectSuccessReply(run);
	expect(run.result.workflowData).toBeUndefined();
}

function expectRefused(run: WebhookRun, status: number, reason: string) {
	expectRefusedWithoutSecrets(run, status, reason, [
		credentials.eventAesKey,
		credentials.eventToken,
		credentials.appSecret,
	]);
}

describe('event mode: accepted pushes', () => {
	it('become one item and get the encrypted success reply (README sample)', async () => {
		const item = expectStarted(await runWebhook(eventRequest(credentials, USER_ADD_ORG)));
		expect(item).toEqual(USER_ADD_ORG_ITEM);
	});

	it('normalise the legacy capitalised shape, with the older query names', async () => {
		const encrypt = encryptEventMessage({
			aesKey: eventKey(credentials),
			message: JSON.stringify(LEGACY_USER_ADD_ORG),
			ownerKey: owner,
		});
		const run = await runWebhook(
			eventRequestFromParts(credentials, {
				encrypt,
				timestamp: String(Math.floor(FIXED_NOW / 1000)),
				nonce: '380320111',
				signatureName: 'signature',
				timestampName: 'timeStamp',
			}),
		);
		expect(expectStarted(run)).toEqual(LEGACY_USER_ADD_ORG_ITEM);
	});

	it('keep the decrypted JSON text as raw when asked', async () => {
		const run = await runWebhook(
			eventRequest(credentials, USER_ADD_ORG, {
				parameters: { mode: 'event', eventOptions: { includeRaw: true } },
			}),
		);
		expect(expectStarted(run).raw).toBe(JSON.stringify(USER_ADD_ORG));
	});

	it('keep unknown events and fields, and prefer camelCase when both spellings exist', async () => {
		const event = {
			EventType: 'bpms_task_change',
			eventId: 'e-1',
			processInstanceId: 'p-1',
			Result: 'agree',
			URL: 'https://example.com',
			corpId: 'current',
			CorpId: 'legacy',
		};
		const item = expectStarted(await runWebhook(eventRequest(credentials, event)));
		expect(item).toMatchObject({
			eventType: 'bpms_task_change',
			corpId: 'current',
			data: { processInstanceId: 'p-1', result: 'agree', URL: 'https://example.com' },
		});
	});

	it('use the owner key of the credential instead of the AppKey when set', async () => {
		const corp = { ...credentials, ownerKey: 'dingcorp0123456789' };
		const run = await runWebhook(eventRequest(corp, USER_ADD_ORG, {}, 'dingcorp0123456789'));
		expectSuccessReply(run, corp, 'dingcorp0123456789');
		expect(run.result.workflowData).toHaveLength(1);
		const forAppKey = await runWebhook(eventRequest(corp, USER_ADD_ORG, {}, corp.appKey));
		expectRefused(forAppKey, 400, 'eventUnreadable');
		expect(forAppKey.logger.warn.mock.calls[0][1]).toMatchObject({ cause: 'ownerKeyMismatch' });
	});
});

describe('event mode: URL checks are answered and start nothing', () => {
	it.each([
		['check_url', { EventType: 'check_url' }],
		[
			'check_create_suite_url',
			{ EventType: 'check_create_suite_url', Random: 'LPIdSnlF', TestSuiteKey: 'suite4xxx' },
		],
		[
			'check_update_suite_url',
			{ EventType: 'check_update_suite_url', Random: 'abc', TestSuiteKey: 'suite4xxx' },
		],
	])('%s', async (_name, event) => {
		const run = await runWebhook(eventRequest(credentials, event));
		expectAnsweredOnly(run);
		expect(run.logger.warn).not.toHaveBeenCalled();
	});

	it('answers even when the event filter would exclude it', async () => {
		const parameters = { mode: 'event', eventTypes: ['user_add_org'] };
		expectAnsweredOnly(
			await runWebhook(eventRequest(credentials, { EventType: 'check_url' }, { parameters })),
		);
	});

	it('answers the published V1 check through the whole trigger (legacy signature name)', async () => {
		const v1 = vectorFile.vectors[0];
		const creds = {
			...credentials,
			eventToken: v1.token,
			eventAesKey: v1.encodingAesKey,
			ownerKey: v1.ownerKey,
		};
		const spec = {
			parameters: { mode: 'event', eventOptions: { timestampToleranceSeconds: 0 } },
			credentials: creds,
			query: { signature: v1.signature, timestamp: v1.timestamp, nonce: v1.nonce },
			rawBody: JSON.stringify({ encrypt: v1.encrypt }),
		};
		const run = await runWebhook(spec);
		expectSuccessReply(run, creds, v1.ownerKey);
		expect(run.result.workflowData).toBeUndefined();
		// The published timestamp is from 2015: with the default window it is refused.
		const strict = await runWebhook({ ...spec, parameters: { mode: 'event' } });
		expect(strict.response.statusCode).toBe(401);
	});

	it('refuses the published V4 reply as a push: "success" is not a JSON event', async () => {
		const v4 = vectorFile.vectors[1];
		const run = await runWebhook({
			parameters: { mode: 'event', eventOptions: { timestampToleranceSeconds: 0 } },
			credentials: {
				...credentials,
				eventToken: v4.token,
				eventAesKey: v4.encodingAesKey,
				ownerKey: v4.ownerKey,
			},
			query: { msg_signature: v4.signature, timestamp: v4.timestamp, nonce: v4.nonce },
			rawBody: JSON.stringify({ encrypt: v4.encrypt }),
		});
		expect(run.response.statusCode).toBe(400);
		expect(run.response.body).toMatchObject({ error: 'eventUnreadable' });
		expect(run.logger.warn.mock.calls[0][1]).toMatchObject({ cause: 'eventNotJson' });
	});
});

describe('event mode: event type filter', () => {
	const user = (parameters: IDataObject) =>
		eventRequest(credentials, USER_ADD_ORG, { parameters: { mode: 'event', ...parameters } });

	it('starts only for selected types; empty means all', async () => {
		expectStarted(await runWebhook(user({})));
		clearDedupeCaches();
		expectStarted(await runWebhook(user({ eventTypes: ['user_add_org', 'user_leave_org'] })));
		clearDedupeCaches();
		expectAnsweredOnly(await runWebhook(user({ eventTypes: ['user_leave_org'] })));
	});

	it('accepts free-text types separated by commas, spaces or new lines', async () => {
		expectStarted(
			await runWebhook(user({ customEventTypes: 'calendar_event_change,\n user_add_org' })),
		);
		clearDedupeCaches();
		expectAnsweredOnly(await runWebhook(user({ customEventTypes: 'calendar_event_change' })));
		clearDedupeCaches();
		expectStarted(
			await runWebhook(
				user({ eventTypes: ['user_leave_org'], customEventTypes: '，user_add_org' }),
			),
		);
	});
});

describe('event mode: retries are answered and start nothing', () => {
	it('the same eventId within the window, even re-encrypted with a new nonce', async () => {
		expectStarted(await runWebhook(eventRequest(credentials, USER_ADD_ORG)));
		const retry = eventRequestFromParts(credentials, {
			// A fresh random prefix, time and nonce, as a real retry would carry.
			encrypt: encryptEventMessage({
				aesKey: eventKey(credentials),
				message: JSON.stringify(USER_ADD_ORG),
				ownerKey: owner,
			}),
			timestamp: String(FIXED_NOW - 100),
			nonce: 'retryNonce',
		});
		expect(retry.rawBody).not.toBe(eventRequest(credentials, USER_ADD_ORG).rawBody);
		expectAnsweredOnly(await runWebhook(retry));
		expectStarted(
			await runWebhook(eventRequest(credentials, { ...USER_ADD_ORG, eventId: 'next' })),
		);
	});

	it('legacy events without eventId are compared by content', async () => {
		expectStarted(await runWebhook(eventRequest(credentials, LEGACY_USER_ADD_ORG)));
		expectAnsweredOnly(await runWebhook(eventRequest(credentials, LEGACY_USER_ADD_ORG)));
		expectStarted(
			await runWebhook(eventRequest(credentials, { ...LEGACY_USER_ADD_ORG, UserId: ['user3'] })),
		);
	});

	it('after the window, or with the window off, the event starts again', async () => {
		const parameters = { mode: 'event', eventOptions: { dedupeMinutes: 0 } };
		expectStarted(await runWebhook(eventRequest(credentials, USER_ADD_ORG, { parameters })));
		expectStarted(await runWebhook(eventRequest(credentials, USER_ADD_ORG, { parameters })));
		expectStarted(await runWebhook(eventRequest(credentials, USER_ADD_ORG)));
		// Remembered until the signed timestamp (FIXED_NOW - 2 s) leaves the one-hour tolerance.
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 3_600_000 - 2000 - 1);
		const early = await runWebhook(
			eventRequest(credentials, USER_ADD_ORG, {
				parameters: { mode: 'event', eventOptions: { timestampToleranceSeconds: 0 } },
			}),
		);
		expect(early.result.workflowData).toBeUndefined();
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 3_600_000 - 2000 + 1);
		const later = await runWebhook(
			eventRequest(credentials, USER_ADD_ORG, {
				parameters: { mode: 'event', eventOptions: { timestampToleranceSeconds: 0 } },
			}),
		);
		expect(later.result.workflowData).toHaveLength(1);
	});
});

describe('event mode: refused pushes start nothing', () => {
	const valid = () => eventRequest(credentials, USER_ADD_ORG);
	const withQuery = (change: (query: IDataObject) => void) => {
		const spec = valid();
		change(spec.query!);
		return spec;
	};
	const signedWith = (encrypt: string, timestamp = String(FIXED_NOW - 2000)) =>
		eventRequestFromParts(credentials, { encrypt, timestamp, nonce: 'n0nce' });
	const key = eventKey(credentials);

	const cases: Array<[string, () => ReturnType<typeof valid>, number, string]> = [
		['no signature', () => withQuery((q) => delete q.msg_signature), 401, 'missingSign'],
		['no timestamp', () => withQuery((q) => delete q.timestamp), 401, 'missingTimestamp'],
		['no nonce', () => withQuery((q) => delete q.nonce), 400, 'missingNonce'],
		['no query at all', () => ({ ...valid(), query: {} }), 401, 'missingSign'],
		[
			'a repeated signature parameter',
			() => withQuery((q) => (q.msg_signature = ['a', 'b'] as unknown as string)),
			401,
			'missingSign',
		],
		['a changed nonce', () => withQuery((q) => (q.nonce = 'other')), 401, 'signMismatch'],
		[
			'a changed timestamp',
			() => withQuery((q) => (q.timestamp = String(FIXED_NOW - 1))),
			401,
			'signMismatch',
		],
		[
			'a signature of the right length but wrong',
			() => withQuery((q) => (q.msg_signature = '0'.repeat(40))),
			401,
			'signMismatch',
		],
		[
			'a non-numeric timestamp',
			() => eventRequestFromParts(credentials, { encrypt: 'AAAA', timestamp: '12:00', nonce: 'n' }),
			400,
			'badTimestamp',
		],
		[
			'a stale timestamp in milliseconds',
			() => signedWith('AAAA', String(FIXED_NOW - 3_600_001)),
			401,
			'staleTimestamp',
		],
		[
			'a stale timestamp in seconds',
			() => signedWith('AAAA', String(Math.floor(FIXED_NOW / 1000) - 3601)),
			401,
			'staleTimestamp',
		],
		['a body that is not JSON', () => ({ ...valid(), rawBody: 'encrypt=abc' }), 400, 'bodyNotJson'],
		[
			'a JSON body without encrypt',
			() => ({ ...valid(), rawBody: '{"data":"x"}' }),
			400,
			'missingEncrypt',
		],
		[
			'encrypt that is not a string',
			() => ({ ...valid(), rawBody: '{"encrypt":12345}' }),
			400,
			'missingEncrypt',
		],
		['an empty encrypt', () => ({ ...valid(), rawBody: '{"encrypt":""}' }), 400, 'missingEncrypt'],
		[
			'a body over the size limit',
			() => ({ ...valid(), rawBody: `{"encrypt":"${'A'.repeat(MAX_BODY_BYTES)}"}` }),
			413,
			'bodyTooLarge',
		],
		[
			'an event signed with another token',
			() =>
				eventRequest({ ...credentials, eventToken: 'othertoken' }, USER_ADD_ORG, { credentials }),
			401,
			'signMismatch',
		],
	];

	// Past a valid signature every failure answers alike, so that someone holding the event
	// token learns nothing about the plaintext (no padding oracle); the log keeps the cause.
	const afterSignature: Array<[string, () => ReturnType<typeof valid>, string]> = [
		['a signed encrypt that is not base64', () => signedWith('%%%not-base64%%%'), 'badBase64'],
		[
			'a signed encrypt that is not a block multiple',
			() => signedWith(Buffer.alloc(33, 7).toString('base64')),
			'notBlockMultiple',
		],
		[
			'a signed encrypt with corrupt padding',
			() => signedWith(encryptRawBlocks(key, Buffer.alloc(64, 0))),
			'badPadding',
		],
		[
			'a signed encrypt whose length field points past the end',
			() =>
				signedWith(encryptRawBlocks(key, padTo32(plaintextFrame(Buffer.from('{}'), owner, 4096)))),
			'lengthOutOfRange',
		],
		[
			'a signed encrypt shorter than its header',
			() => signedWith(encryptRawBlocks(key, padTo32(Buffer.from('short')))),
			'plaintextTooShort',
		],
		[
			'a signed encrypt with invalid UTF-8',
			() =>
				signedWith(
					encryptRawBlocks(key, padTo32(plaintextFrame(Buffer.from([0xff, 0xfe]), owner))),
				),
			'badUtf8',
		],
		[
			'an event for another app',
			() => eventRequest(credentials, USER_ADD_ORG, {}, 'dinganotherapp000'),
			'ownerKeyMismatch',
		],
		['an event that is not JSON', () => eventRequest(credentials, 'not json'), 'eventNotJson'],
		['an event that is a JSON array', () => eventRequest(credentials, '[1,2]'), 'eventNotJson'],
		[
			'an event encrypted with another key',
			() =>
				eventRequest({ ...credentials, eventAesKey: 'B'.repeat(43) }, USER_ADD_ORG, {
					credentials,
				}),
			'badPadding',
		],
	];

	it.each(cases)('%s', async (_name, build, status, reason) => {
		expectRefused(await runWebhook(build()), status, reason);
	});

	it.each(afterSignature)(
		'%s: 400 eventUnreadable, the log names the cause',
		async (_name, build, cause) => {
			const run = await runWebhook(build());
			expectRefused(run, 400, 'eventUnreadable');
			expect(run.logger.warn.mock.calls[0][0]).toContain(`(${cause})`);
			expect(run.logger.warn.mock.calls[0][1]).toMatchObject({ cause });
		},
	);

	it('every failure after a valid signature gets the same status and body', async () => {
		const answers = new Set<string>();
		for (const [, build] of afterSignature) {
			const run = await runWebhook(build());
			answers.add(JSON.stringify([run.response.statusCode, run.response.body]));
		}
		expect(answers.size).toBe(1);
	});

	it('a wrong aes key shows up in the log with a hint at the credential', async () => {
		const run = await runWebhook(
			eventRequest({ ...credentials, eventAesKey: 'B'.repeat(43) }, USER_ADD_ORG, { credentials }),
		);
		expect(run.logger.warn.mock.calls[0][0]).toContain(
			'aes_key in the credential is probably wrong',
		);
	});
});

describe('event mode: configuration problems answer 500 and log why', () => {
	it.each([
		['an aes key of 42 characters', { eventAesKey: 'A'.repeat(42) }, '43'],
		['an aes key with a symbol', { eventAesKey: `${'A'.repeat(42)}!` }, '43'],
		['no event token', { eventToken: '' }, 'Event Token'],
		['neither owner key nor AppKey', { appKey: '', ownerKey: '' }, 'Owner Key'],
	])('%s', async (_name, change, logged) => {
		const run = await runWebhook(
			eventRequest(credentials, USER_ADD_ORG, { credentials: { ...credentials, ...change } }),
		);
		expectRefused(run, 500, 'misconfigured');
		expect(run.logger.warn.mock.calls[0][0]).toContain(logged);
	});
});

describe('event mode: exact replays inside the signature window', () => {
	const MINUTE = 60_000;

	it('a replay 30 minutes later, past the 10-minute duplicate window, starts nothing', async () => {
		const push = eventRequest(credentials, USER_ADD_ORG);
		expectStarted(await runWebhook(push));
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 30 * MINUTE);
		expectAnsweredOnly(await runWebhook(push));
	});

	it('a legacy push without eventId, replayed 50 minutes later, starts nothing', async () => {
		const push = eventRequest(credentials, LEGACY_USER_ADD_ORG);
		expectStarted(await runWebhook(push));
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 50 * MINUTE);
		expectAnsweredOnly(await runWebhook(push));
	});

	it('a push signed in seconds ahead of the clock is remembered until its signature expires', async () => {
		const ahead = String(Math.floor((FIXED_NOW + 50 * MINUTE) / 1000));
		const push = eventRequestFromParts(credentials, {
			encrypt: encryptEventMessage({
				aesKey: eventKey(credentials),
				message: JSON.stringify(USER_ADD_ORG),
				ownerKey: owner,
			}),
			timestamp: ahead,
			nonce: 'ahead',
		});
		expectStarted(await runWebhook(push));
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 100 * MINUTE);
		expectAnsweredOnly(await runWebhook(push));
	});
});

describe('event mode: the duplicate memory stays small', () => {
	const scope = 'workflow-1:node-1:event';

	it('300 signed pushes with 100 KB eventIds are refused and leave the memory nearly empty', async () => {
		const statuses: Array<number | undefined> = [];
		for (let index = 0; index < 300; index++) {
			const eventId = `${index}:${'e'.repeat(100_000)}`;
			const run = await runWebhook(eventRequest(credentials, { ...USER_ADD_ORG, eventId }));
			statuses.push(run.result.workflowData ? 200 : run.response.statusCode);
		}
		expect(getDedupeCache(scope).retainedKeyChars()).toBeLessThan(300 * 64);
		expect(new Set(statuses)).toEqual(new Set([400]));
	});

	it('legacy pushes keyed by their 100 KB content keep a fixed-size digest each', async () => {
		for (let index = 0; index < 30; index++) {
			const event = { ...LEGACY_USER_ADD_ORG, UserId: [`${index}`], padding: 'p'.repeat(100_000) };
			expectStarted(await runWebhook(eventRequest(credentials, event)));
			expectAnsweredOnly(await runWebhook(eventRequest(credentials, event)));
		}
		const cache = getDedupeCache(scope);
		expect(cache.size).toBe(30);
		expect(cache.retainedKeyChars()).toBeLessThanOrEqual(30 * 64);
	});
});
