// Row 10: an approval answered through card buttons against the same approval answered through a
// link, in the same n8n. Both workflows are Webhook -> DingTalk Robot (App Robot, Send and Wait,
// to one group) -> No Op "After"; one sends an interactive card (answerVia cardButtons, one
// approver), the other the sampleActionCard with signed resume links. The card's click is a
// callback frame the fake Stream gateway pushes to the published DingTalk Stream Trigger of the
// same app, which forwards it to the waiting execution; the link's click is the POST a person's
// browser sends to the signed resume URL. Measured per approval: from the frame pushed (the POST
// sent) to the execution resumed, i.e. the start time n8n records for the node after the
// Send and Wait node, and to the answer (the Stream ACK with the card update, the HTTP reply).
// Approvals are answered one at a time, card and link alternating, each after the previous
// execution has finished, so no figure includes another approval's work.
import type { CredentialFixture, WorkflowFixture, WorkflowNode } from '../../scripts/n8n-instance';
import { queryDatabase, type ExecutionStatus } from '../../scripts/n8n-executions';
import { FakeCards, FakeContacts, FakeDingTalk, FakeOpenApi } from '../../test/fake-dingtalk';
import { FakeStreamGateway } from '../../test/fake-dingtalk/streamGateway';
import { readingsOf } from '../../test/e2e/support/cardWait';
import { countExecutions } from '../lib/executionCounts';
import { summarizeLatencies, type LatencySummary } from '../lib/httpLoad';
import { round2, sleep, type BenchContext, type Measurement } from '../lib/measurement';
import { chain, noOp, webhook } from '../lib/workflows';

const PACKAGE_NODE = 'n8n-nodes-dingtalk-robot';
const CARD_APP_CREDENTIAL = {
	id: 'benchCardWaitApp',
	name: 'DingTalk app, card approvals (bench)',
};
const GROUP = 'cidBenchCardWait==';
const TEMPLATE = 'bench000-0000-4000-8000-00000000c4a1.schema';
const APPROVER = 'bench-approver';
const CARD_PATH = 'bench-card-approval';
const LINK_PATH = 'bench-link-approval';
const WARM_UP = 3;
const POLL_MS = 10;

type SideName = 'card' | 'link';

interface Approval {
	executionId: string;
	/** The card's outTrackId, or the link's approve URL. */
	handle: string;
	warmUp: boolean;
	clickedAt?: number;
	answerMs?: number;
	problem?: string;
}

function askNode(parameters: Record<string, unknown>): WorkflowNode {
	return {
		name: 'Ask',
		type: `${PACKAGE_NODE}.dingTalkRobot`,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			resource: 'appRobot',
			operation: 'sendAndWait',
			sendAndWaitTo: 'group',
			openConversationId: GROUP,
			cardTitle: '={{ "Deploy " + $json.body.n + "?" }}',
			message: 'Bench approval',
			options: {},
			...parameters,
		},
		credentials: { dingTalkAppApi: CARD_APP_CREDENTIAL },
	};
}

/**
 * The fake DingTalk of row 10 (OpenAPI, cards, its own Stream gateway, so that row 7's connection
 * and this row's never mix) and its workflows and credential.
 */
export class CardApprovalBench {
	readonly gateway: FakeStreamGateway;
	readonly openApi: FakeOpenApi;
	readonly cards: FakeCards;
	readonly appKey: string;
	private readonly fake = new FakeDingTalk();
	private baseUrl = '';

	constructor(private readonly app: { appKey: string; appSecret: string }) {
		this.appKey = app.appKey;
		this.gateway = new FakeStreamGateway({
			apps: [{ clientId: app.appKey, clientSecret: app.appSecret }],
		});
		this.openApi = new FakeOpenApi({ apps: [{ ...app, groups: [GROUP] }] });
		this.cards = new FakeCards(this.openApi, { templates: [TEMPLATE], gateway: this.gateway });
		// The approver is in the contacts: the node looks the name up, as it would in DingTalk.
		const contacts = new FakeContacts(this.openApi, {
			users: [
				{ userid: APPROVER, unionid: 'benchUnionApprover', name: '审批人', dept_id_list: [1] },
			],
		});
		this.fake.use(this.openApi).use(this.cards).use(contacts).use(this.gateway);
	}

	async start(): Promise<void> {
		await this.gateway.start();
		this.baseUrl = await this.fake.start();
	}

	async stop(): Promise<void> {
		await this.fake.stop();
		await this.gateway.stop();
	}

	/** As DingTalk does, a ping now and then keeps the trigger's watchdog from reconnecting. */
	ping(): void {
		if (this.gateway.liveConnections().length > 0) this.gateway.ping();
	}

