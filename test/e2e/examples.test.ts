// The environment of `npm run dev` (scripts/dev-environment.ts) in a temporary folder: a real
// n8n with the sandbox credentials, every workflow in examples/*.json and an owner account, next to
// the DingTalk sandbox. Each example runs along its main path the way its users start it (a POST
// to its Webhook, a signed robot @-message or an encrypted event to its DingTalk Trigger, a robot
// @-message pushed through the sandbox's Stream gateway to its DingTalk Stream Trigger), and the
// sandbox page's own buttons reach the examples' triggers.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	PUBLISHED_STREAM_EXAMPLES,
	STREAM_TRIGGER_NODE_TYPE,
	startDevEnvironment,
	type DevEnvironment,
} from '../../scripts/dev-environment';
import { queryDatabase } from '../../scripts/n8n-database';
import { nodeOutput } from '../../scripts/n8n-executions';
import type { ExecutionDetail, ExecutionStatus } from '../../scripts/n8n-executions';
import { loadExamples, triggerEndpoints, type ExampleWorkflow } from '../../scripts/n8n-examples';
import type { N8nInstance } from '../../scripts/n8n-instance';
import { repoRoot } from '../../scripts/n8n-runtime';
import {
	flowStatusHistory,
	type FakeDingTalk,
	type FakeOpenApi,
	type ReceivedMessage,
	type StandInDirectory,
} from '../fake-dingtalk';
import type { FakeStreamGateway, RecordedAck } from '../fake-dingtalk/streamGateway';
import {
	eventPush,
	openEventReply,
	robotMessageBody,
	robotSign,
	signedRobotHeaders,
	type AppKeys,
} from './support/dingtalk';
import { failuresSoFar } from './support/n8n';
import { failureOf, post, type HttpAnswer } from './support/runs';

const examples = loadExamples();

interface Context {
	n8n: N8nInstance;
	fake: FakeDingTalk;
	openApi: FakeOpenApi;
	/** The sandbox's stand-in for the examples' HR system. */
	hrDirectory: StandInDirectory;
	example: ExampleWorkflow;
	/** The sandbox's Stream gateway. */
	stream: FakeStreamGateway;
	/** Starts the example's main path, returns the answer and the execution it started. */
	run<T>(
		start: () => Promise<T>,
		statuses?: ExecutionStatus[],
	): Promise<{ result: T; execution: ExecutionDetail }>;
	/** POSTs JSON to the example's Webhook node. */
	postToWebhook(body: unknown, headers?: Record<string, string>): Promise<HttpAnswer>;
	/** Sends a signed robot @-message whose session webhook is on the fake. */
	mentionRobot(text: string, fields?: Record<string, unknown>): Promise<HttpAnswer>;
	/** Sends an encrypted event push. */
	pushEvent(event: Record<string, unknown>): Promise<HttpAnswer>;
	/** Pushes a robot @-message through the Stream gateway and waits for the trigger's ACK. */
	mentionRobotOverStream(text: string): Promise<{ messageId: string; ack: RecordedAck }>;
}

let env: DevEnvironment | undefined;
const dev = () => {
	if (!env) throw new Error('The dev environment did not start (see the beforeAll failure)');
	return env;
};
/** The sandbox app, as the DingTalk App API credential has it. */
const appKeys = (): AppKeys => ({ ...dev().state.secrets, outgoingToken: '' });

/** The one message DingTalk accepted, posted through the robot webhook with a valid signature. */
function deliveredByRobot(fake: FakeDingTalk): ReceivedMessage {
	const { accessToken, robotSecret } = dev().state.secrets;
	expect(fake.received).toHaveLength(1);
	expect(fake.received[0]).toMatchObject({ via: 'robot', token: accessToken });
	const sends = fake.requests.filter((request) => request.path === '/robot/send');
	expect(sends).toHaveLength(1);
	expect(sends[0].query.sign).toBe(robotSign(robotSecret, sends[0].query.timestamp));
	return fake.received[0];
}

/** How each example's main path is started and what DingTalk must receive; one per file. */
/** The command bots' answer to /help: one markdown through the session webhook, @ the sender. */
function expectHelpReply(fake: FakeDingTalk, listed: string): void {
	expect(fake.received).toHaveLength(1);
	const [reply] = fake.received;
	expect(reply.via).toBe('session');
	expect(reply.body.msgtype).toBe('markdown');
	expect(reply.body.markdown.title).toBe('Help');
	expect(reply.body.markdown.text).toContain(listed);
	expect(reply.body.at).toEqual({ atUserIds: ['e2e-staff-01'] });
	expect(reply.notified.userIds).toEqual(['e2e-staff-01']);
}

