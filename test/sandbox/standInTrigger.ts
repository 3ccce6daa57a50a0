import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import type { TestCredentials } from '../nodes/DingTalkTrigger/support/requests';
import { runWebhook } from '../nodes/DingTalkTrigger/support/webhookContext';

/**
 * A tiny HTTP server that runs the real DingTalk Trigger node's webhook() for every POST, the
 * way n8n would, and answers with what the node decided. Items that would start an execution
 * are recorded, and `onItem` plays the workflow (e.g. a reply through the session webhook)
 * before the answer is sent, so tests need not poll.
 */
export interface StandInTrigger {
	url: string;
	items: IDataObject[];
	close(): Promise<void>;
}

export interface StandInOptions {
	mode: 'robot' | 'event';
	credentials: TestCredentials;
	parameters?: IDataObject;
	onItem?: (item: IDataObject) => Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export async function startStandInTrigger(options: StandInOptions): Promise<StandInTrigger> {
	const items: IDataObject[] = [];
	// A node id of its own keeps the trigger's duplicate cache apart from other stand-ins.
	const nodeId = randomUUID();
	const server = createServer(async (request, response) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const run = await runWebhook({
			parameters: { mode: options.mode, ...options.parameters },
			credentials: options.credentials,
			headers: request.headers,
			query: Object.fromEntries(url.searchParams),
			rawBody: await readBody(request),
			nodeId,
		});
		let status = 200;
		let body: unknown = run.result.webhookResponse ?? '';
		if (run.response.statusCalls > 0) {
			status = run.response.statusCode ?? 500;
			body = run.response.body;
		}
		for (const item of run.result.workflowData?.[0] ?? []) {
			items.push(item.json);
			await options.onItem?.(item.json);
		}
		response.writeHead(status, { 'Content-Type': 'application/json' });
		response.end(JSON.stringify(body));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/webhook/stand-in/webhook`,
		items,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
