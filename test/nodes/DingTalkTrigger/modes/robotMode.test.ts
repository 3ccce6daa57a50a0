import type { IDataObject } from 'n8n-workflow';

import { clearDedupeCaches, getDedupeCache } from '../../../../nodes/shared/dedupe';
import { MAX_BODY_BYTES } from '../../../../nodes/shared/limits';
import {
	FIXED_NOW,
	generateCredentials,
	robotHeaders,
	robotRequest,
	sampleRobotBody,
} from '../support/requests';
import { DOCUMENTED_TEXT_ITEM } from '../support/documentedPayloads';
import {
	expectRefusedWithoutSecrets,
	runWebhook,
	type WebhookRun,
} from '../support/webhookContext';

const credentials = generateCredentials();

beforeEach(() => {
	clearDedupeCaches();
	jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW);
});

afterEach(() => jest.restoreAllMocks());

function expectRefused(run: WebhookRun, status: number, reason: string) {
	expectRefusedWithoutSecrets(run, status, reason, [
		credentials.appSecret,
		credentials.outgoingToken,
		credentials.eventAesKey,
	]);
}

function expectStarted(run: WebhookRun) {
	expect(run.response.status).not.toHaveBeenCalled();
	expect(run.result.workflowData).toHaveLength(1);
	expect(run.result.workflowData![0]).toHaveLength(1);
	expect(run.result.webhookResponse).toEqual({ msgtype: 'empty' });
	return run.result.workflowData![0][0].json;
}

function expectAcknowledgedOnly(run: WebhookRun) {
	expect(run.response.status).not.toHaveBeenCalled();
	expect(run.result).toEqual({ webhookResponse: { msgtype: 'empty' } });
}

describe('robot mode: a verified text message', () => {
	it('becomes one item with the documented shape (README sample)', async () => {
		const run = await runWebhook(robotRequest(credentials));
		expect(expectStarted(run)).toEqual(DOCUMENTED_TEXT_ITEM);

		expect(run.logger.warn).not.toHaveBeenCalled();
	});

	it('adds the unchanged body as raw when asked', async () => {
		const body = sampleRobotBody({ somethingNew: { nested: [1, 2] } });
		const run = await runWebhook(
			robotRequest(credentials, body, {
				parameters: { mode: 'robot', options: { includeRaw: true } },
			}),
		);
		expect(expectStarted(run).raw).toEqual(body);
	});

	it('reads the parsed body when n8n kept no raw body', async () => {
		const spec = robotRequest(credentials);
		delete spec.rawBody;
		spec.bodyData = sampleRobotBody({ msgId: 'fromParsedBody' });
		const run = await runWebhook(spec);
		expect(expectStarted(run).messageId).toBe('fromParsedBody');
	});

	it('accepts a timestamp at the edge of the window and one slightly in the future', async () => {
		for (const timestamp of [FIXED_NOW - 3_600_000, FIXED_NOW + 120_000]) {
			const run = await runWebhook(
				robotRequest(credentials, sampleRobotBody({ msgId: `t${timestamp}` }), {
					headers: robotHeaders(credentials.appSecret, timestamp),
				}),
			);
			expectStarted(run);
		}
	});
});

