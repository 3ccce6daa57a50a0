// The Human in the Loop tool n8n makes of DingTalk Robot, inside a real n8n: an AI Agent (the
// stand-in model) wants to run its Calculator tool, which is gated by "DingTalk Robot (Human
// review)". Through the custom robot (n8n's default) the question goes out with links and the
// approve or decline link resumes the execution; through the App Robot (Ask Through) it goes out
// as an interactive card whose buttons answer over the app's Stream trigger: a bystander's click
// is refused on the card, the approver's resumes with who approved and locks the card.
// What n8n then does with the tool is n8n's: on 2.41.1 the approved tool runs and the declined
// one does not. n8n 2.8.4 as npm installs it runs neither: n8n-core and the AI nodes get separate
// copies of @langchain/core, so n8n does not see which tool the review gates (the agent gets the
// review's answer as the tool's result); those two checks run on the newest n8n only.
import type { WorkflowFixture } from '../../scripts/n8n-instance';
import { nodeOutput, type ExecutionDetail } from '../../scripts/n8n-executions';
import { n8nVersion, PACKAGE_NAME } from '../../scripts/n8n-runtime';
import {
	FAKE_MODEL,
	FakeCards,
	FakeChatModel,
	FakeContacts,
	FakeDingTalk,
	FakeOpenApi,
} from '../fake-dingtalk';
import { FakeStreamGateway } from '../fake-dingtalk/streamGateway';
import { fakeAppCredentialData, randomAppKeys } from './support/dingtalk';
import { credential, robotCredential, ROBOT_CREDENTIAL } from './support/fixtures';
import { useN8n } from './support/n8n';
import { failureOf, post, whenEnded } from './support/runs';
import { streamWorkflow, uuidFor } from './support/workflows';

const TOKEN = 'e2ehitltool00000000000000000000000000000000000000000000000000001';
const OPENAI = { id: 'e2eHitlOpenAi001', name: 'E2E stand-in chat model (HITL)' };
const APP = { id: 'e2eHitlToolApp01', name: 'E2E HITL app (fake DingTalk)' };
const keys = randomAppKeys();
const GROUP = 'cidE2eHitlCard01==';
const TEMPLATE = 'e2e00000-0000-4000-8000-0000000041c7.schema';
const APPROVER = 'e2e-hitl-approver';
const APPROVER_NAME = '李四';
const BYSTANDER = 'e2e-hitl-bystander';
const GATES_TOOLS = n8nVersion() !== '2.8.4';

const LINKS = { id: 'e2eHitlToolFlow1', path: 'e2e-hitl-tool' };
const CARD = { id: 'e2eHitlToolCard1', path: 'e2e-hitl-tool-card' };

