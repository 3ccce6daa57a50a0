import { join } from 'node:path';

import {
	expectedWith,
	loadWorkflow,
	nodesUnderTest,
	runWorkflowNode,
} from '../../helpers/workflowHarness';
import { addRobot, useFakeDingTalk } from './support/robot';

const fake = useFakeDingTalk();
const workflow = loadWorkflow(join(__dirname, 'workflows/alerts.workflow.json'));
const nodes = nodesUnderTest(workflow, 'n8n-nodes-dingtalk-robot.dingTalkRobot');

describe(`workflow: ${workflow.name}`, () => {
	it.each(nodes.map(({ node }) => node.name))('%s gives its pinned output', async (name) => {
		const robot = addRobot(
			fake(),
			{ secret: 'SEC-smoke', keywords: ['alert'] },
			{ keywords: 'alert' },
		);
		const { output, expected } = await runWorkflowNode(workflow, name, {
			'Ops robot': robot.credential,
		});
		const actual = output.map((item) => item.json);
		expect(actual).toEqual(expectedWith(expected, actual));
		expect(output.map((item) => item.pairedItem)).toEqual(expected.map((_, item) => ({ item })));
		// Every item that the node reports as sent reached the robot, and nothing else did.
		const sent = actual.filter((json) => json.errcode === 0).length;
		expect(fake().received).toHaveLength(sent);
	});
});
