import * as path from 'node:path';

import { encryptedSuccessProblem, aesKeyOf } from '../../bench/lib/dingTalkRequests';
import { waitForExecutions } from '../../bench/lib/executionCounts';
import { runLoad, sendRequest } from '../../bench/lib/httpLoad';
import { appCredential, robotCredential } from '../../bench/lib/workflows';
import { nodeOutput, type ExecutionDetail } from '../../scripts/n8n-executions';
import { repoRoot } from '../../scripts/n8n-runtime';
import { useN8n } from '../e2e/support/n8n';
import { FakeDingTalk, type Fault, type RecordedRequest } from '../fake-dingtalk';
import { generateCredentials, randomString, seededRandom } from '../nodes/DingTalkTrigger/support/requests';
import { buildCorpus, type CorpusCase, type Target } from './corpus';
import { LossyProxy } from './lossyProxy';
import { LoadSummary } from './summary';
import { loadWorkflows, SEND_ROBOT } from './workflows';
import * as http from 'node:http';

const SEED = 0x10ad5;
const BAD_REQUESTS = 5000;
const VALID_PER_TARGET = 150;
const TARGETS: Target[] = ['robot', 'outgoing', 'event'];

const random = seededRandom(SEED);
const credentials = generateCredentials(SEED);
const aesKey = aesKeyOf(credentials);
const robot = {
	token: `load-${randomString(random, 24)}`,
	secret: `SEC${randomString(random, 64)}`,
};
const workflows = loadWorkflows();
const summary = new LoadSummary();

// Rate limits out of the way: these tests are about faults, pacing has its own tests.
const fake = new FakeDingTalk({
	robots: [robot],
	rateLimit: { limit: Number.MAX_SAFE_INTEGER, windowMs: 60_000, banMs: 0 },
});
let proxy: LossyProxy;

const n8n = useN8n(async () => {
	proxy = new LossyProxy(await fake.start());
	return {
		name: 'load',
		artifactsDir: path.join(repoRoot(), 'test-results', 'load'),
		credentials: [
			appCredential(credentials),
			robotCredential(SEND_ROBOT, {
				accessToken: robot.token,
				secret: robot.secret,
				baseUrl: await proxy.start(),
			}),
		],
		workflows: [
			...TARGETS.map((target) => workflows.triggers[target].workflow),
			workflows.send.workflow,
		],
	};
});

afterAll(async () => {
	await proxy?.stop();
	await fake.stop();
	const file = summary.write();
	console.info(`Load summary written to ${path.relative(repoRoot(), file)}`);
});

function itemIdOf(target: Target, execution: ExecutionDetail): string {
	const [item] = nodeOutput(execution.data, 'DingTalk Trigger');
	return String(target === 'event' ? item.eventId : item.messageId);
}

