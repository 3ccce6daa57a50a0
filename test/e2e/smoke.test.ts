import * as fs from 'node:fs';
import * as path from 'node:path';

import { nodeOutput } from '../../scripts/n8n-executions';
import { PACKAGE_NAME, repoRoot, requireFromN8n } from '../../scripts/n8n-runtime';
import { loadWorkflow } from './support/fixtures';
import { useN8n } from './support/n8n';

const workflow = loadWorkflow('smoke-webhook-set');

describe('e2e harness: a real n8n with the packed package', () => {
	const n8n = useN8n(() => ({ name: 'smoke', workflows: [workflow] }));

	it('installs the packed package as a community node', () => {
		const installed = path.join(n8n().userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		const manifest = (file: string) =>
			JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string };
		expect(manifest(path.join(installed, 'package.json')).version).toBe(
			manifest(path.join(repoRoot(), 'package.json')).version,
		);
	});

	it("finds every n8n-workflow export the shipped code uses in this n8n's n8n-workflow", () => {
		// The package runs against the n8n-workflow of the n8n it is installed in (n8n 2.41's has
		// no sleepWithAbort, which the Stream trigger therefore only uses where it exists).
		const used = new Set<string>();
		const walk = (dir: string) => {
			for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
				const file = path.join(dir, entry.name);
				if (entry.isDirectory()) walk(file);
				else if (entry.name.endsWith('.js')) {
					const code = fs.readFileSync(file, 'utf8');
					for (const match of code.matchAll(/\bn8n_workflow_\d+\.(\w+)/g)) used.add(match[1]);
				}
			}
		};
		walk(path.join(repoRoot(), 'dist'));
		const runtime = requireFromN8n<Record<string, unknown>>('n8n-workflow');
		expect(used.size).toBeGreaterThan(3);
		expect([...used].filter((name) => runtime[name] === undefined)).toEqual([]);
	});

	it('runs a published webhook workflow once per request and records its output', async () => {
		const response = await fetch(n8n().webhookUrl('e2e-smoke'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'harness' }),
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ greeting: 'hello harness' });

		const [execution] = await n8n().executions.waitFor(workflow.id, 1);
		expect(execution).toMatchObject({
			workflowId: workflow.id,
			mode: 'webhook',
			status: 'success',
		});
		expect(nodeOutput(execution.data, 'Webhook')[0]).toMatchObject({ body: { name: 'harness' } });
		expect(nodeOutput(execution.data, 'Set')).toEqual([{ greeting: 'hello harness' }]);
	});

	it('stops n8n together with its task runners and deletes its folder', async () => {
		const { pid, userFolder, baseUrl } = n8n();
		expect(pid).toBeDefined();
		expect(groupIsAlive(pid!)).toBe(true);

		await n8n().stop();

		expect(groupIsAlive(pid!)).toBe(false);
		await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();
		expect(fs.existsSync(userFolder)).toBe(false);
	});
});

function groupIsAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}
