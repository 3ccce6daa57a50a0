// `npm run dev`: n8n on http://127.0.0.1:5678 with this package, the DingTalk sandbox on
// http://127.0.0.1:5680, credentials pointing at the sandbox and the example workflows imported
// (scripts/dev-environment.ts). Prints where everything is; Ctrl-C stops n8n and the sandbox.
//
//   N8N_DEV_PORT           n8n's port (default 5678)
//   DINGTALK_SANDBOX_PORT  the sandbox's port (default 5680)
//   DINGTALK_MODEL_PORT    the stand-in OpenAI-compatible chat model's port (default 5681)
//
// `npm run dev:newest` runs it on the newest tested n8n (N8N_E2E_PIN=pinned-n8n-newest, on the
// pinned Node 24), with its own data in .dev/n8n-<version>: a database n8n 2.41 migrated cannot
// go back to 2.8.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import type { FakeChatModel } from '../test/fake-dingtalk/fakeChatModel';
import type { RunningSandbox } from '../test/fake-dingtalk/startSandbox';
import { startDevEnvironment, type DevEnvironment } from './dev-environment';
import type { N8nInstance } from './n8n-instance';
import { n8nPinDir, n8nVersion, repoRoot, tail } from './n8n-runtime';

const N8N_PORT = Number(process.env.N8N_DEV_PORT || 5678);
const SANDBOX_PORT = Number(process.env.DINGTALK_SANDBOX_PORT || 5680);
const MODEL_PORT = Number(process.env.DINGTALK_MODEL_PORT || 5681);
const DEV_DIR =
	n8nPinDir() === path.join(repoRoot(), 'scripts', 'pinned-n8n')
		? path.join(repoRoot(), '.dev')
		: path.join(repoRoot(), '.dev', `n8n-${n8nVersion()}`);

const relative = (file: string) => path.relative(process.cwd(), file) || '.';

async function assertPortFree(port: number, what: string, variable: string): Promise<void> {
	const server = net.createServer();
	try {
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => resolve());
		});
	} catch (error) {
		throw new Error(
			`Port ${port} for ${what} is in use (${(error as NodeJS.ErrnoException).code}). Stop the other process, or choose another port with ${variable}=<port>.`,
		);
	} finally {
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
}

function banner(env: DevEnvironment): string {
	const { n8n, sandbox, state, owner, examples, targets } = env;
	const isPublished = (id: string) => n8n.published.includes(id);
	const webhookExamples = examples.flatMap((example) =>
		example.nodes
			.filter((node) => node.type === 'n8n-nodes-base.webhook' && !node.disabled)
			.map((node) => ({ example, path: String(node.parameters.path) })),
	);
	const lines = [
		'',
		`DingTalk nodes for n8n: the development environment is running (n8n ${n8nVersion()} on Node ${process.version})`,
		'',
		`  n8n               ${n8n.baseUrl}`,
		`                    log in as ${state.owner.email} / ${state.owner.password}`,
		owner === 'created'
			? '                    (owner account created for this folder)'
			: '                    (owner account of an earlier run; if you changed its password, use yours)',
		`  DingTalk sandbox  ${sandbox.pageUrl}`,
		'                    shows what the robots sent; fires robot @-messages and encrypted events,',
		`                    and plays the Stream gateway (${sandbox.stream.liveConnections().length} live Stream connection(s))`,
		`  Stand-in model    ${env.model.baseUrl} (OpenAI-compatible, streams; credential "Sandbox stand-in chat model")`,
		'                    for an AI Agent with the OpenAI Chat Model node, model fake-gpt, no network',
		'',
		`  Credentials "${env.credentials.map((credential) => credential.name).join('", "')}" point at the sandbox.`,
		`  Example workflows (${examples.length}, ${examples.filter((e) => isPublished(e.id)).length} published):`,
		...examples.map(
			(example) => `    - ${example.name}${isPublished(example.id) ? '' : ' (not published)'}`,
		),
		'',
		'  Try it:',
	];
	if (targets.robot && targets.robotUrl) {
		lines.push(
			`    - On the sandbox page, "Fire a robot @-message" with /help: "${targets.robot.workflow.name}"`,
			`      answers on the page. Its trigger URL: ${targets.robotUrl}`,
		);
	}
	if (targets.event && targets.eventUrl) {
		lines.push(
			`    - "Fire an encrypted event" user_add_org: "${targets.event.workflow.name}" posts a welcome.`,
			`      Its trigger URL: ${targets.eventUrl}`,
		);
	}
	for (const example of targets.stream) {
		lines.push(
			`    - "Send over Stream" with /help: "${example.name}" answers on the page.`,
			"      Its DingTalk Stream Trigger connected out to the sandbox's gateway: no URL needed.",
		);
	}
	if (webhookExamples.some(({ path: webhookPath }) => webhookPath === 'alert-acknowledge')) {
		lines.push(
			`    - POST an alert to ${n8n.webhookUrl('alert-acknowledge')}, then click its card's Acknowledge`,
			'      under "Interactive cards" on the sandbox page as a stand-in person: the card says who.',
		);
	}
	for (const { example, path: webhookPath } of webhookExamples) {
		lines.push(`    - POST ${n8n.webhookUrl(webhookPath)}  (${example.name})`);
	}
	if (webhookExamples.some(({ path: webhookPath }) => webhookPath === 'alert-relay')) {
		lines.push(
			`      e.g. curl -X POST ${n8n.webhookUrl('alert-relay')} -H 'Content-Type: application/json' \\`,
			`           -d '{"title":"Disk almost full","content":"db-1 at 93%","level":"warning"}'`,
		);
	}
	lines.push(
		'',
		`  n8n keeps its data in ${relative(n8n.userFolder)} (delete ${relative(env.devDir)} to start over); log: ${relative(env.logFile)}`,
		'  Stop: Ctrl-C (stops n8n and the sandbox)',
		'',
	);
	return lines.join('\n');
}