/** Webhook → AI Agent (stand-in model) with Calculator guarded by DingTalk Robot (Human review). */
function hitlWorkflow(
	{ id: ID, path: PATH }: { id: string; path: string },
	review: { parameters: object; credentials: object },
): WorkflowFixture {
	const node = (
		name: string,
		type: string,
		typeVersion: number,
		position: [number, number],
		parameters: object,
		extra: object = {},
	) => ({ id: uuidFor(`${ID}/${name}`), name, type, typeVersion, position, parameters, ...extra });
	return {
		id: ID,
		name: `E2E AI agent asks DingTalk before its tool runs (${PATH})`,
		active: false,
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2,
				[0, 0],
				{ httpMethod: 'POST', path: PATH, options: {} },
				{ webhookId: uuidFor(`${ID}/webhook`) },
			),
			node('AI Agent', '@n8n/n8n-nodes-langchain.agent', 3, [240, 0], {
				promptType: 'define',
				text: '={{ $json.body.question }}',
				options: {},
			}),
			node(
				'OpenAI Chat Model',
				'@n8n/n8n-nodes-langchain.lmChatOpenAi',
				1.2,
				[160, 220],
				{ model: { __rl: true, mode: 'id', value: FAKE_MODEL }, options: {} },
				{ credentials: { openAiApi: OPENAI } },
			),
			node(
				'Ask in DingTalk',
				`${PACKAGE_NAME}.dingTalkRobotHitlTool`,
				1,
				[400, 220],
				{
					cardTitle: 'The agent asks',
					approvalOptions: { values: { approvalType: 'double' } },
					...review.parameters,
				},
				{ credentials: review.credentials },
			),
			node('Calculator', '@n8n/n8n-nodes-langchain.toolCalculator', 1, [400, 440], {}),
		],
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			'Ask in DingTalk': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
			Calculator: { ai_tool: [[{ node: 'Ask in DingTalk', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	} as unknown as WorkflowFixture;
}

describe('the Human in the Loop tool in a real n8n', () => {
	const fake = new FakeDingTalk({ robots: [{ token: TOKEN }] });
	const gateway = new FakeStreamGateway({
		apps: [{ clientId: keys.appKey, clientSecret: keys.appSecret }],
	});
	const openApi = new FakeOpenApi({
		apps: [{ appKey: keys.appKey, appSecret: keys.appSecret, groups: [GROUP] }],
	});
	const cards = new FakeCards(openApi, { templates: [TEMPLATE], gateway });
	const contacts = new FakeContacts(openApi, {
		users: [{ userid: APPROVER, unionid: 'e2eHitlUnion', name: APPROVER_NAME, dept_id_list: [1] }],
	});
	fake.use(openApi).use(cards).use(contacts).use(gateway);
	const model = new FakeChatModel({
		toolCallFor: (question, tools) =>
			// n8n names a tool after its node.
			tools.includes('Calculator')
				? {
						name: 'Calculator',
						arguments: { toolParameters: { input: question }, hitlParameters: {} },
					}
				: undefined,
		answerFor: (question, results = []) => `${question} is ${results.join(' | ')}`,
	});
	const workflows = [
		hitlWorkflow(LINKS, {
			parameters: {},
			credentials: { dingTalkRobotApi: { id: ROBOT_CREDENTIAL.id, name: ROBOT_CREDENTIAL.name } },
		}),
		hitlWorkflow(CARD, {
			parameters: {
				askThrough: 'appRobot',
				sendAndWaitTo: 'group',
				openConversationId: GROUP,
				answerVia: 'cardButtons',
				cardTemplateId: TEMPLATE,
				approvers: APPROVER,
				options: {},
			},
			credentials: { dingTalkAppApi: { id: APP.id, name: APP.name } },
		}),
		streamWorkflow({
			id: 'e2eHitlToolStrm1',
			name: 'E2E HITL: the app’s Stream trigger',
			trigger: { receive: ['robotMessages', 'cardCallbacks'], options: {} },
			credential: { type: 'dingTalkAppApi', data: {}, ...APP },
			then: [{ name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }],
		}),
	];
	const n8n = useN8n(async () => {
		await gateway.start();
		const baseUrl = await fake.start();
		const modelUrl = await model.start();
		return {
			name: 'hitl-tool',
			credentials: [
				robotCredential({ accessToken: TOKEN, baseUrl }),
				credential('dingTalkAppApi', APP.id, APP.name, fakeAppCredentialData(keys, baseUrl)),
				{ ...OPENAI, type: 'openAiApi', data: { apiKey: 'sk-stand-in', url: modelUrl } },
			],
			workflows,
			publish: workflows.map((workflow) => workflow.id),
		};
	});
	beforeEach(() => fake.reset());
	afterAll(async () => {
		await fake.stop();
		await gateway.stop();
		await model.stop();
	});

	/** Asks the agent; returns the execution waiting for the review. */
	async function askAgent(flow: { id: string; path: string }, question: string) {
		const before = (await n8n().executions.list(flow.id)).length;
		const calls = model.toolCalls.length;
		await post(n8n().webhookUrl(flow.path), { question });
		const [execution] = (
			await n8n().executions.waitFor(flow.id, before + 1, {
				statuses: ['success', 'waiting'],
				timeoutMs: 60_000,
			})
		).slice(-1);
		expect(execution.status).toBe('waiting');
		expect(model.toolCalls.slice(calls)).toEqual([
			expect.objectContaining({ name: 'Calculator', question }),
		]);
		return execution;
	}

	/** Asks through the custom robot; returns the waiting execution and the card it posted. */
	async function askWithLinks(question: string) {
		const execution = await askAgent(LINKS, question);
		expect(fake.received).toHaveLength(1);
		const card = fake.received[0].body.actionCard as {
			title: string;
			text: string;
			btns: Array<{ title: string; actionURL: string }>;
		};
		expect(card.title).toBe('The agent asks');
		expect(card.text).toContain('Calculator');
		expect(card.btns.map((button) => button.title)).toEqual(['Approve', 'Decline']);
		for (const button of card.btns) {
			expect(button.actionURL.startsWith(`${n8n().baseUrl}/webhook-waiting/${execution.id}/`)).toBe(
				true,
			);
		}
		return { execution, card };
	}

	/** The review's answer, as the agent received it from the Human in the Loop node. */
	function reviewAnswer(done: ExecutionDetail): unknown {
		const [run] = done.data.resultData.runData['Ask in DingTalk'] ?? [];
		const output = run?.data as { ai_tool?: Array<Array<{ json: unknown }>> } | undefined;
		return output?.ai_tool?.[0]?.map((item) => item.json);
	}

	it('through the custom robot: the tool call is posted with links; approve resumes it and the tool runs', async () => {
		const { execution, card } = await askWithLinks('6*7');
		expect((await fetch(card.btns[0].actionURL, { method: 'POST' })).status).toBe(200);
		const done = await whenEnded(n8n(), execution.id);
		expect(failureOf(done).status).toBe('success');
		expect(reviewAnswer(done)).toEqual([{ data: { approved: true } }]);
		if (GATES_TOOLS) {
			expect(nodeOutput(done.data, 'AI Agent')).toEqual([{ output: '6*7 is [{"response":"42"}]' }]);
		}
	});

	it('through the custom robot: decline resumes it with a no, and the tool does not run', async () => {
		const { execution, card } = await askWithLinks('2+2');
		expect((await fetch(card.btns[1].actionURL, { method: 'POST' })).status).toBe(200);
		const done = await whenEnded(n8n(), execution.id);
		expect(failureOf(done).status).toBe('success');
		expect(reviewAnswer(done)).toEqual([{ data: { approved: false } }]);
		const [answer] = nodeOutput(done.data, 'AI Agent') as Array<{ output: string }>;
		expect(answer.output).not.toContain('"response":"4"');
		if (GATES_TOOLS) {
			expect(answer.output).toContain('"output":"User rejected the tool call to Calculator');
		}
	});

	it('through the App Robot: a card with buttons; a bystander is refused, the approver resumes it with who approved', async () => {
		const execution = await askAgent(CARD, '6*7');
		const card = [...cards.cards.values()].find(
			(candidate) => candidate.appKey === keys.appKey && candidate.publicData.status === 'waiting',
		);
		if (!card) throw new Error('the App Robot sent no Send and Wait card');
		expect(card).toMatchObject({
			cardTemplateId: TEMPLATE,
			callbackType: 'STREAM',
			spaceId: GROUP,
		});
		expect(card.publicData.title).toBe('The agent asks');
		expect(String(card.publicData.content)).toContain('Calculator');
		expect(fake.received).toEqual([]);

		await gateway.waitForConnection(1, 60_000);
		const refused = await cards.click(
			keys.appKey,
			{ outTrackId: card.outTrackId, userId: BYSTANDER, params: { action: 'approve' } },
			20_000,
		);
		expect(String(cards.seenBy(refused.card, BYSTANDER).notice)).toMatch(/Only the approvers/);
		expect((await n8n().executions.get(execution.id)).status).toBe('waiting');

		const approved = await cards.click(
			keys.appKey,
			{ outTrackId: card.outTrackId, userId: APPROVER, params: { action: 'approve' } },
			20_000,
		);
		expect(approved.card.publicData.status).toBe('approved');
		expect(approved.card.publicData.resultText).toContain(APPROVER_NAME);
		const done = await whenEnded(n8n(), execution.id);
		expect(failureOf(done).status).toBe('success');
		expect(reviewAnswer(done)).toEqual([
			{
				data: {
					approved: true,
					responder: { userId: APPROVER, name: APPROVER_NAME },
					respondedAt: expect.any(String),
				},
			},
		]);
		if (GATES_TOOLS) {
			expect(nodeOutput(done.data, 'AI Agent')).toEqual([{ output: '6*7 is [{"response":"42"}]' }]);
		}
	});
});