	credential(): CredentialFixture {
		return {
			...CARD_APP_CREDENTIAL,
			type: 'dingTalkAppApi',
			data: { ...this.app, apiBaseUrl: this.baseUrl, oapiBaseUrl: this.baseUrl },
		};
	}

	workflows() {
		const stream = chain('benchCardStream1', 'Bench: DingTalk Stream Trigger (card callbacks)', [
			{
				name: 'DingTalk Stream Trigger',
				type: `${PACKAGE_NODE}.dingTalkStreamTrigger`,
				typeVersion: 1,
				position: [0, 0],
				parameters: { receive: ['cardCallbacks'], options: {} },
				credentials: { dingTalkAppApi: CARD_APP_CREDENTIAL },
			},
			noOp(),
		]);
		const card = chain('benchCardWait001', 'Bench: Send and Wait by card buttons', [
			webhook('b0e0c001-0000-4000-8000-0000000000c1', CARD_PATH),
			askNode({ answerVia: 'cardButtons', cardTemplateId: TEMPLATE, approvers: APPROVER }),
			noOp('After'),
		]);
		const link = chain('benchLinkWait001', 'Bench: Send and Wait by links', [
			webhook('b0e0c001-0000-4000-8000-0000000000c2', LINK_PATH),
			askNode({}),
			noOp('After'),
		]);
		return { stream, card, link } satisfies Record<string, WorkflowFixture>;
	}
}

async function statusOf(userFolder: string, executionId: string): Promise<ExecutionStatus> {
	const [row] = await queryDatabase<{ status: ExecutionStatus }>(
		userFolder,
		'SELECT status FROM execution_entity WHERE id = ?',
		[Number(executionId)],
	);
	return row?.status ?? 'unknown';
}

async function untilEnded(userFolder: string, executionId: string, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = await statusOf(userFolder, executionId);
		if (!['waiting', 'running', 'new'].includes(status)) return status;
		if (Date.now() > deadline) return status;
		await sleep(POLL_MS);
	}
}