describe('robot mode: message types', () => {
	const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
		[
			'picture',
			{ msgtype: 'picture', content: { downloadCode: 'dl-pic', pictureDownloadCode: 'pdl-pic' } },
			{ text: '', downloadCodes: ['dl-pic', 'pdl-pic'] },
		],
		[
			'rich text',
			{
				msgtype: 'richText',
				content: {
					richText: [
						{ text: ' first line' },
						{ type: 'picture', downloadCode: 'dl-1', pictureDownloadCode: 'pdl-1' },
						{ text: 'second line ' },
					],
				},
			},
			{ text: 'first line\nsecond line', downloadCodes: ['dl-1', 'pdl-1'] },
		],
		[
			'audio',
			{
				msgtype: 'audio',
				content: { downloadCode: 'dl-audio', recognition: ' 你好 ', duration: 4000 },
			},
			{ text: '你好', downloadCodes: ['dl-audio'] },
		],
		[
			'video',
			{ msgtype: 'video', content: { downloadCode: 'dl-video', videoType: 'mp4', duration: '5' } },
			{ text: '', downloadCodes: ['dl-video'] },
		],
		[
			'file',
			{
				msgtype: 'file',
				content: { downloadCode: 'dl-file', fileName: '表格.xlsx', spaceId: '1', fileId: '2' },
			},
			{ text: '', downloadCodes: ['dl-file'] },
		],
		[
			'an unknown type',
			{ msgtype: 'unknownMsgType', content: { unknownMsgType: '用户发送了一条消息' } },
			{ text: '', downloadCodes: [], messageType: 'unknownMsgType' },
		],
		[
			'a quota notice without text or content',
			{ msgtype: 'text', text: undefined, errorMessage: '受调用量超量影响' },
			{ text: '', downloadCodes: [], messageType: 'text' },
		],
		['a body without msgtype', { msgtype: undefined }, { messageType: 'unknown', text: '' }],
	];

	it.each(cases)('%s', async (_name, overrides, expected) => {
		const body = sampleRobotBody({ text: undefined, ...overrides });
		const item = expectStarted(await runWebhook(robotRequest(credentials, body)));
		expect(item).toMatchObject(expected);
		if (body.content) expect(item.content).toEqual(body.content);
	});

	it('maps conversationType 1 to a single chat and tolerates odd field types', async () => {
		const item = expectStarted(
			await runWebhook(
				robotRequest(
					credentials,
					sampleRobotBody({
						conversationType: '1',
						conversationTitle: undefined,
						createAt: '1708327204136',
						atUsers: 'not a list',
						isAdmin: 'yes',
						senderNick: 42,
					}),
				),
			),
		);
		expect(item).toMatchObject({
			conversation: { type: 'single', title: '' },
			createdAt: 1708327204136,
			atUsers: [],
			sender: expect.objectContaining({ isAdmin: false, nick: '42' }),
		});
	});
});

describe('robot mode: refused requests start nothing', () => {
	const signed = robotHeaders(credentials.appSecret, FIXED_NOW);
	const headerCases: Array<
		[string, Record<string, string | string[] | undefined>, number, string]
	> = [
		['no headers', {}, 401, 'missingTimestamp'],
		['no timestamp', { sign: signed.sign }, 401, 'missingTimestamp'],
		['no sign', { timestamp: signed.timestamp }, 401, 'missingSign'],
		['empty sign', { timestamp: signed.timestamp, sign: '' }, 401, 'missingSign'],
		['a non-numeric timestamp', { timestamp: 'yesterday', sign: signed.sign }, 400, 'badTimestamp'],
		['a negative timestamp', { timestamp: '-1', sign: signed.sign }, 400, 'badTimestamp'],
		[
			'a 17-digit timestamp',
			{ timestamp: '12345678901234567', sign: signed.sign },
			400,
			'badTimestamp',
		],
		[
			'a timestamp one hour and 1 ms old',
			robotHeaders(credentials.appSecret, FIXED_NOW - 3_600_001),
			401,
			'staleTimestamp',
		],
		[
			'a timestamp two hours ahead',
			robotHeaders(credentials.appSecret, FIXED_NOW + 7_200_000),
			401,
			'staleTimestamp',
		],
		[
			'a timestamp in seconds',
			robotHeaders(credentials.appSecret, Math.floor(FIXED_NOW / 1000)),
			401,
			'staleTimestamp',
		],
		[
			'another timestamp than the signed one',
			{ timestamp: String(FIXED_NOW - 1), sign: signed.sign },
			401,
			'signMismatch',
		],
		[
			'a sign made with another secret',
			robotHeaders(`${credentials.appSecret}x`, FIXED_NOW),
			401,
			'signMismatch',
		],
		[
			'a URL-encoded sign',
			{ timestamp: signed.timestamp, sign: encodeURIComponent(signed.sign) },
			401,
			'signMismatch',
		],
		[
			'a repeated sign header',
			{ timestamp: signed.timestamp, sign: [signed.sign, signed.sign] },
			401,
			'missingSign',
		],
	];

	it.each(headerCases)('%s', async (_name, headers, status, reason) => {
		expectRefused(
			await runWebhook(robotRequest(credentials, sampleRobotBody(), { headers })),
			status,
			reason,
		);
	});

	it('a signature older than a custom tolerance', async () => {
		const parameters = { mode: 'robot', options: { timestampToleranceSeconds: 60 } };
		const old = robotHeaders(credentials.appSecret, FIXED_NOW - 61_000);
		expectRefused(
			await runWebhook(robotRequest(credentials, sampleRobotBody(), { parameters, headers: old })),
			401,
			'staleTimestamp',
		);
		const recent = robotHeaders(credentials.appSecret, FIXED_NOW - 59_000);
		expectStarted(
			await runWebhook(
				robotRequest(credentials, sampleRobotBody(), { parameters, headers: recent }),
			),
		);
	});

	const bodyCases: Array<[string, string | Buffer, number, string]> = [
		['a body that is not JSON', 'msgtype=text', 400, 'bodyNotJson'],
		['truncated JSON', JSON.stringify(sampleRobotBody()).slice(0, 40), 400, 'bodyNotJson'],
		['a JSON array', '[{"msgtype":"text"}]', 400, 'bodyNotJson'],
		['JSON null', 'null', 400, 'bodyNotJson'],
		['a JSON string', '"hello"', 400, 'bodyNotJson'],
		['an empty body', '', 400, 'bodyNotJson'],
		['invalid UTF-8 bytes', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 400, 'bodyNotJson'],
		['a body over the size limit', `{"pad":"${'x'.repeat(MAX_BODY_BYTES)}"}`, 413, 'bodyTooLarge'],
	];

	it.each(bodyCases)('%s', async (_name, rawBody, status, reason) => {
		expectRefused(await runWebhook(robotRequest(credentials, '', { rawBody })), status, reason);
	});

	it('a parsed body that is not an object, when no raw body is kept', async () => {
		const spec = robotRequest(credentials);
		delete spec.rawBody;
		spec.bodyData = ['not', 'an', 'object'];
		expectRefused(await runWebhook(spec), 400, 'bodyNotJson');
	});

	it('an oversized parsed body, when no raw body is kept', async () => {
		const spec = robotRequest(credentials);
		delete spec.rawBody;
		spec.bodyData = { pad: 'y'.repeat(MAX_BODY_BYTES) };
		expectRefused(await runWebhook(spec), 413, 'bodyTooLarge');
	});

	it('checks headers before reading the body: a stranger gets 401 even with a huge body', async () => {
		const run = await runWebhook(
			robotRequest(credentials, '', { headers: {}, rawBody: 'x'.repeat(MAX_BODY_BYTES + 10) }),
		);
		expectRefused(run, 401, 'missingTimestamp');
	});
});

