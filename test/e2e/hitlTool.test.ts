// The Human in the Loop tool n8n makes of DingTalk Robot, inside a real n8n: an AI Agent (the
// stand-in model) wants to run its Calculator tool, which is gated by "DingTalk Robot (Human
// review)". The custom robot posts the question with links to the fake DingTalk and the execution
// waits; the approve link resumes it with `approved: true` and the decline link with `false`.
// What n8n then does with the tool is n8n's: on 2.41.1 the approved tool runs and the declined
// one does not. n8n 2.8.4 as npm installs it runs neither: n8n-core and the AI nodes get separate
// copies of @langchain/core, so n8n does not see which tool the review gates (the agent gets the
// review's answer as the tool's result); those two checks run on the newest n8n only.
import type { WorkflowFixture } from '../../scripts/n8n-instance';
import { nodeOutput, type ExecutionDetail } from '../../scripts/n8n-executions';
import { n8nVersion, PACKAGE_NAME } from '../../scripts/n8n-runtime';
import { FAKE_MODEL, FakeChatModel, FakeDingTalk } from '../fake-dingtalk';
import { robotCredential, ROBOT_CREDENTIAL } from './support/fixtures';
import { useN8n } from './support/n8n';
import { failureOf, post, whenEnded } from './support/runs';
import { uuidFor } from './support/workflows';

const TOKEN = 'e2ehitltool00000000000000000000000000000000000000000000000000001';
const OPENAI = { id: 'e2eHitlOpenAi001', name: 'E2E stand-in chat model (HITL)' };
const ID = 'e2eHitlToolFlow1';
const PATH = 'e2e-hitl-tool';
const GATES_TOOLS = n8nVersion() !== '2.8.4';

function hitlWorkflow(): WorkflowFixture {
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
		name: 'E2E AI agent asks DingTalk before its tool runs',
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
				},
				{
					credentials: {
						dingTalkRobotApi: { id: ROBOT_CREDENTIAL.id, name: ROBOT_CREDENTIAL.name },
					},
				},
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
	const n8n = useN8n(async () => {
		const baseUrl = await fake.start();
		const modelUrl = await model.start();
		return {
			name: 'hitl-tool',
			credentials: [
				robotCredential({ accessToken: TOKEN, baseUrl }),
				{ ...OPENAI, type: 'openAiApi', data: { apiKey: 'sk-stand-in', url: modelUrl } },
			],
			workflows: [hitlWorkflow()],
			publish: [ID],
		};
	});
	beforeEach(() => fake.reset());
	afterAll(async () => {
		await fake.stop();
		await model.stop();
	});

	/** Asks the agent; returns the waiting execution and the card the custom robot posted. */
	async function askAgent(question: string) {
		const before = (await n8n().executions.list(ID)).length;
		const calls = model.toolCalls.length;
		await post(n8n().webhookUrl(PATH), { question });
		const [execution] = (
			await n8n().executions.waitFor(ID, before + 1, { statuses: ['success', 'waiting'] })
		).slice(-1);
		expect(execution.status).toBe('waiting');
		expect(model.toolCalls.slice(calls)).toEqual([
			expect.objectContaining({ name: 'Calculator', question }),
		]);
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

	it('posts the tool call to the group; the approve link resumes it, and the tool runs', async () => {
		const { execution, card } = await askAgent('6*7');
		expect((await fetch(card.btns[0].actionURL, { method: 'POST' })).status).toBe(200);
		const done = await whenEnded(n8n(), execution.id);
		expect(failureOf(done).status).toBe('success');
		expect(reviewAnswer(done)).toEqual([{ data: { approved: true } }]);
		if (GATES_TOOLS) {
			expect(nodeOutput(done.data, 'AI Agent')).toEqual([{ output: '6*7 is [{"response":"42"}]' }]);
		}
	});

	it('the decline link resumes it with a no, and the tool does not run', async () => {
		const { execution, card } = await askAgent('2+2');
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
});
