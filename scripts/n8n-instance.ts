// A real, isolated n8n for the e2e suite, `npm run dev` and benchmarks: its own user folder and
// SQLite database, the packed package installed as a community node, credentials and workflows
// imported with n8n's CLI and published, then `n8n start` on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { databaseFile, queryDatabase, updateDatabase } from './n8n-database';
import { ExecutionStore, type ExecutionData, type ExecutionDetail } from './n8n-executions';
import { installPackage, packPackage } from './n8n-package';
import {
	assertN8nInstalled,
	freePort,
	killGroup,
	n8nBin,
	n8nEnv,
	n8nVersion,
	repoRoot,
	runN8nCli,
	tail,
	type CliResult,
} from './n8n-runtime';

export interface CredentialFixture {
	id: string;
	name: string;
	type: string;
	/** Plain values; n8n encrypts them with the instance key on import. */
	data: Record<string, unknown>;
	/** ISO time stored as the credential's last change. Default: the time of the import. */
	updatedAt?: string;
}

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	webhookId?: string;
	disabled?: boolean;
	credentials?: Record<string, { id: string; name: string }>;
}

export interface WorkflowFixture {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface N8nInstanceOptions {
	/** Names the folder that keeps logs when something fails: test-results/e2e/<name>/. */
	name: string;
	credentials?: CredentialFixture[];
	workflows?: WorkflowFixture[];
	/** Workflows to publish (activate). Default: every workflow with a webhook-based trigger. */
	publish?: string[];
	/**
	 * How to publish. 'database' (default) does in one transaction what `n8n publish:workflow` does
	 * (active = 1, activeVersionId = the saved version), instead of one 5 s CLI run per workflow.
	 */
	publishWith?: 'database' | 'cli';
	/**
	 * For a kept user folder (npm run dev): workflows whose id the database already holds are neither
	 * imported nor published again, so edits survive; they count as published only while active.
	 */
	keepExistingWorkflows?: boolean;
	/** Default: a free ephemeral port. */
	port?: number;
	/** A folder to keep (npm run dev). Default: a fresh temp folder that stop() deletes. */
	userFolder?: string;
	/**
	 * The packed package to install. Default: $N8N_E2E_PACKAGE_TARBALL (packed once by the e2e
	 * global setup), else packed now. `false`: built-in nodes only.
	 */
	packageTarball?: string | false;
	/** Extra n8n environment variables. */
	env?: Record<string, string>;
	/** Default: <repo>/test-results/e2e. */
	artifactsDir?: string;
	/** Where n8n's output goes. Default: a file in the temp folder that stop() deletes. */
	logFile?: string;
}

export interface ExecuteResult {
	/** Exit code of `n8n execute` (null when a signal ended it): 0 when the workflow succeeded. */
	exitCode: number | null;
	/** The signal that ended the command, if one did. */
	signal: NodeJS.Signals | null;
	/** The execution the command saved; its status is the verdict on the run. */
	saved: ExecutionDetail;
	/** What `--rawOutput` printed, when the command got that far. */
	printed?: { status: string; data: ExecutionData };
	/** Everything the command printed (for failure messages). */
	output: string;
}

export interface Timings {
	installPackageMs?: number;
	importMs?: number;
	publishMs?: number;
	prepareMs?: number;
	startToHealthyMs?: number;
	startToReadyMs?: number;
}

interface RegisteredWebhook {
	workflowId: string;
	node: string;
	method: string;
	webhookPath: string;
	webhookId: string | null;
}

const ACTIVATION_FAILURE =
	/Issue on initial workflow activation|could not be activated|Unable to initialize workflow/i;

function hasWebhookTrigger(workflow: WorkflowFixture): boolean {
	return webhookTriggerNodes(workflow).length > 0;
}

/** Nodes that register a production webhook when their workflow is published. */
function webhookTriggerNodes(workflow: WorkflowFixture): WorkflowNode[] {
	return workflow.nodes.filter(
		(node) =>
			!node.disabled &&
			node.webhookId !== undefined &&
			(node.type === 'n8n-nodes-base.webhook' || /trigger$/i.test(node.type)),
	);
}

/** Status of a request, or undefined when nothing answers; the body is drained so no socket lingers. */
export async function statusOf(url: string, init?: RequestInit): Promise<number | undefined> {
	try {
		const response = await fetch(url, init);
		await response.arrayBuffer();
		return response.status;
	} catch {
		return undefined;
	}
}

/** Workflow ids in an existing user folder's database, each with whether it is published. */
async function existingWorkflows(userFolder: string): Promise<Map<string, boolean>> {
	if (!fs.existsSync(databaseFile(userFolder))) return new Map();
	const rows = await queryDatabase<{ id: string; active: number }>(
		userFolder,
		'SELECT id, active FROM workflow_entity',
	);
	return new Map(rows.map((row) => [row.id, row.active === 1]));
}

/** The run `n8n execute --rawOutput` prints as pretty JSON: a line "{" up to the first line "}". */
function printedRun(output: string): { status: string; data: ExecutionData } | undefined {
	const lines = output.split('\n');
	const start = lines.indexOf('{');
	const end = start === -1 ? -1 : lines.indexOf('}', start);
	if (end === -1) return undefined;
	return JSON.parse(lines.slice(start, end + 1).join('\n')) as {
		status: string;
		data: ExecutionData;
	};
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

export class N8nInstance {
	readonly executions: ExecutionStore;

	readonly timings: Timings = {};

	private process: ChildProcess | undefined;

	private exited: Promise<void> | undefined;

	/** Workflows of a kept user folder, not imported this time (their nodes may have changed). */
	private readonly kept = new Set<string>();

	private readonly exitGuard = () => killGroup(this.process?.pid, 'SIGKILL');

	private constructor(
		readonly options: N8nInstanceOptions,
		readonly port: number,
		readonly userFolder: string,
		/** Temp folder for the log, the import files and (unless one is given) the user folder. */
		private readonly scratchDir: string,
		readonly logFile: string,
		readonly published: string[],
	) {
		this.executions = new ExecutionStore(userFolder);
	}

	/** Process id of `n8n start` (also its process group id) while it runs. */
	get pid(): number | undefined {
		return this.process?.pid;
	}

	/** Resolves when `n8n start` has exited; at once when it never ran. */
	async waitForExit(): Promise<void> {
		await this.exited;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Production webhook URL, e.g. webhookUrl('alerts') or webhookUrl(`${webhookId}/webhook`). */
	webhookUrl(webhookPath: string): string {
		return `${this.baseUrl}/webhook/${webhookPath.replace(/^\/+/, '')}`;
	}

	/** Prepares the user folder (package, credentials, workflows, publishing) without starting n8n. */
	static async create(options: N8nInstanceOptions): Promise<N8nInstance> {
		assertN8nInstalled();
		const began = Date.now();
		const scratchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
		const userFolder = options.userFolder ?? path.join(scratchDir, 'user');
		fs.mkdirSync(userFolder, { recursive: true });
		const requested = options.workflows ?? [];
		const toPublish =
			options.publish ?? requested.filter(hasWebhookTrigger).map((workflow) => workflow.id);
		const existing = options.keepExistingWorkflows
			? await existingWorkflows(userFolder)
			: new Map<string, boolean>();
		const workflows = requested.filter((workflow) => !existing.has(workflow.id));
		const newlyPublished = toPublish.filter((id) => !existing.has(id));
		const published = toPublish.filter((id) => !existing.has(id) || existing.get(id) === true);
		const instance = new N8nInstance(
			options,
			options.port ?? (await freePort()),
			userFolder,
			scratchDir,
			options.logFile ?? path.join(scratchDir, 'n8n.log'),
			published,
		);
		for (const id of existing.keys()) instance.kept.add(id);
		fs.mkdirSync(path.dirname(instance.logFile), { recursive: true });
		const timed = async (key: keyof Timings, step: () => Promise<void>) => {
			const stepBegan = Date.now();
			await step();
			instance.timings[key] = Date.now() - stepBegan;
		};
		try {
			if (options.userFolder) {
				// A kept folder may hold other community nodes: install in place.
				await timed('installPackageMs', async () => await instance.installPackage(scratchDir));
				await timed('importMs', async () => await instance.importFixtures(scratchDir, workflows));
			} else {
				// A fresh folder: npm installs into a staging folder while the n8n CLI imports (the CLI
				// must not load a half-installed package), then the result moves into place.
				const staging = path.join(scratchDir, 'staging');
				await Promise.all([
					timed('installPackageMs', async () => await instance.installPackage(scratchDir, staging)),
					timed('importMs', async () => await instance.importFixtures(scratchDir, workflows)),
				]);
				const nodesDir = path.join(staging, '.n8n', 'nodes');
				if (fs.existsSync(nodesDir)) {
					const target = path.join(userFolder, '.n8n', 'nodes');
					fs.rmSync(target, { recursive: true, force: true });
					fs.renameSync(nodesDir, target);
				}
			}
			await timed('publishMs', async () => await instance.publish(newlyPublished));
		} catch (error) {
			await instance.stop({
				failures: [`preparing n8n: ${(error as Error).message.split('\n')[0]}`],
			});
			throw error;
		}
		instance.timings.prepareMs = Date.now() - began;
		return instance;
	}

	/** `create` + `start`. */
	static async launch(options: N8nInstanceOptions): Promise<N8nInstance> {
		const instance = await N8nInstance.create(options);
		try {
			await instance.start();
		} catch (error) {
			await instance.stop({
				failures: [`starting n8n: ${(error as Error).message.split('\n')[0]}`],
			});
			throw error;
		}
		return instance;
	}

	/** Runs `n8n start` and resolves once n8n is fully up and every published webhook is served. */
	async start(options: { timeoutMs?: number } = {}): Promise<void> {
		if (this.process) throw new Error('n8n is already running');
		const timeoutMs = options.timeoutMs ?? 120_000;
		const env = n8nEnv({
			userFolder: this.userFolder,
			port: this.port,
			brokerPort: await freePort(),
			extra: this.options.env,
		});
		const log = fs.openSync(this.logFile, 'a');
		fs.writeSync(log, `\n===== n8n start (port ${this.port}) at ${new Date().toISOString()}\n`);
		const began = Date.now();
		// Its own process group, so stop() reaches the task runners n8n spawns as well.
		// Dev tooling, never shipped: the rule is meant for node code.
		const child = spawn(process.execPath, [n8nBin(), 'start'], {
			cwd: this.userFolder,
			env,
			stdio: ['ignore', log, log],
			detached: true,
		});
		fs.closeSync(log);
		this.process = child;
		this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
		process.once('exit', this.exitGuard);

		const deadline = began + timeoutMs;
		// /healthz answers 200 while migrations still run; readiness waits for them.
		await this.waitUntil(
			'GET /healthz/readiness answers 200',
			deadline,
			async () => (await statusOf(`${this.baseUrl}/healthz/readiness`)) === 200,
		);
		this.timings.startToHealthyMs = Date.now() - began;
		// The REST controllers (and the editor) are mounted last; until then /rest/* answers 404.
		await this.waitUntil(
			'GET /rest/settings answers 200',
			deadline,
			async () => (await statusOf(`${this.baseUrl}/rest/settings`)) === 200,
		);
		await this.waitForPublishedWebhooks(deadline);
		this.timings.startToReadyMs = Date.now() - began;
	}

	/**
	 * Runs a saved workflow from its Manual Trigger with `n8n execute --rawOutput` (a separate
	 * process, beside a running `n8n start` or without one) and returns the execution it saved,
	 * read back from the database once the command has ended however it ended (n8n 2.41 on Node 24
	 * can crash at shutdown after a successful run), and what it printed.
	 */
	async execute(workflowId: string, options: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
		const before = new Set((await this.executions.list(workflowId)).map((e) => e.id));
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], {
			allowFailure: true,
			timeoutMs: options.timeoutMs,
		});
		const ended = result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
		const added = (await this.executions.list(workflowId)).filter((e) => !before.has(e.id));
		if (added.length !== 1) {
			throw new Error(
				`n8n execute (${ended}) saved ${added.length} executions of workflow ${workflowId}, expected 1:\n${tail(result.output)}`,
			);
		}
		return {
			exitCode: result.code,
			signal: result.signal,
			saved: await this.executions.get(added[0].id),
			printed: printedRun(result.output),
			output: result.output,
		};
	}

	/**
	 * Stops n8n and its task runners and deletes the temp folder (and with it a temp user folder;
	 * one given in the options is kept). With failures, n8n's log and a short
	 * summary are kept under test-results/e2e/<name>/ first.
	 */
	async stop(options: { failures?: string[] } = {}): Promise<void> {
		const child = this.process;
		if (child && child.exitCode === null && child.signalCode === null) {
			killGroup(child.pid, 'SIGTERM');
			let timer: NodeJS.Timeout | undefined;
			const stopped = await Promise.race([
				this.exited!.then(() => true),
				new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 15_000))),
			]);
			clearTimeout(timer);
			if (!stopped) {
				fs.appendFileSync(
					this.logFile,
					'\n===== n8n did not stop within 15 s of SIGTERM; killed\n',
				);
			}
		}
		// The main process may be gone while a task runner of its group lingers.
		killGroup(child?.pid, 'SIGKILL');
		process.removeListener('exit', this.exitGuard);
		this.process = undefined;

		if (options.failures && options.failures.length > 0) {
			await this.keepArtifacts(options.failures);
		}
		// A user folder given in the options lives elsewhere and is kept.
		fs.rmSync(this.scratchDir, { recursive: true, force: true });
	}

	/** Where logs are kept when something fails. */
	get artifactsDir(): string {
		const root = this.options.artifactsDir ?? path.join(repoRoot(), 'test-results', 'e2e');
		return path.join(root, this.options.name.replace(/[^\w.-]+/g, '-'));
	}

	private async installPackage(scratchDir: string, into = this.userFolder): Promise<void> {
		let tarball = this.options.packageTarball;
		if (tarball === false) return;
		tarball ??=
			process.env.N8N_E2E_PACKAGE_TARBALL || (await packPackage(path.join(scratchDir, 'pack')));
		await installPackage(into, tarball);
	}

	private async publish(workflowIds: string[]): Promise<void> {
		if (workflowIds.length === 0) return;
		if (this.options.publishWith === 'cli') {
			for (const workflowId of workflowIds) {
				await this.cli(['publish:workflow', `--id=${workflowId}`]);
			}
			return;
		}
		// WorkflowRepository.publishVersion of n8n 2.8: the current version must be in the history.
		const changes = await updateDatabase(
			this.userFolder,
			workflowIds.map((workflowId) => ({
				sql: `UPDATE workflow_entity SET active = 1, activeVersionId = versionId
				      WHERE id = ? AND versionId IN
				        (SELECT versionId FROM workflow_history WHERE workflowId = ?)`,
				params: [workflowId, workflowId],
			})),
		);
		const missing = workflowIds.filter((_, index) => changes[index] !== 1);
		if (missing.length > 0) {
			throw new Error(`Cannot publish ${missing.join(', ')}: not imported, or no saved version`);
		}
		fs.appendFileSync(this.logFile, `\n===== published ${workflowIds.join(', ')}\n`);
	}

	private async importFixtures(scratchDir: string, workflows: WorkflowFixture[]): Promise<void> {
		const importDir = path.join(scratchDir, 'import');
		if (this.options.credentials?.length) {
			const file = path.join(importDir, 'credentials.json');
			fs.mkdirSync(importDir, { recursive: true });
			fs.writeFileSync(file, JSON.stringify(this.options.credentials), { mode: 0o600 });
			try {
				await this.cli(['import:credentials', `--input=${file}`]);
			} finally {
				fs.rmSync(file, { force: true });
			}
		}
		if (workflows.length > 0) {
			const dir = path.join(importDir, 'workflows');
			fs.mkdirSync(dir, { recursive: true });
			for (const workflow of workflows) {
				fs.writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
			}
			await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		}
	}

	/** Runs an n8n CLI command against this instance's folder; its output goes to the log. */
	private async cli(
		args: string[],
		options: { allowFailure?: boolean; timeoutMs?: number } = {},
	): Promise<CliResult> {
		const env = n8nEnv({
			userFolder: this.userFolder,
			port: this.port,
			// Its own task broker, so the command can run beside `n8n start`.
			brokerPort: await freePort(),
			extra: this.options.env,
		});
		const result = await runN8nCli(args, env, {
			cwd: this.userFolder,
			timeoutMs: options.timeoutMs,
		});
		fs.appendFileSync(
			this.logFile,
			`\n===== n8n ${args.join(' ')} (exit ${result.code})\n${result.output}`,
		);
		if (result.code !== 0 && !options.allowFailure) {
			throw new Error(
				`n8n ${args.join(' ')} failed (exit ${result.code}):\n${tail(result.output)}`,
			);
		}
		return result;
	}

	private async waitForPublishedWebhooks(deadline: number): Promise<void> {
		const workflows = (this.options.workflows ?? []).filter((workflow) =>
			this.published.includes(workflow.id),
		);
		const expected = workflows
			.filter((workflow) => !this.kept.has(workflow.id))
			.flatMap((workflow) =>
				webhookTriggerNodes(workflow).map((node) => ({ workflowId: workflow.id, node: node.name })),
			);
		if (workflows.length === 0) return;
		let registered: RegisteredWebhook[] = [];
		await this.waitUntil('the published workflows register their webhooks', deadline, async () => {
			registered = await this.registeredWebhooks(workflows.map((workflow) => workflow.id));
			return expected.every((want) =>
				registered.some((row) => row.workflowId === want.workflowId && row.node === want.node),
			);
		});
		// Registered in the database is not yet served: until the webhook router is up, n8n answers 404.
		// OPTIONS (the CORS preflight) answers 204 once a webhook is served and never starts an execution.
		for (const webhook of registered.filter((row) => !row.webhookPath.includes(':'))) {
			const url = this.webhookUrl(webhook.webhookPath);
			await this.waitUntil(`OPTIONS ${url} stops answering 404`, deadline, async () => {
				const status = await statusOf(url, {
					method: 'OPTIONS',
					headers: { 'Access-Control-Request-Method': webhook.method },
				});
				return status !== undefined && status !== 404;
			});
		}
	}

	private async registeredWebhooks(workflowIds: string[]): Promise<RegisteredWebhook[]> {
		// The table exists once migrations ran; n8n start fills it while activating workflows.
		return await queryDatabase<RegisteredWebhook>(
			this.userFolder,
			`SELECT workflowId, node, method, webhookPath, webhookId FROM webhook_entity
			 WHERE workflowId IN (${workflowIds.map(() => '?').join(',')})`,
			workflowIds,
		).catch(() => []);
	}

	private async waitUntil(
		what: string,
		deadline: number,
		check: () => Promise<boolean>,
	): Promise<void> {
		for (;;) {
			if (await check()) return;
			const log = fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
			if (this.process && (this.process.exitCode !== null || this.process.signalCode !== null)) {
				throw new Error(`n8n exited while waiting until ${what}:\n${tail(log)}`);
			}
			const failure = log.split('\n').find((line) => ACTIVATION_FAILURE.test(line));
			if (failure) throw new Error(`n8n could not activate a workflow: ${failure}\n${tail(log)}`);
			if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}:\n${tail(log)}`);
			await sleep(100);
		}
	}

	private async keepArtifacts(failures: string[]): Promise<void> {
		const dir = this.artifactsDir;
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		const log = fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '(no log)';
		fs.writeFileSync(path.join(dir, 'n8n.log'), log);
		const executions = await this.executions.list().catch(() => []);
		const workflows = this.options.workflows ?? [];
		const summary = [
			`# e2e: ${this.options.name}`,
			'',
			`n8n ${n8nVersion()} on ${this.baseUrl}, kept ${new Date().toISOString()}`,
			'',
			'## Failures',
			...failures.map((failure) => `- ${failure}`),
			'',
			'## Workflows',
			...workflows.map(
				(workflow) =>
					`- ${workflow.id} "${workflow.name}"${this.published.includes(workflow.id) ? ' (published)' : ''}`,
			),
			'',
			'## Executions',
			...(executions.length
				? executions.map((e) => `- #${e.id} workflow ${e.workflowId}: ${e.mode}, ${e.status}`)
				: ['- none']),
			'',
			'## Last lines of n8n.log',
			'```',
			tail(log, 40),
			'```',
			'',
		].join('\n');
		fs.writeFileSync(path.join(dir, 'summary.md'), summary);
	}
}

export type { CliResult };
