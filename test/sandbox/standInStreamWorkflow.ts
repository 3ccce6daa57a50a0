import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { DingTalkStreamTrigger } from '../../nodes/DingTalkStreamTrigger/DingTalkStreamTrigger.node';
import { activateTrigger, type ActivatedTrigger } from '../helpers/runTrigger';
import { runNode } from '../helpers/runNode';

/**
 * examples/stream-command-bot.json played without n8n: its DingTalk Stream Trigger (the real node,
 * activated through n8n-core's TriggersAndPollers with the example's parameters) connects to the
 * gateway behind the credential's API Base URL, and every item it emits runs the example's Reply
 * node (the real DingTalk Robot node) the way n8n's execution would.
 */

interface WorkflowNode {
	name: string;
	type: string;
	parameters: INodeParameters;
}

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'stream-command-bot.json');

export interface StandInStreamWorkflow {
	trigger: ActivatedTrigger;
	/** What the Reply node returned, per execution. */
	replies: IDataObject[];
	/** Execution failures (a Reply that threw). */
	failures: Error[];
	/** Resolves when every execution started so far has finished. */
	settled(): Promise<void>;
	close(): Promise<void>;
}

export async function startStandInStreamWorkflow(
	credentials: Record<string, ICredentialDataDecryptedObject>,
): Promise<StandInStreamWorkflow> {
	const workflow = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { nodes: WorkflowNode[] };
	const node = (name: string) => {
		const found = workflow.nodes.find((entry) => entry.name === name);
		if (!found) throw new Error(`examples/stream-command-bot.json has no node "${name}"`);
		return found;
	};
	const replies: IDataObject[] = [];
	const failures: Error[] = [];
	const running = new Set<Promise<void>>();
	const execute = async (items: IDataObject[]) => {
		try {
			const { output } = await runNode({
				parameters: node('Reply').parameters,
				items,
				credentials,
			});
			replies.push(...output.map((item) => item.json));
		} catch (error) {
			failures.push(error as Error);
		}
	};
	const trigger = await activateTrigger({
		nodeType: new DingTalkStreamTrigger(),
		typeName: node('DingTalk Stream Trigger').type,
		parameters: node('DingTalk Stream Trigger').parameters,
		credentials,
		nodeId: 'stand-in-stream-trigger',
		onEmit: (items) => {
			const execution = execute(items).finally(() => running.delete(execution));
			running.add(execution);
		},
	});
	return {
		trigger,
		replies,
		failures,
		settled: async () => {
			while (running.size > 0) await Promise.all([...running]);
		},
		close: () => trigger.close(),
	};
}
