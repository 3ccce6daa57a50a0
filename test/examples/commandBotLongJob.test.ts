import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INodeParameters } from 'n8n-workflow';

import { DingTalkTrigger } from '../../nodes/DingTalkTrigger/DingTalkTrigger.node';
import { addApp, run, triggerItem, useFakeOpenApi } from '../nodes/DingTalkRobot/support/app';

const server = useFakeOpenApi();
const GROUP = 'cid-example==';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: INodeParameters;
}

const workflow = JSON.parse(
	readFileSync(join(__dirname, '../../examples/command-bot-long-job.json'), 'utf8'),
) as { nodes: WorkflowNode[]; connections: Record<string, unknown> };

const node = (name: string) => workflow.nodes.find((entry) => entry.name === name)!;

describe('example workflow: command bot with a long job', () => {
	it('wires trigger → Acknowledge → Long Job → Prepare Result → Send Result', () => {
		expect(node('DingTalk Trigger').type).toBe('n8n-nodes-dingtalk-robot.dingTalkTrigger');
		expect(node('Acknowledge').type).toBe('n8n-nodes-dingtalk-robot.dingTalkRobot');
		expect(node('Send Result').type).toBe('n8n-nodes-dingtalk-robot.dingTalkRobot');
		expect(workflow.nodes.some((entry) => entry.type === 'n8n-nodes-base.stickyNote')).toBe(true);
		const next = (name: string) =>
			(workflow.connections[name] as { main: Array<Array<{ node: string }>> }).main[0][0].node;
		expect(next('DingTalk Trigger')).toBe('Acknowledge');
		expect(next('Acknowledge')).toBe('Long Job');
		expect(next('Long Job')).toBe('Prepare Result');
		expect(next('Prepare Result')).toBe('Send Result');
	});

	it('uses trigger parameters the trigger has', () => {
		const names = new DingTalkTrigger().description.properties.map((property) => property.name);
		for (const name of Object.keys(node('DingTalk Trigger').parameters)) {
			expect(names).toContain(name);
		}
		const options = new DingTalkTrigger().description.properties.find(
			(property) => property.name === 'options',
		)!;
		expect(options.options!.map((option) => option.name)).toContain('commandPrefix');
	});

	it('Acknowledge answers through the session webhook, Send Result falls back after it expired', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		const fresh = triggerItem(server(), app, {
			type: 'group',
			conversationId: GROUP,
			sessionExpiresAt: Date.now() + 5_400_000,
		});
		const acknowledged = await run(app, node('Acknowledge').parameters, { items: [fresh] });
		expect(acknowledged[0].json).toMatchObject({
			sentTo: 'sessionWebhook',
			mentioned: ['staff-alice'],
		});
		expect(server().fake.received[0].body.text.content).toMatch(/^Building your report/);

		// Two hours later: the same message, its session webhook long expired.
		const later = { ...fresh, sessionWebhookExpiresAt: Date.now() - 1_800_000 };
		const sendResult = {
			...node('Send Result').parameters,
			// In the workflow this is $('DingTalk Trigger').item.json; here the item is the input.
			incomingMessage: '={{ $json.trigger }}',
		};
		const result = await run(app, sendResult, {
			items: [{ trigger: later, requestedBy: '小钉', reportUrl: 'https://reports.example.com/42' }],
		});
		expect(result[0].json).toMatchObject({
			sentTo: 'groupMessages',
			fallbackReason: 'sessionExpired',
		});
		expect(server().openApi.messages[0]).toMatchObject({
			openConversationId: GROUP,
			msgKey: 'sampleMarkdown',
			msgParam: {
				title: 'Report ready',
				text: '#### Report ready\nRequested by 小钉.\n\n[Open the report](https://reports.example.com/42)',
			},
		});
	});
});