describe('robot mode: custom robot Outgoing token', () => {
	const parameters = { mode: 'robot', robotVerification: 'outgoingToken' };

	it('accepts the configured token without a signature', async () => {
		const run = await runWebhook(
			robotRequest(credentials, sampleRobotBody({ robotCode: undefined }), {
				parameters,
				headers: { token: credentials.outgoingToken },
			}),
		);
		expect(expectStarted(run).robotCode).toBe('');
	});

	it.each([
		['no token header', {}, 'missingToken'],
		['another token', { token: `${credentials.outgoingToken.slice(1)}Q` }, 'tokenMismatch'],
		[
			'the app signature instead of the token',
			robotHeaders(credentials.appSecret, FIXED_NOW),
			'missingToken',
		],
		['the token with a suffix', { token: `${credentials.outgoingToken} ` }, 'tokenMismatch'],
	])('refuses %s', async (_name, headers, reason) => {
		expectRefused(
			await runWebhook(robotRequest(credentials, sampleRobotBody(), { parameters, headers })),
			401,
			reason,
		);
	});

	it('does not accept a signed request when the token is what is configured', async () => {
		const run = await runWebhook(robotRequest(credentials, sampleRobotBody(), { parameters }));
		expectRefused(run, 401, 'missingToken');
	});
});