/**
 * The AI assistant examples' two runs both succeeded, and the reply run's AI card ended finished
 * with the stand-in model's whole answer to `question`, after several streaming updates.
 */
function expectAiCardAnswer(runs: ExecutionDetail[], question: string): void {
	for (const run of runs) expect(failureOf(run).status).toBe('success');
	const reply = runs.find((run) => 'Reply with AI Card' in run.data.resultData.runData);
	expect(reply).toBeDefined();
	const [output] = nodeOutput(reply!.data, 'Reply with AI Card');
	const whole = dev().model.answerFor(question);
	expect(output.text).toBe(whole);
	const card = dev().cards.card(dev().state.secrets.appKey, String(output.outTrackId))!;
	expect(card.publicData.flowStatus).toBe('3');
	expect(Object.values(card.publicData)).toContain(whole);
	expect(flowStatusHistory(card)).toEqual(['2', '3']);
}

const MAIN_PATHS: Record<string, (context: Context) => Promise<void>> = {
	'alert-recall-on-resolve.json': async ({ run, postToWebhook, fake, openApi }) => {
		const alert = { alertId: 'db-1-disk', title: 'Disk almost full', content: 'db-1 /var at 93%' };
		const firing = await run(() => postToWebhook({ ...alert, status: 'firing' }));
		expect(firing.execution.status).toBe('success');
		expect(openApi.messages).toMatchObject([
			{ via: 'group', openConversationId: 'cidSandboxGroup0001==', msgKey: 'sampleMarkdown' },
		]);
		const [posted] = openApi.messages;
		expect(firing.result.body).toMatchObject({
			alertId: 'db-1-disk',
			processQueryKey: posted.processQueryKey,
		});
		expect(posted.recalledAt).toBeUndefined();

		const resolved = await run(() => postToWebhook({ alertId: 'db-1-disk', status: 'resolved' }));
		expect(resolved.execution.status).toBe('success');
		expect(resolved.result.body).toEqual({
			alertId: 'db-1-disk',
			recalled: true,
			successResult: [posted.processQueryKey],
			failedResult: {},
		});
		const recalls = fake.requests.filter(
			(request) => request.path === '/v1.0/robot/groupMessages/recall',
		);
		expect(recalls.map((request) => JSON.parse(request.rawBody))).toEqual([
			{
				robotCode: expect.any(String),
				openConversationId: 'cidSandboxGroup0001==',
				processQueryKeys: [posted.processQueryKey],
			},
		]);
		expect(posted.recalledAt).toEqual(expect.any(Number));
		// The sandbox page shows the message as recalled.
		const page = (await (await fetch(`${fake.baseUrl}/sandbox/messages`)).json()) as {
			messages: Array<{ recalled: boolean; html: string }>;
		};
		expect(page.messages[0]).toMatchObject({ recalled: true });
		expect(page.messages[0].html).toContain('The robot recalled this message');

		// The key is forgotten: resolving again recalls nothing.
		const again = await run(() => postToWebhook({ alertId: 'db-1-disk', status: 'resolved' }));
		expect(again.result.body).toMatchObject({ alertId: 'db-1-disk', recalled: false });
	},

	'leave-request-approval.json': async ({ run, postToWebhook, fake, openApi }) => {
		const request = { userId: 'sandbox-user-01', reason: 'Family visit', days: '2' };
		const started = await run(() => postToWebhook(request));
		expect(started.execution.status).toBe('success');
		const instanceId = String((started.result.body as Record<string, unknown>).instanceId);
		expect(dev().workflow.instances.get(instanceId)).toMatchObject({
			processCode: 'PROC-SANDBOX-LEAVE',
			originatorUserId: 'sandbox-user-01',
			status: 'RUNNING',
		});

		// The approver clicks Approve on the sandbox page: the result event reaches the trigger.
		const approved = await run(() =>
			post(`${fake.baseUrl}/sandbox/approvals/act`, {
				processInstanceId: instanceId,
				decision: 'agree',
			}),
		);
		expect(approved.result.status).toBe(200);
		expect(approved.execution.status).toBe('success');
		expect(openApi.messages).toMatchObject([
			{ via: 'single', userId: 'sandbox-user-01', msgKey: 'sampleMarkdown' },
		]);
		expect(String(openApi.messages[0].msgParam.title)).toMatch(/^Approved: /);
	},

	'alert-relay.json': async ({ run, postToWebhook, fake }) => {
		const withLink = await run(() =>
			postToWebhook({
				title: 'Disk almost full',
				content: 'db-1 /var at 93%',
				level: 'warning',
				url: 'https://grafana.example.com/d/abc',
			}),
		);
		expect(withLink.execution.status).toBe('success');
		// The caller gets DingTalk's answer back.
		expect(withLink.result).toMatchObject({ status: 200, body: { errcode: 0 } });
		const card = deliveredByRobot(fake).body;
		expect(card.msgtype).toBe('actionCard');
		expect(card.actionCard).toMatchObject({
			title: '[WARNING] Disk almost full',
			singleTitle: 'View details',
			singleURL: 'https://grafana.example.com/d/abc',
		});
		expect(card.actionCard.text).toContain('db-1 /var at 93%');

		fake.reset();
		const withoutLink = await run(() =>
			postToWebhook({ title: 'Backup failed', content: 'exit code 2', level: 'error' }),
		);
		expect(withoutLink.execution.status).toBe('success');
		const markdown = deliveredByRobot(fake).body;
		expect(markdown.msgtype).toBe('markdown');
		expect(markdown.markdown.title).toBe('[ERROR] Backup failed');
		expect(markdown.markdown.text).toContain('exit code 2');
	},

	'github-to-dingtalk-markdown.json': async ({ run, postToWebhook, fake }) => {
		const { execution } = await run(() =>
			postToWebhook(
				{
					action: 'opened',
					repository: { full_name: 'acme/api' },
					sender: { login: 'octocat' },
					issue: {
						number: 3,
						title: 'Crash on start',
						html_url: 'https://github.com/acme/api/issues/3',
						labels: [{ name: 'bug' }],
					},
				},
				{ 'X-GitHub-Event': 'issues' },
			),
		);
		expect(execution.status).toBe('success');
		const message = deliveredByRobot(fake).body;
		expect(message.msgtype).toBe('markdown');
		expect(message.markdown.title).toBe('Issue #3: Crash on start');
		expect(message.markdown.text).toContain(
			'[Open the issue](https://github.com/acme/api/issues/3)',
		);
		expect(message.markdown.text).toContain('Labels: bug');

		fake.reset();
		const push = await run(() =>
			postToWebhook(
				{
					ref: 'refs/heads/main',
					compare: 'https://github.com/acme/api/compare/a...b',
					pusher: { name: 'octocat' },
					repository: { full_name: 'acme/api' },
					commits: [
						{
							id: '0123456789abcdef',
							url: 'https://github.com/acme/api/commit/0123456',
							message: 'Fix crash\n\nDetails',
						},
					],
				},
				{ 'X-GitHub-Event': 'push' },
			),
		);
		expect(push.execution.status).toBe('success');
		expect(deliveredByRobot(fake).body.markdown.text).toContain(
			'- [0123456](https://github.com/acme/api/commit/0123456) Fix crash',
		);
	},

	'jira-to-dingtalk-action-card.json': async ({ run, postToWebhook, fake }) => {
		const { execution } = await run(() =>
			postToWebhook({
				webhookEvent: 'jira:issue_created',
				user: { displayName: 'Li Lei' },
				issue: {
					key: 'OPS-12',
					self: 'https://jira.example.com/rest/api/2/issue/10012',
					fields: {
						summary: 'Disk full',
						status: { name: 'To Do' },
						priority: { name: 'High' },
						issuetype: { name: 'Bug' },
					},
				},
			}),
		);
		expect(execution.status).toBe('success');
		const card = deliveredByRobot(fake).body;
		expect(card.msgtype).toBe('actionCard');
		expect(card.actionCard).toMatchObject({
			title: '[OPS-12] Disk full',
			singleTitle: 'Open in Jira',
			singleURL: 'https://jira.example.com/browse/OPS-12',
		});
		expect(card.actionCard.text).toContain('Li Lei created this issue.');
	},

	'command-bot.json': async ({ run, mentionRobot, fake }) => {
		const { result, execution } = await run(() => mentionRobot('/help'));
		expect(result).toMatchObject({ status: 200, body: { msgtype: 'empty' } });
		expect(execution.status).toBe('success');
		expectHelpReply(fake, '**/status**');
	},

	'stream-command-bot.json': async ({ run, mentionRobotOverStream, fake, stream }) => {
		// Published at start-up, the trigger holds the one connection of the sandbox app (the
		// alert card's trigger holds the card app's).
		expect(
			stream
				.liveConnections()
				.map((connection) => connection.clientId)
				.filter((clientId) => clientId === dev().state.secrets.appKey),
		).toHaveLength(1);
		const { result, execution } = await run(() => mentionRobotOverStream('/help'));
		expect(result.ack).toMatchObject({ code: 200, message: 'OK' });
		expect(execution.status).toBe('success');
		expectHelpReply(fake, '**/help**');
	},

	'ai-assistant-http.json': async ({ n8n, example, mentionRobot, fake }) => {
		// Two runs of the example: the trigger's (Reply with AI Card) and its Answer webhook's.
		const before = (await n8n.executions.list(example.id)).length;
		// In a group the sandbox app's robot is in, as the sandbox page's @-messages are.
		const answer = await mentionRobot('how are the deploys?', {
			conversationId: 'cidSandboxGroup0001==',
			robotCode: dev().state.secrets.appKey,
		});
		expect(answer).toMatchObject({ status: 200, body: { msgtype: 'empty' } });
		const runs = await n8n.executions.waitFor(example.id, before + 2);
		expectAiCardAnswer(runs.slice(-2), 'how are the deploys?');
		expect(fake.received).toEqual([]);
	},

	'ai-assistant-stream.json': async ({ n8n, example, stream }) => {
		// The sandbox app's one Stream connection is the Stream command bot's (one per app).
		expect(n8n.published).not.toContain(example.id);
		const { appKey } = dev().state.secrets;
		expect(stream.liveConnections().filter((live) => live.clientId === appKey)).toHaveLength(1);
	},

	'alert-acknowledge-card.json': async ({ n8n, example, run, postToWebhook, stream }) => {
		const { cardAppKey } = dev().state.secrets;
		// The card app's one Stream connection is this example's, for card callbacks only.
		expect(
			stream
				.liveConnections()
				.filter((live) => live.clientId === cardAppKey)
				.map((live) => live.subscriptions.map(({ type, topic }) => `${type} ${topic}`)),
		).toEqual([['CALLBACK /v1.0/card/instances/callback']]);

		const sent = await run(() =>
			postToWebhook({ title: 'Disk almost full', content: 'db-1 /var at 93%', level: 'warning' }),
		);
		expect(failureOf(sent.execution).status).toBe('success');
		const outTrackId = String((sent.result.body as Record<string, unknown>).outTrackId);
		const card = dev().cards.card(cardAppKey, outTrackId)!;
		expect(card).toMatchObject({
			callbackType: 'STREAM',
			spaceType: 'IM_GROUP',
			spaceId: 'cidSandboxGroup0001==',
			publicData: { title: '[WARNING] Disk almost full', status: 'firing', ackText: '' },
		});
		expect(card.publicData.content).toContain('db-1 /var at 93%');

		// A stand-in person clicks Acknowledge: the trigger's answer updates the card at once, for
		// everyone, and tells the clicker privately.
		const before = (await n8n.executions.list(example.id)).length;
		const clicked = await dev().cards.click(cardAppKey, {
			outTrackId,
			userId: 'sandbox-user-01',
			params: { action: 'acknowledge' },
		});
		expect(clicked.ack.code).toBe(200);
		expect(card.publicData).toMatchObject({
			status: 'acknowledged',
			ackText: 'Acknowledged by sandbox-user-01',
		});
		expect(dev().cards.seenBy(card, 'sandbox-user-01').notice).toBe('You acknowledged this alert.');
		expect(dev().cards.seenBy(card, 'sandbox-new-hire-01').notice).toBe('');

		// The run then puts the person's name on the card, for everyone.
		const runs = await n8n.executions.waitFor(example.id, before + 1, { statuses: ['success'] });
		expect(failureOf(runs[runs.length - 1]).status).toBe('success');
		expect(card.publicData.ackText).toMatch(/^Acknowledged by Sandbox User at \d{2}:\d{2}$/);
		expect(card.updates.map((update) => update.via)).toEqual(['callbackAck', 'api']);
	},

	'approval-before-deploy.json': async ({ run, postToWebhook, fake, n8n, example }) => {
		const { execution } = await run(
			() => postToWebhook({ version: 'v2.3', requestedBy: 'alice', changes: 'new checkout' }),
			['waiting'],
		);
		expect(execution.status).toBe('waiting');
		const card = deliveredByRobot(fake).body.actionCard;
		expect(card.title).toBe('Deploy v2.3 to production?');
		const [deploy, cancel] = card.btns as Array<{ title: string; actionURL: string }>;
		expect([deploy.title, cancel.title]).toEqual(['Deploy', 'Cancel']);
		expect(await (await fetch(deploy.actionURL)).text()).toContain('alice');

		fake.reset();
		expect((await fetch(deploy.actionURL, { method: 'POST' })).status).toBe(200);
		const [done] = await n8n.executions.waitFor(example.id, 1, { statuses: ['success'] });
		expect(done.id).toBe(execution.id);
		expect(deliveredByRobot(fake).body.markdown.text).toContain('Deploying v2.3');
	},
	'deploy-gate-card-approval.json': async ({ run, postToWebhook, n8n, example, openApi }) => {
		const { cardAppKey } = dev().state.secrets;
		const { execution } = await run(
			() => postToWebhook({ version: 'v2.4', requestedBy: 'alice', changes: 'new checkout' }),
			['waiting'],
		);
		expect(execution.status).toBe('waiting');
		// One card of the card app (whose Stream trigger is the alert card example's), waiting.
		const [card] = [...dev().cards.cards.values()].filter(
			(candidate) => candidate.appKey === cardAppKey && candidate.outTrackId.startsWith('n8nsw'),
		);
		expect(card).toMatchObject({
			callbackType: 'STREAM',
			spaceType: 'IM_GROUP',
			spaceId: 'cidSandboxGroup0001==',
			publicData: {
				title: 'Deploy v2.4 to production?',
				responseType: 'approval',
				approveText: 'Deploy',
				declineText: 'Cancel',
				status: 'waiting',
				resultText: '',
			},
		});
		expect(card.publicData.content).toContain('**alice** asks to deploy v2.4');
		const click = async (userId: string, action: string) =>
			await dev().cards.click(
				cardAppKey,
				{ outTrackId: card.outTrackId, userId, actionId: action, params: { action } },
				30_000,
			);

		// Someone not among the approvers: told so privately, the run keeps waiting.
		expect((await click('sandbox-new-hire-01', 'approve')).ack.code).toBe(200);
		expect(dev().cards.seenBy(card, 'sandbox-new-hire-01').notice).toBe(
			'Only the approvers of this request can answer it.',
		);
		expect(card.publicData.status).toBe('waiting');
		expect((await n8n.executions.get(execution.id)).status).toBe('waiting');

		// The approver: the card shows the decision for everyone and the run goes on.
		await click('sandbox-user-01', 'approve');
		expect(card.publicData).toMatchObject({
			status: 'approved',
			resultText: 'Approved by Sandbox User',
		});
		const [done] = await n8n.executions.waitFor(example.id, 1, { statuses: ['success'] });
		expect(done.id).toBe(execution.id);
		const [answer] = nodeOutput(done.data, 'Ask Approvers');
		expect(answer.data).toEqual({
			approved: true,
			responder: { userId: 'sandbox-user-01', name: 'Sandbox User' },
			respondedAt: expect.any(String),
		});
		expect(openApi.messages).toMatchObject([
			{ via: 'group', openConversationId: 'cidSandboxGroup0001==', msgKey: 'sampleMarkdown' },
		]);
		expect(String(openApi.messages[0].msgParam.text)).toContain('Approved by Sandbox User');

		// A second click changes nothing and says so to the clicker.
		await click('sandbox-user-01', 'decline');
		expect(card.publicData.status).toBe('approved');
		expect(dev().cards.seenBy(card, 'sandbox-user-01').notice).toContain('already answered');
	},

	'command-bot-long-job.json': async ({ run, mentionRobot, fake }) => {
		// The run acknowledges at once, then parks in a two-hour Wait node.
		const { result, execution } = await run(() => mentionRobot('/report weekly'), ['waiting']);
		expect(result).toMatchObject({ status: 200, body: { msgtype: 'empty' } });
		expect(execution.status).toBe('waiting');
		expect(fake.received).toHaveLength(1);
		const [reply] = fake.received;
		expect(reply.via).toBe('session');
		expect(reply.body.msgtype).toBe('text');
		expect(reply.body.text.content).toContain('Building your report.');
	},

	'employee-left-notify-manager.json': async ({ run, pushEvent, fake, openApi }) => {
		const { result, execution } = await run(() =>
			pushEvent({
				EventType: 'user_leave_org',
				EventTime: Date.now(),
				CorpId: 'dinge2ecorp0001',
				eventId: 'e2eexampleleaver0000000000001',
				timeStamp: String(Date.now()),
				userId: ['sandbox-leaver-01'],
			}),
		);
		expect(openEventReply(result.body, appKeys())).toBe('success');
		expect(execution.status).toBe('success');
		// The leaver's manager, found through the HR row and DingTalk's contacts, got a 1:1 message.
		expect(openApi.messages).toMatchObject([
			{ via: 'single', userId: 'sandbox-user-01', msgKey: 'sampleMarkdown' },
		]);
		expect(String(openApi.messages[0].msgParam.text)).toContain(
			'Hi Sandbox User, Li Lei (Backend Engineer) left today.',
		);
		// Answered lookups only: an example run before may have left n8n a token the reset fake
		// no longer knows, which the node refreshes and asks again with.
		const lookups = fake.requests.filter(
			(request) =>
				request.path === '/topapi/v2/user/get' &&
				(request.response as { errcode?: number }).errcode === 0,
		);
		expect(lookups.map((request) => JSON.parse(request.rawBody).userid)).toEqual([
			'sandbox-user-01',
		]);
	},
	'new-employee-welcome.json': async ({ run, pushEvent, fake, n8n, example, hrDirectory }) => {
		const { result, execution } = await run(() =>
			pushEvent({
				EventType: 'user_add_org',
				EventTime: Date.now(),
				CorpId: 'dinge2ecorp0001',
				eventId: 'e2eexamplewelcome000000000001',
				timeStamp: String(Date.now()),
				userId: ['sandbox-new-hire-01'],
			}),
		);
		expect(result.status).toBe(200);
		expect(openEventReply(result.body, appKeys())).toBe('success');
		expect(execution.status).toBe('success');
		// Get Employee read the person behind the ID, with the app token in the query.
		const [lookup] = fake.requests.filter((request) => request.path === '/topapi/v2/user/get');
		expect(JSON.parse(lookup.rawBody)).toMatchObject({ userid: 'sandbox-new-hire-01' });
		expect(lookup.query.access_token).toEqual(expect.any(String));
		const message = deliveredByRobot(fake).body;
		expect(message.msgtype).toBe('markdown');
		expect(message.markdown.title).toBe('Welcome Wang Xiaoming');
		expect(message.markdown.text).toContain('@sandbox-new-hire-01 joins us as Frontend Engineer');
		expect(message.at).toEqual({ atUserIds: ['sandbox-new-hire-01'] });
		expect(hrDirectory.rows.get('sandbox-new-hire-01')).toMatchObject({
			name: 'Wang Xiaoming',
			mobile: '13800000001',
			email: 'xiaoming.wang@example.com',
			job_number: 'SBX-0042',
			dept_id_list: [2],
			manager_userid: 'sandbox-user-01',
			hired_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
		});

		// DingTalk's URL check is answered and starts nothing.
		const check = await pushEvent({ EventType: 'check_url' });
		expect(openEventReply(check.body, appKeys())).toBe('success');
		await n8n.executions.waitFor(example.id, 1, { settleMs: 1500 });
	},
};