describe('DingTalk Trigger in a real n8n under malformed traffic', () => {
	let corpus: CorpusCase[] = [];
	const answers: Array<{ status: number; body: string } | undefined> = [];

	beforeAll(async () => {
		corpus = buildCorpus({
			seed: SEED,
			credentials,
			paths: {
				robot: workflows.triggers.robot.path,
				outgoing: workflows.triggers.outgoing.path,
				event: workflows.triggers.event.path,
			},
			badCount: BAD_REQUESTS,
			validPerTarget: VALID_PER_TARGET,
		});
		const result = await runLoad({
			baseUrl: n8n().baseUrl,
			concurrency: 8,
			maxRequests: corpus.length,
			maxDurationMs: 420_000,
			requestTimeoutMs: 60_000,
			request: (index) => corpus[index].request,
			check: (index, response) => {
				answers[index] = { status: response.status, body: response.body.toString('utf8') };
			},
		});
		summary.set('triggerLoad', {
			requests: result.sent,
			answered: result.answered,
			connectionFailures: result.failed,
			durationMs: result.durationMs,
			requestsPerSecond: result.requestsPerSecond,
			latencyMs: result.latencyMs,
		});
	}, 480_000);

	it(`answers every one of the ${BAD_REQUESTS} bad requests with a 4xx`, () => {
		const bad = corpus
			.map((entry, index) => ({ entry, answer: answers[index] }))
			.filter(({ entry }) => !entry.valid);
		const byStatus: Record<string, number> = {};
		const byReason: Record<string, number> = {};
		const byMutation: Record<string, number> = {};
		const wrong: string[] = [];
		// Bodies that are not JSON at all never reach the trigger: n8n's body parser answers them.
		const answeredByN8n = {
			count: 0,
			byStatus: {} as Record<string, number>,
			byMutation: {} as Record<string, number>,
			example: '',
		};
		for (const { entry, answer } of bad) {
			const key = `${entry.target}.${entry.mutation}`;
			byMutation[key] = (byMutation[key] ?? 0) + 1;
			const status = answer?.status ?? 0;
			byStatus[status] = (byStatus[status] ?? 0) + 1;
			let reason = 'not JSON';
			try {
				reason = String(
					(JSON.parse(answer?.body ?? '') as { error?: unknown }).error ?? 'no error field',
				);
			} catch {
				// n8n's own answer rather than the trigger's: counted under "not JSON".
			}
			byReason[reason] = (byReason[reason] ?? 0) + 1;
			if (reason === 'not JSON' || reason === 'no error field') {
				answeredByN8n.count++;
				answeredByN8n.byStatus[status] = (answeredByN8n.byStatus[status] ?? 0) + 1;
				answeredByN8n.byMutation[key] = (answeredByN8n.byMutation[key] ?? 0) + 1;
				answeredByN8n.example ||= (answer?.body ?? '').slice(0, 200);
			}
			if (status < 400 || status > 499) {
				wrong.push(`${key} answered ${status || 'nothing'}: ${(answer?.body ?? '').slice(0, 120)}`);
			}
		}
		summary.set('badRequests', {
			count: bad.length,
			byStatus,
			byReason,
			byMutation,
			answeredByN8n,
			not4xx: wrong.length,
			examples: wrong.slice(0, 10),
		});
		console.info(
			`Bad requests: ${bad.length}, statuses ${JSON.stringify(byStatus)}, not 4xx: ${wrong.length}`,
		);
		expect(bad).toHaveLength(BAD_REQUESTS);
		expect(wrong).toEqual([]);
	});

	it('answers every valid request as DingTalk expects', () => {
		const wrong: string[] = [];
		corpus.forEach((entry, index) => {
			if (!entry.valid) return;
			const answer = answers[index];
			const problem =
				answer?.status !== 200
					? `answered ${answer?.status ?? 'nothing'}`
					: entry.target === 'event'
						? encryptedSuccessProblem(Buffer.from(answer.body), credentials, aesKey)
						: answer.body !== '{"msgtype":"empty"}'
							? `answered ${answer.body.slice(0, 80)}`
							: undefined;
			if (problem) wrong.push(`${entry.target} ${entry.id}: ${problem}`);
		});
		expect(wrong).toEqual([]);
	});

	it('starts exactly one execution per valid request and none for the bad ones', async () => {
		const counts: Record<string, unknown> = {};
		for (const target of TARGETS) {
			const { workflow } = workflows.triggers[target];
			const sent = corpus
				.filter((entry) => entry.valid && entry.target === target)
				.map((entry) => entry.id!);
			const settled = await waitForExecutions(n8n().userFolder, workflow.id, {
				expected: sent.length,
				timeoutMs: 90_000,
				settleMs: 1500,
			});
			const executions = await n8n().executions.list(workflow.id);
			const started: string[] = [];
			for (const execution of executions) {
				started.push(itemIdOf(target, await n8n().executions.get(execution.id)));
			}
			counts[target] = {
				validSent: sent.length,
				badSent: corpus.filter((entry) => !entry.valid && entry.target === target).length,
				executions: executions.length,
				byStatus: settled.byStatus,
			};
			expect({ target, executions: started.sort() }).toEqual({
				target,
				executions: [...sent].sort(),
			});
			expect(settled.byStatus.success).toBe(sent.length);
		}
		summary.set('executions', counts);
	});

	it('stays healthy: health checks pass and a new message still starts its execution', async () => {
		const health = await fetch(`${n8n().baseUrl}/healthz`);
		const readiness = await fetch(`${n8n().baseUrl}/healthz/readiness`);
		expect([health.status, readiness.status]).toEqual([200, 200]);
		expect(() => process.kill(n8n().pid!, 0)).not.toThrow();

		const { workflow, path: webhookPath } = workflows.triggers.robot;
		const before = (await n8n().executions.list(workflow.id)).length;
		const [probe] = buildCorpus({
			seed: SEED + 1,
			credentials,
			paths: { robot: webhookPath, outgoing: webhookPath, event: webhookPath },
			badCount: 0,
			validPerTarget: 1,
		});
		const agent = new http.Agent();
		const answer = await sendRequest(agent, n8n().baseUrl, probe.request);
		agent.destroy();
		expect(answer.status).toBe(200);
		await n8n().executions.waitFor(workflow.id, before + 1, { timeoutMs: 30_000 });
		summary.set('healthAfterLoad', {
			healthz: health.status,
			readiness: readiness.status,
			newMessageStarted: true,
		});
	});
});