describe('robot mode: configuration problems answer 500 and log why', () => {
	it('no Client Secret', async () => {
		const run = await runWebhook(robotRequest({ ...credentials, appSecret: '' }));
		expectRefused(run, 500, 'misconfigured');
		expect(run.logger.warn.mock.calls[0][0]).toContain('no Client Secret');
	});

	it('no Outgoing token for the token verification', async () => {
		const run = await runWebhook(
			robotRequest({ ...credentials, outgoingToken: '' }, sampleRobotBody(), {
				parameters: { mode: 'robot', robotVerification: 'outgoingToken' },
				headers: { token: '' },
			}),
		);
		expectRefused(run, 500, 'misconfigured');
		expect(run.logger.warn.mock.calls[0][0]).toContain('Outgoing Token');
	});

	it('a text pattern that is not a regular expression', async () => {
		const run = await runWebhook(
			robotRequest(credentials, sampleRobotBody(), {
				parameters: { mode: 'robot', options: { textPattern: '([unclosed' } },
			}),
		);
		expectRefused(run, 500, 'misconfigured');
		expect(run.logger.warn.mock.calls[0][0]).toContain('Text Pattern');
	});

	it('a credential that cannot be loaded', async () => {
		const run = await runWebhook({
			...robotRequest(credentials),
			credentialsError: 'Node does not have any credentials set',
		});
		expectRefused(run, 500, 'internalError');
		expect(run.logger.warn.mock.calls[0][0]).toContain('Node does not have any credentials set');
	});
});

describe('robot mode: filters acknowledge and start nothing', () => {
	let sent = 0;

	async function withOptions(options: Record<string, unknown>, body = sampleRobotBody()) {
		// Duplicates are tested below; here the same message is sent again and again.
		// Each message its own signature: a sign seen with another msgId is refused as a replay.
		const parameters = { mode: 'robot', options: { dedupeMinutes: 0, ...options } };
		const headers = robotHeaders(credentials.appSecret, FIXED_NOW - 1000 - sent++);
		return await runWebhook(robotRequest(credentials, body, { parameters, headers }));
	}

	it('message types', async () => {
		expectAcknowledgedOnly(await withOptions({ messageTypes: ['picture', 'file'] }));
		expectStarted(await withOptions({ messageTypes: ['text'] }));
		expectStarted(await withOptions({ messageTypes: [] }));
		expectAcknowledgedOnly(
			await withOptions({ messageTypes: ['text'] }, sampleRobotBody({ msgtype: 'somethingNew' })),
		);
	});

	it('single or group chats', async () => {
		expectAcknowledgedOnly(await withOptions({ chatType: 'single' }));
		expectStarted(await withOptions({ chatType: 'group' }));
		expectStarted(await withOptions({ chatType: 'all' }));
		expectStarted(
			await withOptions(
				{ chatType: 'single' },
				sampleRobotBody({ conversationType: '1', msgId: 'm1' }),
			),
		);
	});

	it('command prefix, compared with the text after the @-mention', async () => {
		expectStarted(await withOptions({ commandPrefix: '/deploy' }));
		expectAcknowledgedOnly(await withOptions({ commandPrefix: '/status' }));
		expectAcknowledgedOnly(await withOptions({ commandPrefix: '/DEPLOY' }));
	});

	it('text pattern, plain or /pattern/flags', async () => {
		expectStarted(await withOptions({ textPattern: 'prod$' }));
		expectAcknowledgedOnly(await withOptions({ textPattern: '^prod' }));
		expectAcknowledgedOnly(await withOptions({ textPattern: '/DEPLOY/' }));
		expectStarted(await withOptions({ textPattern: '/DEPLOY/i' }));
		// A global flag must not make the second message fail because of lastIndex.
		expectStarted(
			await withOptions({ textPattern: '/deploy/g' }, sampleRobotBody({ msgId: 'g1' })),
		);
		expectStarted(
			await withOptions({ textPattern: '/deploy/g' }, sampleRobotBody({ msgId: 'g2' })),
		);
	});

	it('all filters together must pass', async () => {
		const options = {
			messageTypes: ['text'],
			chatType: 'group',
			commandPrefix: '/deploy',
			textPattern: 'prod',
		};
		expectStarted(await withOptions(options));
		expectAcknowledgedOnly(
			await withOptions({ ...options, textPattern: 'staging' }, sampleRobotBody({ msgId: 'x' })),
		);
	});
});