export async function measureCardApproval(
	context: BenchContext,
	bench: CardApprovalBench,
): Promise<Measurement> {
	const { n8n } = context;
	const approvals = context.quick ? 5 : 50;
	const perSide = approvals + WARM_UP;
	const workflows = bench.workflows();
	await bench.gateway.waitForConnection(1, 60_000);

	// Every approval waits first: perSide executions per side, a few at a time.
	const start = async (path: string, count: number) => {
		for (let n = 0; n < count; n += 4) {
			await Promise.all(
				Array.from({ length: Math.min(4, count - n) }, async (_, offset) => {
					const response = await fetch(n8n.webhookUrl(path), {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ n: n + offset }),
					});
					await response.text();
					if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
				}),
			);
		}
	};
	await start(CARD_PATH, perSide);
	await start(LINK_PATH, perSide);
	const deadline = Date.now() + 120_000;
	for (;;) {
		const counts = await Promise.all(
			[workflows.card, workflows.link].map(
				async (workflow) => (await countExecutions(n8n.userFolder, workflow.id)).byStatus.waiting,
			),
		);
		if (counts.every((count) => count === perSide)) break;
		if (Date.now() > deadline) {
			throw new Error(`waiting executions (card, link): ${counts.join(', ')}, expected ${perSide}`);
		}
		await sleep(200);
	}

	const sides: Record<SideName, Approval[]> = { card: [], link: [] };
	for (const card of bench.cards.cards.values()) {
		const executionId = readingsOf(card.outTrackId).find(
			(reading) => reading.executionId,
		)?.executionId;
		if (executionId) sides.card.push({ executionId, handle: card.outTrackId, warmUp: false });
	}
	for (const message of bench.openApi.messages) {
		const url = String(message.msgParam.singleURL ?? '');
		const executionId = /\/webhook-waiting\/(\d+)\//.exec(url)?.[1];
		if (executionId) sides.link.push({ executionId, handle: url, warmUp: false });
	}
	for (const side of Object.values(sides)) {
		if (side.length !== perSide) throw new Error(`found ${side.length} of ${perSide} approvals`);
		side.sort((a, b) => Number(a.executionId) - Number(b.executionId));
		side.slice(0, WARM_UP).forEach((approval) => (approval.warmUp = true));
	}

	const click: Record<SideName, (approval: Approval) => Promise<void>> = {
		async card(approval) {
			approval.clickedAt = Date.now();
			const result = await bench.cards.click(
				bench.appKey,
				{ outTrackId: approval.handle, userId: APPROVER, params: { action: 'approve' } },
				30_000,
			);
			approval.answerMs = Date.now() - approval.clickedAt;
			if (result.card.publicData.status !== 'approved') {
				approval.problem = `card status ${result.card.publicData.status} after the click`;
			}
		},
		async link(approval) {
			approval.clickedAt = Date.now();
			const response = await fetch(approval.handle, { method: 'POST' });
			await response.text();
			approval.answerMs = Date.now() - approval.clickedAt;
			if (response.status !== 200) approval.problem = `the link answered ${response.status}`;
		},
	};
	for (let index = 0; index < perSide; index++) {
		const order: SideName[] = index % 2 === 0 ? ['card', 'link'] : ['link', 'card'];
		for (const name of order) {
			const approval = sides[name][index];
			try {
				await click[name](approval);
			} catch (error) {
				approval.problem = (error as Error).message;
				continue;
			}
			const status = await untilEnded(n8n.userFolder, approval.executionId);
			if (status !== 'success') approval.problem ??= `execution ended ${status}`;
		}
	}

	const summary: Record<string, unknown> = {};
	const problems: string[] = [];
	for (const name of ['card', 'link'] as const) {
		const resumeMs: number[] = [];
		const answerMs: number[] = [];
		for (const approval of sides[name]) {
			if (!approval.problem) {
				const execution = await n8n.executions.get(approval.executionId);
				const after = execution.data.resultData.runData.After?.[0] as
					| {
							startTime?: number;
							data?: { main?: Array<Array<{ json: Record<string, unknown> }>> };
					  }
					| undefined;
				const answer = after?.data?.main?.[0]?.[0]?.json?.data as
					| { approved?: unknown; responder?: { userId?: unknown; name?: unknown } }
					| undefined;
				if (answer?.approved !== true) approval.problem = 'resumed without approved: true';
				else if (
					name === 'card' &&
					(answer.responder?.userId !== APPROVER || answer.responder.name !== '审批人')
				) {
					approval.problem = `resumed with responder ${JSON.stringify(answer.responder)}`;
				} else if (typeof after?.startTime !== 'number')
					approval.problem = 'After has no start time';
				else if (!approval.warmUp) resumeMs.push(after.startTime - approval.clickedAt!);
			}
			if (approval.problem) problems.push(`${name} #${approval.executionId}: ${approval.problem}`);
			else if (!approval.warmUp) answerMs.push(approval.answerMs!);
		}
		summary[name] = {
			resumeMs: summarizeLatencies(resumeMs),
			answerMs: summarizeLatencies(answerMs),
			measured: resumeMs.length,
		};
	}
	const streamRuns = (await countExecutions(n8n.userFolder, workflows.stream.id)).total;
	if (streamRuns > 0) {
		problems.push(`the Stream trigger's workflow ran ${streamRuns} times (expected none)`);
	}
	const card = summary.card as { resumeMs: LatencySummary; answerMs: LatencySummary };
	const link = summary.link as { resumeMs: LatencySummary; answerMs: LatencySummary };
	return {
		id: 'card-approval',
		title: `Send and Wait: card button (callback frame → execution resumed) vs link (POST → resumed), ${approvals} approvals each`,
		target: '',
		met: problems.length ? false : null,
		measured: `card p50 ${card.resumeMs.p50} ms, p99 ${card.resumeMs.p99} ms; link p50 ${link.resumeMs.p50} ms, p99 ${link.resumeMs.p99} ms (card/link p50 ${round2(card.resumeMs.p50 / link.resumeMs.p50)}×)`,
		values: {
			approvals,
			warmUp: WARM_UP,
			pollMs: POLL_MS,
			...summary,
			streamTriggerExecutions: streamRuns,
			// More than one: the trigger reconnected during the run.
			streamConnectionsOpened: bench.gateway.connections.length,
			problems: problems.slice(0, 10),
		},
		notes: [
			`Resumed = the start time n8n records for the node after Send and Wait, minus the moment the bench pushed the callback frame (card) or sent the POST to the signed resume URL (link). One approval at a time, card and link alternating, the next only after the execution has finished (status polled every ${POLL_MS} ms); ${WARM_UP} warm-up approvals per side not counted.`,
			`Answer times (not in the figures above): card, frame → Stream ACK carrying the card update p50 ${card.answerMs.p50} ms / p99 ${card.answerMs.p99} ms; link, POST → HTTP answer p50 ${link.answerMs.p50} / p99 ${link.answerMs.p99} ms.`,
			'The card path has steps the link has not: the Stream trigger receives the frame and POSTs it, with the app-secret proof, to the waiting execution’s resume URL on the same n8n; the node checks the proof and the approvers, looks the approver’s name up in the (loopback, fake) contacts and answers with the card update.',
			...problems.slice(0, 5).map((problem) => `Correctness: ${problem}.`),
		],
	};
}
