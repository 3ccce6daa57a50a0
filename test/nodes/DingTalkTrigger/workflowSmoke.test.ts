import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, IWorkflowBase } from 'n8n-workflow';

import { clearDedupeCaches } from '../../../nodes/shared/dedupe';
import { DingTalkTrigger } from '../../../nodes/DingTalkTrigger/DingTalkTrigger.node';
import { eventRequest, FIXED_NOW, generateCredentials, robotRequest } from './support/requests';
import { runWebhook, type WebhookRequestSpec } from './support/webhookContext';

/**
 * Workflow-JSON-driven smoke test, after n8n's NodeTestHarness: the fixture is a workflow export
 * whose pinData holds the expected output of each trigger node, and whose meta.testRequests says
 * what DingTalk sends it (signed or encrypted here, with generated credentials).
 */
type SmokeRequest = { robotMessage: IDataObject } | { event: IDataObject };
type SmokeWorkflow = IWorkflowBase & {
	pinData: Record<string, INodeExecutionData[]>;
	meta: { testRequests: Record<string, SmokeRequest> };
};

const fixture = JSON.parse(
	readFileSync(join(__dirname, 'workflows', 'trigger-smoke.workflow.json'), 'utf8'),
) as SmokeWorkflow;
const credentials = generateCredentials(1234);
const description = new DingTalkTrigger().description;
const triggers = fixture.nodes.filter((node) => node.type.endsWith(`.${description.name}`));

beforeEach(() => {
	clearDedupeCaches();
	jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW);
});

afterEach(() => jest.restoreAllMocks());

describe(`workflow fixture "${fixture.name}"`, () => {
	it('has a robot and an event trigger of this package, each with a request and expected items', () => {
		expect(triggers.map((node) => node.parameters.mode).sort()).toEqual(['event', 'robot']);
		for (const node of triggers) {
			expect(node.type).toBe(`n8n-nodes-dingtalk-robot.${description.name}`);
			expect(node.typeVersion).toBe(description.version);
			expect(Object.keys(node.credentials ?? {})).toEqual(['dingTalkAppApi']);
			expect(fixture.meta.testRequests[node.name]).toBeDefined();
			expect(fixture.pinData[node.name]).toHaveLength(1);
		}
	});

	it.each(triggers.map((node) => [node.name, node] as const))(
		'%s outputs the items pinned in the fixture',
		async (name, node) => {
			const request = fixture.meta.testRequests[name];
			const context: Partial<WebhookRequestSpec> = {
				parameters: node.parameters as IDataObject,
				workflowId: fixture.id,
				nodeId: node.id,
			};
			const spec =
				'robotMessage' in request
					? robotRequest(credentials, request.robotMessage, context)
					: eventRequest(credentials, request.event, context);
			const run = await runWebhook(spec);
			expect(run.logger.warn).not.toHaveBeenCalled();
			expect(run.result.workflowData).toEqual([fixture.pinData[name]]);
		},
	);
});