describe('robot mode: duplicates', () => {
	it('the same msgId again within the window starts nothing', async () => {
		expectStarted(await runWebhook(robotRequest(credentials)));
		expectAcknowledgedOnly(await runWebhook(robotRequest(credentials)));
		const ownSignature = { headers: robotHeaders(credentials.appSecret, FIXED_NOW - 2000) };
		expectStarted(
			await runWebhook(
				robotRequest(credentials, sampleRobotBody({ msgId: 'other' }), ownSignature),
			),
		);
	});

	it('runs again once the window has passed', async () => {
		// A short tolerance too, so that the duplicate window and not the signature decides.
		const parameters = {
			mode: 'robot',
			options: { dedupeMinutes: 1, timestampToleranceSeconds: 30 },
		};
		expectStarted(await runWebhook(robotRequest(credentials, sampleRobotBody(), { parameters })));
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 59_000);
		expectAcknowledgedOnly(
			await runWebhook(
				robotRequest(credentials, sampleRobotBody(), {
					parameters,
					headers: robotHeaders(credentials.appSecret, FIXED_NOW + 59_000),
				}),
			),
		);
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 61_000);
		expectStarted(
			await runWebhook(
				robotRequest(credentials, sampleRobotBody(), {
					parameters,
					headers: robotHeaders(credentials.appSecret, FIXED_NOW + 61_000),
				}),
			),
		);
	});

	it('is kept per workflow and node, and can be turned off', async () => {
		expectStarted(
			await runWebhook(robotRequest(credentials, sampleRobotBody(), { workflowId: 'a' })),
		);
		expectStarted(
			await runWebhook(robotRequest(credentials, sampleRobotBody(), { workflowId: 'b' })),
		);
		expectStarted(
			await runWebhook(
				robotRequest(credentials, sampleRobotBody(), { workflowId: 'a', nodeId: 'other' }),
			),
		);
		const off = { mode: 'robot', options: { dedupeMinutes: 0 } };
		expectStarted(
			await runWebhook(
				robotRequest(credentials, sampleRobotBody(), { workflowId: 'c', parameters: off }),
			),
		);
		expectStarted(
			await runWebhook(
				robotRequest(credentials, sampleRobotBody(), { workflowId: 'c', parameters: off }),
			),
		);
	});

	it.each([
		['signature', undefined],
		['Outgoing token', 'outgoingToken'],
	])('a message without msgId is refused (%s), so it cannot start twice', async (_, how) => {
		const parameters = how ? { mode: 'robot', robotVerification: how } : { mode: 'robot' };
		const headers = how ? { token: credentials.outgoingToken } : undefined;
		for (const msgId of [undefined, '', null]) {
			const body = sampleRobotBody({ msgId });
			for (let attempt = 0; attempt < 2; attempt++) {
				const run = await runWebhook(
					robotRequest(credentials, body, { parameters, ...(headers ? { headers } : {}) }),
				);
				expectRefused(run, 400, 'missingMessageId');
			}
		}
	});

	it('a filtered message does not use up its msgId', async () => {
		const only = (options: Record<string, unknown>) => ({ parameters: { mode: 'robot', options } });
		expectAcknowledgedOnly(
			await runWebhook(robotRequest(credentials, sampleRobotBody(), only({ chatType: 'single' }))),
		);
		expectStarted(await runWebhook(robotRequest(credentials, sampleRobotBody(), only({}))));
	});
});

describe('robot mode: exact replays inside the signature window', () => {
	const MINUTE = 60_000;

	it('a replay 30 minutes later, past the 10-minute duplicate window, starts nothing', async () => {
		const request = robotRequest(credentials);
		expectStarted(await runWebhook(request));
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 30 * MINUTE);
		expectAcknowledgedOnly(await runWebhook(request));
	});

	it('a request signed ahead of the clock is remembered until its signature expires', async () => {
		const headers = robotHeaders(credentials.appSecret, FIXED_NOW + 50 * MINUTE);
		const request = robotRequest(credentials, sampleRobotBody(), { headers });
		expectStarted(await runWebhook(request));
		// 100 minutes after the first delivery the signature is 50 minutes old: still valid.
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 100 * MINUTE);
		expectAcknowledgedOnly(await runWebhook(request));
	});

	it('follows a custom tolerance longer than the default', async () => {
		const parameters = { mode: 'robot', options: { timestampToleranceSeconds: 7200 } };
		const request = robotRequest(credentials, sampleRobotBody(), { parameters });
		expectStarted(await runWebhook(request));
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 110 * MINUTE);
		expectAcknowledgedOnly(await runWebhook(request));
	});

	it('once the signature has expired the replay is refused as stale', async () => {
		const request = robotRequest(credentials);
		expectStarted(await runWebhook(request));
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 61 * MINUTE);
		expectRefused(await runWebhook(request), 401, 'staleTimestamp');
	});
});