interface Sent {
	status: number;
	execution: ExecutionDetail;
	requests: RecordedRequest[];
	uuids: string[];
	posted: string[];
	output: Array<Record<string, unknown>>;
	error?: { message?: string; description?: string };
}

interface Message {
	text: string;
	uuid: string;
	maxRetries: number;
	retryDelay: number;
}

let messageSerial = 0;
function messages(count: number, maxRetries: number, retryDelay = 50): Message[] {
	return Array.from({ length: count }, () => {
		const serial = messageSerial++;
		return {
			text: `load fault message ${serial}`,
			uuid: `10ad-${SEED}-${serial}-${randomString(random, 12)}`,
			maxRetries,
			retryDelay,
		};
	});
}

describe('DingTalk Robot in a real n8n against a failing DingTalk', () => {
	const scenarios: Record<string, unknown> = {};
	afterAll(() => {
		const posted = fake.received.map((message) => message.msgUuid);
		scenarios.overall = {
			messagesPosted: posted.length,
			distinctMsgUuidsPosted: new Set(posted).size,
			requestsAtFake: fake.requests.filter((request) => request.path === '/robot/send').length,
			answersLostByProxy: proxy.lost,
		};
		summary.set('actionFaults', scenarios);
	});

	async function send(batch: Message[]): Promise<Sent> {
		const requestsBefore = fake.requests.length;
		const receivedBefore = fake.received.length;
		const before = (await n8n().executions.list(workflows.send.workflow.id)).length;
		const response = await fetch(n8n().webhookUrl(workflows.send.path), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ messages: batch }),
		});
		await response.arrayBuffer();
		const [execution] = (
			await n8n().executions.waitFor(workflows.send.workflow.id, before + 1, { settleMs: 0 })
		).slice(-1);
		const requests = fake.requests
			.slice(requestsBefore)
			.filter((request) => request.path === '/robot/send');
		const runs = execution.data.resultData.runData['DingTalk Robot'] ?? [];
		return {
			status: response.status,
			execution,
			requests,
			uuids: requests.map((request) => String(JSON.parse(request.rawBody).msgUuid)),
			posted: fake.received.slice(receivedBefore).map((message) => String(message.msgUuid)),
			output: runs.length && !runs[0].error ? nodeOutput(execution.data, 'DingTalk Robot') : [],
			error: runs[0]?.error ?? execution.data.resultData.error,
		};
	}

	function record(name: string, batch: Message[], faults: string[], sent: Sent) {
		scenarios[name] = {
			messages: batch.length,
			faultsInjected: faults,
			requestsAtFake: sent.requests.length,
			distinctMsgUuidsSent: new Set(sent.uuids).size,
			posted: sent.posted.length,
			attempts: sent.output.map((item) => item.attempts),
			execution: sent.execution.status,
			error: sent.error ? `${sent.error.message} — ${sent.error.description ?? ''}` : null,
		};
	}

	it('recovers from a dropped connection, a 503, a -1 and a slow answer, and posts once', async () => {
		const batch = messages(1, 3);
		const faults: Fault[] = [
			{ drop: true },
			{ status: 503, body: 'Service Unavailable' },
			{ errcode: -1, errmsg: '系统繁忙' },
			{ delayMs: 2000 },
		];
		fake.injectFaults(...faults);
		const sent = await send(batch);
		record('recovers', batch, ['drop', 'HTTP 503', 'errcode -1', 'answer after 2 s'], sent);
		expect(sent.execution.status).toBe('success');
		expect(sent.output).toEqual([
			expect.objectContaining({ errcode: 0, attempts: 4, msgUuid: batch[0].uuid }),
		]);
		expect(sent.uuids).toEqual(Array(4).fill(batch[0].uuid));
		expect(sent.posted).toEqual([batch[0].uuid]);
	});

	it('retries an answer lost after DingTalk posted the message with the same msgUuid, and it is posted once', async () => {
		const batch = messages(1, 2);
		proxy.loseAnswers = 1;
		const sent = await send(batch);
		record('lostAnswer', batch, ['answer lost after the message was accepted'], sent);
		expect(proxy.loseAnswers).toBe(0);
		expect(sent.execution.status).toBe('success');
		expect(sent.uuids).toEqual([batch[0].uuid, batch[0].uuid]);
		expect(sent.requests.map((request) => request.response?.errcode)).toEqual([0, 0]);
		expect(sent.posted).toEqual([batch[0].uuid]);
		expect(sent.output).toEqual([expect.objectContaining({ errcode: 0, attempts: 2 })]);
	});

	it.each([
		{
			name: 'busy',
			maxRetries: 2,
			faults: [1, 2, 3].map((): Fault => ({ errcode: -1, errmsg: '系统繁忙' })),
			message: 'DingTalk rejected the message: 系统繁忙 (errcode -1)',
			description: /busy/i,
		},
		{
			name: 'http502',
			maxRetries: 1,
			faults: [1, 2].map((): Fault => ({ status: 502, body: '<html>Bad Gateway</html>' })),
			message: 'DingTalk answered HTTP 502',
			description: /temporary problem/i,
		},
		{
			name: 'dropped',
			maxRetries: 2,
			faults: [1, 2, 3].map((): Fault => ({ drop: true })),
			message: 'Could not reach DingTalk',
			description: /connection failed/i,
		},
	])(
		'gives up after $maxRetries retries when DingTalk stays $name, with a clear error and nothing posted',
		async ({ name, maxRetries, faults, message, description }) => {
			const batch = messages(1, maxRetries);
			fake.injectFaults(...faults);
			const sent = await send(batch);
			record(
				`givesUp.${name}`,
				batch,
				faults.map((fault) => JSON.stringify(fault)),
				sent,
			);
			expect(sent.status).toBe(500);
			expect(sent.execution.status).toBe('error');
			expect(sent.uuids).toEqual(Array(maxRetries + 1).fill(batch[0].uuid));
			expect(sent.posted).toEqual([]);
			expect(sent.error?.message).toContain(message);
			expect(sent.error?.description).toMatch(description);
			// Bounded: one attempt plus maxRetries used the faults up exactly; the next message goes through.
			const next = await send(messages(1, 0));
			expect(next.execution.status).toBe('success');
		},
	);

	it('delivers a batch through scattered faults: each message once, in order, retries within bounds', async () => {
		const batch = messages(30, 3, 20);
		const local = seededRandom(SEED + 2);
		const failing: Fault[] = [
			{ drop: true },
			{ status: 503, body: 'Service Unavailable' },
			{ status: 502, body: '' },
			{ errcode: -1, errmsg: '系统繁忙' },
		];
		const faults: Fault[] = [];
		const expectedAttempts = batch.map(() => {
			const failures = [0, 0, 0, 1, 2, 3][Math.floor(local() * 6)];
			for (let index = 0; index < failures; index++)
				faults.push(failing[Math.floor(local() * failing.length)]);
			// A slow answer ends a message's faults: it is answered, so the next request belongs to the next message.
			faults.push(local() < 0.2 ? { delayMs: 300 } : { delayMs: 0 });
			return failures + 1;
		});
		fake.injectFaults(...faults);
		const sent = await send(batch);
		record(
			'scatteredBatch',
			batch,
			[
				`${faults.filter((fault) => !('delayMs' in fault)).length} failures (drops, 502/503, -1) and ${faults.filter((fault) => 'delayMs' in fault && fault.delayMs > 0).length} answers slowed by 300 ms over ${batch.length} messages`,
			],
			sent,
		);
		expect(sent.execution.status).toBe('success');
		expect(sent.output.map((item) => item.attempts)).toEqual(expectedAttempts);
		expect(sent.requests).toHaveLength(
			expectedAttempts.reduce((total, attempts) => total + attempts, 0),
		);
		expect(sent.posted).toEqual(batch.map((message) => message.uuid));
	});

	it('never posted any message twice', () => {
		const posted = fake.received.map((message) => message.msgUuid);
		expect(new Set(posted).size).toBe(posted.length);
	});
});
