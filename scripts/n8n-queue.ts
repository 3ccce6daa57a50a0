// n8n 2.8.4 in queue mode on one machine: Postgres and Redis from scripts/queue-services.sh, one
// main (`n8n start`, production webhooks off), one webhook process (`n8n webhook`) and two workers
// (`n8n worker`), all with one encryption key and one user folder (the community package in it).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { N8nInstance, statusOf, type N8nInstanceOptions } from './n8n-instance';
import {
	freePort,
	killGroup,
	n8nBin,
	n8nEnv,
	repoRoot,
	requireFromN8n,
	runN8nCli,
	tail,
} from './n8n-runtime';

const execFileAsync = promisify(execFile);

interface PgClient {
	connect(): Promise<void>;
	query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
	end(): Promise<void>;
}

export interface QueueProcess {
	role: 'webhook' | 'webhook-2' | 'worker-1' | 'worker-2';
	child: ChildProcess;
	logFile: string;
	port: number;
}

export interface QueueCluster {
	main: N8nInstance;
	processes: QueueProcess[];
	/** A production webhook URL on the webhook process `role` (the first one unless told). */
	webhookUrl(webhookPath: string, role?: 'webhook' | 'webhook-2'): string;
	/** SQL against the cluster's Postgres database. */
	query<T>(sql: string, params?: unknown[]): Promise<T[]>;
	log(role: QueueProcess['role']): string;
	stop(): Promise<void>;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000) {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

export async function startQueueCluster(
	options: Omit<N8nInstanceOptions, 'env' | 'publish' | 'publishWith'> & {
		publish: string[];
		/** A second `n8n webhook` process, as behind a load balancer (default: one). */
		secondWebhook?: boolean;
		/**
		 * The port of the (first) webhook process, when a workflow must name its address before
		 * the cluster starts (e.g. the Stream trigger's "n8n Address for Card Answers").
		 */
		webhookPort?: number;
	},
): Promise<QueueCluster> {
	const servicesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-services-'));
	const script = path.join(repoRoot(), 'scripts', 'queue-services.sh');
	const stopServices = async () => {
		await execFileAsync('bash', [script, 'stop', servicesDir]);
		fs.rmSync(servicesDir, { recursive: true, force: true });
	};
	const { stdout } = await execFileAsync('bash', [script, 'start', servicesDir]);
	const ports = Object.fromEntries(
		stdout
			.trim()
			.split('\n')
			.map((line) => line.split('=')),
	) as { POSTGRES_PORT: string; REDIS_PORT: string };
	const env: Record<string, string> = {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: ports.POSTGRES_PORT,
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: ports.REDIS_PORT,
		N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
	};
	const processes: QueueProcess[] = [];
	let main: N8nInstance | undefined;
	const stopAll = async () => {
		for (const entry of processes) killGroup(entry.child.pid, 'SIGTERM');
		await Promise.all(
			processes.map(
				async (entry) =>
					await new Promise<void>((resolve) => {
						if (entry.child.exitCode !== null || entry.child.signalCode !== null) resolve();
						else entry.child.once('exit', () => resolve());
						setTimeout(() => {
							killGroup(entry.child.pid, 'SIGKILL');
							resolve();
						}, 15_000).unref();
					}),
			),
		);
		await main?.stop();
		await stopServices();
	};
	try {
		// Imports (credentials, workflows) go to Postgres through the CLI; publishing too, before
		// any process starts, so the webhook process serves the workflows from its start.
		main = await N8nInstance.create({ ...options, env, publish: [] });
		for (const workflowId of options.publish) {
			const result = await runN8nCli(
				['publish:workflow', `--id=${workflowId}`],
				n8nEnv({
					userFolder: main.userFolder,
					port: main.port,
					brokerPort: await freePort(),
					extra: env,
				}),
				{ cwd: main.userFolder },
			);
			if (result.code !== 0)
				throw new Error(`publish:workflow ${workflowId}:\n${tail(result.output)}`);
		}
		await main.start();
		const logDir = path.dirname(main.logFile);
		const roles: Array<QueueProcess['role']> = options.secondWebhook
			? ['webhook', 'webhook-2', 'worker-1', 'worker-2']
			: ['webhook', 'worker-1', 'worker-2'];
		const processPorts = new Map<string, number>();
		for (const role of roles) {
			processPorts.set(
				role,
				role === 'webhook' && options.webhookPort ? options.webhookPort : await freePort(),
			);
		}
		// What a load balancer in front of the webhook processes would be: the URL every process
		// puts into links back to n8n, such as Send and Wait's resume URLs built on a worker.
		const webhookUrl = `http://127.0.0.1:${processPorts.get('webhook')}/`;
		for (const role of roles) {
			const port = processPorts.get(role)!;
			const logFile = path.join(logDir, `${role}.log`);
			const log = fs.openSync(logFile, 'a');
			const extra = {
				...env,
				WEBHOOK_URL: webhookUrl,
				QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
			};
			const child = spawn(
				process.execPath,
				[n8nBin(), ...(role.startsWith('webhook') ? ['webhook'] : ['worker', '--concurrency=5'])],
				{
					cwd: main.userFolder,
					env: n8nEnv({ userFolder: main.userFolder, port, brokerPort: await freePort(), extra }),
					stdio: ['ignore', log, log],
					detached: true,
				},
			);
			fs.closeSync(log);
			process.once('exit', () => killGroup(child.pid, 'SIGKILL'));
			processes.push({
				role,
				child,
				logFile,
				port: role.startsWith('webhook') ? port : Number(extra.QUEUE_HEALTH_CHECK_PORT),
			});
		}
		for (const entry of processes) {
			// The webhook process looks webhooks up in the database per request: ready is serving.
			const url = `http://127.0.0.1:${entry.port}/healthz/readiness`;
			await waitFor(`${entry.role} answers ${url}`, async () => {
				if (entry.child.exitCode !== null) {
					throw new Error(`${entry.role} exited:\n${tail(fs.readFileSync(entry.logFile, 'utf8'))}`);
				}
				return (await statusOf(url)) === 200;
			});
		}
	} catch (error) {
		await stopAll();
		throw error;
	}
	const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
		const { Client } = requireFromN8n<{ Client: new (config: object) => PgClient }>('pg');
		const client = new Client({
			host: '127.0.0.1',
			port: Number(ports.POSTGRES_PORT),
			user: 'postgres',
			database: 'n8n',
		});
		await client.connect();
		try {
			return (await client.query<T>(sql, params)).rows;
		} finally {
			await client.end();
		}
	};
	return {
		main: main,
		processes,
		webhookUrl: (webhookPath, role = 'webhook') => {
			const entry = processes.find((candidate) => candidate.role === role);
			if (!entry) throw new Error(`The cluster has no ${role} process`);
			return `http://127.0.0.1:${entry.port}/webhook/${webhookPath.replace(/^\/+/, '')}`;
		},
		query,
		log: (role) => fs.readFileSync(processes.find((entry) => entry.role === role)!.logFile, 'utf8'),
		stop: stopAll,
	};
}