describe('robot mode: a captured timestamp and sign used again', () => {
	const MINUTE = 60_000;
	const captured = robotHeaders(credentials.appSecret, FIXED_NOW - 1000);
	const withCaptured = (body: IDataObject) =>
		robotRequest(credentials, sampleRobotBody(body), { headers: captured });

	it('with another msgId and body, within the window, is refused and starts nothing', async () => {
		expectStarted(await runWebhook(withCaptured({})));
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW + 40 * MINUTE);
		const forged = await runWebhook(
			withCaptured({ msgId: 'forged-1', text: { content: ' /deploy evil' } }),
		);
		expectRefused(forged, 401, 'signatureReused');
		expect(forged.result.workflowData).toBeUndefined();
	});

	it('is refused even when the duplicate memory is off or has forgotten the first msgId', async () => {
		const parameters = { mode: 'robot', options: { dedupeMinutes: 0 } };
		expectStarted(await runWebhook({ ...withCaptured({}), parameters }));
		expectRefused(
			await runWebhook({ ...withCaptured({ msgId: 'forged-2' }), parameters }),
			401,
			'signatureReused',
		);
	});

	it('DingTalk delivering the same msgId again with the same sign is still a quiet duplicate', async () => {
		expectStarted(await runWebhook(withCaptured({})));
		expectAcknowledgedOnly(await runWebhook(withCaptured({})));
		expectAcknowledgedOnly(await runWebhook(withCaptured({ text: { content: ' changed' } })));
	});

	it('a filtered message still claims its sign', async () => {
		const only = { mode: 'robot', options: { chatType: 'single' } };
		expectAcknowledgedOnly(await runWebhook({ ...withCaptured({}), parameters: only }));
		expectRefused(
			await runWebhook({
				...withCaptured({ msgId: 'forged-3', conversationType: '1' }),
				parameters: only,
			}),
			401,
			'signatureReused',
		);
	});

	it('each message with its own timestamp and sign starts as before', async () => {
		for (let index = 0; index < 5; index++) {
			const headers = robotHeaders(credentials.appSecret, FIXED_NOW - 1000 - index);
			const body = sampleRobotBody({ msgId: `own-${index}` });
			expectStarted(await runWebhook(robotRequest(credentials, body, { headers })));
		}
	});

	it('the signature memory is kept per workflow and node and stays bounded', async () => {
		expectStarted(await runWebhook({ ...withCaptured({}), workflowId: 'a' }));
		expectStarted(await runWebhook({ ...withCaptured({ msgId: 'in-b' }), workflowId: 'b' }));
		const memory = getDedupeCache('workflow-1:node-1:robotSignature');
		for (let index = 0; index < 6000; index++) {
			memory.claim(`${index}`, `m${index}`, MINUTE, FIXED_NOW);
		}
		expect(memory.size).toBe(5000);
	});
});

describe('robot mode: the duplicate memory stays small', () => {
	const scope = 'workflow-1:node-1:robot';
	const signedWithId = (msgId: string, index = 0) =>
		robotRequest(credentials, sampleRobotBody({ msgId }), {
			headers: robotHeaders(credentials.appSecret, FIXED_NOW - 1000 - index),
		});

	it('300 signed messages with 100 KB msgIds are refused and leave the memory nearly empty', async () => {
		const statuses: Array<number | undefined> = [];
		for (let index = 0; index < 300; index++) {
			const run = await runWebhook(signedWithId(`${index}:${'x'.repeat(100_000)}`));
			statuses.push(run.result.workflowData ? 200 : run.response.statusCode);
		}
		expect(getDedupeCache(scope).retainedKeyChars()).toBeLessThan(300 * 64);
		expect(new Set(statuses)).toEqual(new Set([400]));
	});

	it('keeps a fixed-size digest per msgId, whatever its length', async () => {
		const lengths = new Set<number>();
		for (const length of [8, 100, 500]) {
			clearDedupeCaches();
			for (let index = 0; index < 30; index++) {
				const msgId = `${index}`.padEnd(length, 'm');
				expectStarted(await runWebhook(signedWithId(msgId, index)));
				expectAcknowledgedOnly(await runWebhook(signedWithId(msgId, index)));
			}
			const cache = getDedupeCache(scope);
			expect(cache.size).toBe(30);
			lengths.add(cache.retainedKeyChars() / 30);
		}
		expect(lengths.size).toBe(1);
		expect([...lengths][0]).toBeLessThanOrEqual(64);
	});
});