(examples.length > 0 ? describe : describe.skip)(
	'npm run dev: the examples in n8n with the sandbox',
	() => {
		const devDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-dev-'));
		const n8n = () => dev().n8n;
		const fake = () => dev().sandbox.fake;
		beforeAll(async () => {
			env = await startDevEnvironment({
				devDir,
				name: 'examples',
				artifactsDir: path.join(repoRoot(), 'test-results', 'e2e'),
			});
		}, 300_000);
		afterAll(async () => {
			await env?.n8n.stop({ failures: failuresSoFar() });
			await env?.sandbox.stop();
			await env?.model.stop();
			fs.rmSync(devDir, { recursive: true, force: true });
		}, 60_000);
		beforeEach(() => env?.sandbox.fake.reset());

		/** Runs `start` and waits for the one execution of the example it starts. */
		async function runExample<T>(
			example: ExampleWorkflow,
			start: () => Promise<T>,
			statuses?: ExecutionStatus[],
		) {
			const before = (await n8n().executions.list(example.id)).length;
			const result = await start();
			const executions = await n8n().executions.waitFor(example.id, before + 1, { statuses });
			return { result, execution: executions[executions.length - 1] };
		}

		function contextFor(example: ExampleWorkflow): Context {
			const keys = appKeys();
			const webhook = example.nodes.find((node) => node.type === 'n8n-nodes-base.webhook');
			const triggerUrl = () => {
				const [trigger] = triggerEndpoints([example]);
				if (!trigger) throw new Error(`${example.file} has no DingTalk Trigger`);
				return n8n().webhookUrl(trigger.path);
			};
			return {
				n8n: n8n(),
				fake: fake(),
				openApi: dev().openApi,
				hrDirectory: dev().hrDirectory,
				stream: dev().sandbox.stream,
				example,
				run: async (start, statuses) => await runExample(example, start, statuses),
				postToWebhook: async (body, headers) => {
					if (!webhook) throw new Error(`${example.file} has no Webhook node`);
					return await post(n8n().webhookUrl(String(webhook.parameters.path)), body, headers);
				},
				mentionRobot: async (text, fields = {}) =>
					await post(
						triggerUrl(),
						robotMessageBody(text, {
							sessionWebhook: fake().addSession(Date.now() + 5_400_000),
							...fields,
						}),
						signedRobotHeaders(keys.appSecret),
					),
				pushEvent: async (event) => {
					const push = eventPush(JSON.stringify(event), keys);
					return await post(`${triggerUrl()}?${new URLSearchParams(push.query)}`, push.body);
				},
				mentionRobotOverStream: async (text) => {
					const stream = dev().sandbox.stream;
					const messageId = stream.pushRobotMessage(
						robotMessageBody(text, { sessionWebhook: fake().addSession(Date.now() + 5_400_000) }),
					);
					return { messageId, ack: await stream.waitForAck(messageId, 30_000) };
				},
			};
		}

		it('has a main-path test for every example and nothing else', () => {
			expect(examples.map((example) => example.file)).toEqual(Object.keys(MAIN_PATHS).sort());
		});

		it('imports every example and publishes each one a webhook or a trigger starts, one Stream example per app', async () => {
			const stored = await queryDatabase<{ id: string; name: string; active: number }>(
				n8n().userFolder,
				'SELECT id, name, active FROM workflow_entity ORDER BY id',
			);
			// A disabled Stream trigger holds no connection (the deploy gate's).
			const hasStreamTrigger = (example: ExampleWorkflow) =>
				example.nodes.some((node) => node.type === STREAM_TRIGGER_NODE_TYPE && !node.disabled);
			const startable = (example: ExampleWorkflow) =>
				hasStreamTrigger(example)
					? PUBLISHED_STREAM_EXAMPLES.includes(example.file)
					: example.nodes.some(
							(node) =>
								!node.disabled &&
								(node.type === 'n8n-nodes-dingtalk-robot.dingTalkStreamTrigger' ||
									(node.webhookId !== undefined &&
										(node.type === 'n8n-nodes-base.webhook' || /Trigger$/.test(node.type)))),
						);
			expect(stored).toEqual(
				[...examples]
					.sort((a, b) => (a.id < b.id ? -1 : 1))
					.map((example) => ({
						id: example.id,
						name: example.name,
						active: startable(example) ? 1 : 0,
					})),
			);
		});

		it.each(examples.map((example) => [example.file, example] as const))(
			'%s runs its main path',
			async (_, example) => {
				const mainPath = MAIN_PATHS[example.file];
				if (!mainPath) throw new Error(`No main-path test for examples/${example.file}`);
				try {
					await mainPath(contextFor(example));
				} catch (error) {
					// Name the node that failed when the run itself failed.
					const executions = await n8n().executions.list(example.id);
					const last = executions[executions.length - 1];
					if (last?.status === 'error') {
						const failure = failureOf(await n8n().executions.get(last.id));
						(error as Error).message +=
							`\nLast run failed in "${failure.node}": ${failure.message}`;
					}
					throw error;
				}
			},
		);

		it('keeps the first app’s credential the one the editor preselects on a new node', async () => {
			const { email, password } = dev().state.owner;
			const login = await fetch(`${n8n().baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: email, password }),
			});
			const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
			type Listed = { data: Array<{ id: string; name: string; type: string; updatedAt?: string }> };
			const appsIn = async (path: string) =>
				(
					(await (await fetch(`${n8n().baseUrl}${path}`, { headers: { cookie } })).json()) as Listed
				).data
					.filter((credential) => credential.type === 'dingTalkAppApi')
					// The editor's store lists credentials by name.
					.sort((a, b) => a.name.localeCompare(b.name));
			// The editor's rule: the greatest updatedAt; when its list has none (n8n 2.8's usable
			// credentials; 2.41's carry it), the last one.
			const preselected = (apps: Listed['data']) =>
				apps.reduce((newest, current) =>
					newest.updatedAt !== undefined &&
					current.updatedAt !== undefined &&
					newest.updatedAt > current.updatedAt
						? newest
						: current,
				).id;
			const all = await appsIn('/rest/credentials');
			expect(all.map((app) => app.id)).toEqual(['dtSandboxApp0002', 'dtSandboxApp0001']);
			expect(preselected(all)).toBe('dtSandboxApp0001');
			const usable = await appsIn('/rest/credentials/for-workflow?workflowId=dtExampleApprove');
			expect(preselected(usable)).toBe('dtSandboxApp0001');
		});

		it('lets the owner printed by npm run dev log in and see the sandbox credentials', async () => {
			const { email, password } = dev().state.owner;
			const login = await fetch(`${n8n().baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: email, password }),
			});
			expect(login.status).toBe(200);
			const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
			const listed = (await (
				await fetch(`${n8n().baseUrl}/rest/credentials`, { headers: { cookie } })
			).json()) as { data: Array<{ id: string; type: string }> };
			expect(
				listed.data.map(({ id, type }) => ({ id, type })).sort((a, b) => (a.id < b.id ? -1 : 1)),
			).toEqual(
				dev()
					.credentials.map(({ id, type }) => ({ id, type }))
					.sort((a, b) => (a.id < b.id ? -1 : 1)),
			);
		});

		it('fires a signed @-message from the sandbox page at the command bot and shows its reply', async () => {
			const { sandbox, targets } = dev();
			expect(targets.robot?.workflow.file).toBe('command-bot.json');
			const { result } = await runExample(targets.robot!.workflow, async () =>
				post(`${sandbox.fake.baseUrl}/sandbox/fire/robot`, { text: '/help' }),
			);
			expect(result.body).toMatchObject({
				status: 200,
				body: '{"msgtype":"empty"}',
				sent: { url: targets.robotUrl },
			});
			const page = (await (await fetch(`${sandbox.fake.baseUrl}/sandbox/messages`)).json()) as {
				messages: Array<{ via: string; msgtype: string; body: { markdown?: { title?: string } } }>;
			};
			expect(page.messages).toHaveLength(1);
			expect(page.messages[0]).toMatchObject({
				via: 'session',
				msgtype: 'markdown',
				body: { markdown: { title: 'Help' } },
			});
		});

		it('sends an @-message over Stream from the sandbox page to the Stream command bot and shows its reply', async () => {
			const { sandbox, targets } = dev();
			expect(targets.stream.map((example) => example.file)).toEqual(['stream-command-bot.json']);
			const base = sandbox.fake.baseUrl;
			const status = async () =>
				(await (await fetch(`${base}/sandbox/stream`)).json()) as {
					connections: Array<{ clientId: string; subscriptions: string[] }>;
					pushes: Array<{ kind: string; summary: string; acks: Array<{ code: number }> }>;
				};
			// The command bot's, and the card app's for the alert card's Acknowledge button.
			const connections = (await status()).connections.sort((a, b) =>
				a.subscriptions[0] < b.subscriptions[0] ? -1 : 1,
			);
			expect(connections).toEqual([
				{
					id: expect.any(String),
					clientId: dev().state.secrets.cardAppKey,
					subscriptions: ['CALLBACK /v1.0/card/instances/callback'],
					openedAt: expect.any(Number),
				},
				{
					id: expect.any(String),
					clientId: dev().state.secrets.appKey,
					subscriptions: ['CALLBACK /v1.0/im/bot/messages/get'],
					openedAt: expect.any(Number),
				},
			]);
			const { result, execution } = await runExample(targets.stream[0], async () =>
				post(`${base}/sandbox/stream/robot`, { text: '/help' }),
			);
			expect(result.status).toBe(200);
			expect(result.body).toMatchObject({
				ack: { code: 200, message: 'OK' },
				connections: 2,
				sent: { topic: '/v1.0/im/bot/messages/get' },
			});
			expect(execution.status).toBe('success');
			const page = (await (await fetch(`${base}/sandbox/messages`)).json()) as {
				messages: Array<{ via: string; msgtype: string; body: { markdown?: { title?: string } } }>;
			};
			expect(page.messages).toHaveLength(1);
			expect(page.messages[0]).toMatchObject({
				via: 'session',
				msgtype: 'markdown',
				body: { markdown: { title: 'Help' } },
			});
			expect((await status()).pushes).toMatchObject([
				{ kind: 'robotMessage', summary: '/help', acks: [{ code: 200 }] },
			]);

			// The Stream command bot receives robot messages only: an event finds no subscriber.
			const event = await post(`${base}/sandbox/stream/event`, { eventType: 'user_add_org' });
			expect(event.status).toBe(409);
			expect(JSON.stringify(event.body)).toContain('No live Stream connection subscribed');
		});

		it('fires an encrypted event from the sandbox page, and its retry starts nothing', async () => {
			const { sandbox, targets } = dev();
			const workflow = targets.event!.workflow;
			const fire = async (body: object) =>
				(await post(`${sandbox.fake.baseUrl}/sandbox/fire/event`, body)).body;
			const { result } = await runExample(workflow, async () =>
				post(`${sandbox.fake.baseUrl}/sandbox/fire/event`, { eventType: 'user_add_org' }),
			);
			expect(result.body).toMatchObject({ status: 200, reply: { success: true } });
			expect(fake().received).toHaveLength(1);

			const before = (await n8n().executions.list(workflow.id)).length;
			expect(await fire({ retry: true })).toMatchObject({ status: 200, reply: { success: true } });
			await n8n().executions.waitFor(workflow.id, before, { settleMs: 1500 });
			expect(fake().received).toHaveLength(1);
		});
	},
);