async function main(): Promise<void> {
	const started: { n8n?: N8nInstance; sandbox?: RunningSandbox; model?: FakeChatModel } = {};
	let stopping: Promise<void> | undefined;
	const stopAll = async () => {
		stopping ??= (async () => {
			await started.n8n?.stop();
			await started.sandbox?.stop();
			await started.model?.stop();
		})();
		await stopping;
	};

	const onSignal = (reason: string) => {
		if (stopping) {
			console.log(`\n${reason} again: killing n8n now.`);
			// The exit guards of the harness kill n8n's process group.
			process.exit(130);
		}
		console.log(`\n${reason}: stopping n8n and the sandbox...`);
		stopAll().then(
			() => {
				console.log('Stopped.');
				process.exit(0);
			},
			(error: Error) => {
				console.error(`Could not stop cleanly: ${error.message}`);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', () => onSignal('SIGINT'));
	process.on('SIGTERM', () => onSignal('SIGTERM'));
	process.on('SIGHUP', () => onSignal('SIGHUP'));
	// npm runs this under `sh -c`: a SIGTERM to npm ends the shell but not this process. Once the
	// parent is gone, stop rather than leave n8n running.
	const parent = process.ppid;
	setInterval(() => {
		if (process.ppid !== parent && !stopping) onSignal('Parent process gone');
	}, 1000).unref();

	try {
		await assertPortFree(N8N_PORT, 'n8n', 'N8N_DEV_PORT');
		await assertPortFree(SANDBOX_PORT, 'the DingTalk sandbox', 'DINGTALK_SANDBOX_PORT');
		await assertPortFree(MODEL_PORT, 'the stand-in chat model', 'DINGTALK_MODEL_PORT');
		const env = await startDevEnvironment({
			devDir: DEV_DIR,
			n8nPort: N8N_PORT,
			sandboxPort: SANDBOX_PORT,
			modelPort: MODEL_PORT,
			log: (line) => console.log(line.replace(`${repoRoot()}/`, '')),
			started,
		});
		console.log(banner(env));

		await env.n8n.waitForExit();
		if (!stopping) {
			console.error(`n8n stopped unexpectedly. Last lines of ${relative(env.logFile)}:`);
			console.error(tail(fs.readFileSync(env.logFile, 'utf8')));
			await stopAll();
			process.exit(1);
		}
	} catch (error) {
		if (stopping) return;
		console.error(`npm run dev failed: ${(error as Error).message}`);
		await stopAll();
		process.exit(1);
	}
}

void main();
