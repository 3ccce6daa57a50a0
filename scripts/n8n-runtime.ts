// Where the pinned n8n lives, the environment that isolates it, and how its CLI is run.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-dingtalk-robot';

/** Fixed so that CLI imports and `n8n start` agree; protects nothing but throw-away test data. */
export const E2E_ENCRYPTION_KEY = 'n8n-dingtalk-e2e-fixed-key-for-throwaway-data';

let cachedRepoRoot: string | undefined;

/** The package root, found by walking up (this file also runs compiled from another folder). */
export function repoRoot(): string {
	if (cachedRepoRoot) return cachedRepoRoot;
	let dir = __dirname;
	for (;;) {
		const manifest = path.join(dir, 'package.json');
		if (fs.existsSync(manifest)) {
			const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
			if (name === PACKAGE_NAME) return (cachedRepoRoot = dir);
		}
		const parent = path.dirname(dir);
		if (parent === dir)
			throw new Error(`Cannot find the ${PACKAGE_NAME} package root above ${__dirname}`);
		dir = parent;
	}
}

/**
 * The pin folder under scripts/ that scripts/n8n-install.sh installed: $N8N_E2E_PIN, else
 * pinned-n8n (2.8.4, the newest n8n whose engines allow Node 20); pinned-n8n-newest is 2.41.1 on
 * Node 24.
 */
export function n8nPinDir(): string {
	const pin = process.env.N8N_E2E_PIN || 'pinned-n8n';
	return path.isAbsolute(pin) ? pin : path.join(repoRoot(), 'scripts', pin);
}

interface PinManifest {
	dependencies: { n8n: string };
	n8nInstall?: { node?: string };
}

function pinManifest(): PinManifest {
	const file = path.join(n8nPinDir(), 'package.json');
	if (!fs.existsSync(file)) {
		throw new Error(
			`N8N_E2E_PIN=${process.env.N8N_E2E_PIN}: no ${file} (pins: pinned-n8n, pinned-n8n-newest)`,
		);
	}
	return JSON.parse(fs.readFileSync(file, 'utf8')) as PinManifest;
}

export function n8nVersion(): string {
	return pinManifest().dependencies.n8n;
}

export function n8nInstallDir(): string {
	const home = process.env.N8N_E2E_HOME ?? path.join(repoRoot(), '.n8n-e2e');
	return path.join(home, `n8n-${n8nVersion()}`);
}

/** Resolves a module from inside the n8n install (its sqlite3, flatted, ...), not from the package. */
export function requireFromN8n<T>(moduleName: string): T {
	const resolved = require.resolve(moduleName, { paths: [n8nInstallDir()] });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(resolved) as T;
}

/**
 * The install must exist, and its native modules must match this Node: n8n runs with the Node
 * that runs the harness (process.execPath), and the harness loads the install's sqlite3 itself.
 */
export function assertN8nInstalled(): void {
	const marker = path.join(n8nInstallDir(), '.install-complete');
	const pinArg = process.env.N8N_E2E_PIN ? ` ${process.env.N8N_E2E_PIN}` : '';
	const content = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : '';
	if (!content.startsWith(`n8n@${n8nVersion()} `)) {
		throw new Error(
			`n8n ${n8nVersion()} is not installed in ${path.relative(repoRoot(), n8nInstallDir())}: run \`bash scripts/n8n-install.sh${pinArg}\``,
		);
	}
	const abi = /node-abi=(\S+)/.exec(content)?.[1];
	if (abi !== process.versions.modules) {
		const wanted = pinManifest().n8nInstall?.node;
		throw new Error(
			`n8n ${n8nVersion()} was installed for Node ABI ${abi}, this is Node ${process.version} (ABI ${process.versions.modules}): ` +
				(wanted
					? `run under Node ${wanted} (\`bash scripts/node-pinned.sh <command>\`, as npm run test:e2e:newest does)`
					: `reinstall with \`bash scripts/n8n-install.sh${pinArg}\` on this Node`),
		);
	}
}

export function n8nBin(): string {
	return path.join(n8nInstallDir(), 'node_modules', 'n8n', 'bin', 'n8n');
}

// Below Linux's ephemeral range (32768-60999): a port chosen there is never taken by the local end
// of an outgoing connection between this check and n8n binding it, which an ephemeral port was
// (the editor suite's n8n once failed with "port already in use" after 30 s of imports).
const PORT_RANGE = { from: 20_000, to: 32_000 };

/** A free loopback port outside the ephemeral range; another listener could still take it first. */
export async function freePort(): Promise<number> {
	for (let attempt = 0; attempt < 100; attempt++) {
		const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
		if (await canListen(port)) return port;
	}
	throw new Error(`No free loopback port between ${PORT_RANGE.from} and ${PORT_RANGE.to}`);
}

async function canListen(port: number): Promise<boolean> {
	const server = net.createServer();
	const listening = await new Promise<boolean>((resolve) => {
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => resolve(true));
	});
	if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
	return listening;
}

export interface N8nEnvOptions {
	userFolder: string;
	port: number;
	brokerPort: number;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	extra?: Record<string, string>;
}

// Only what a shell needs is inherited: jest's NODE_ENV=test or a developer's N8N_* variables would
// otherwise change how n8n behaves.
const INHERITED_VARIABLES = [
	'PATH',
	'HOME',
	'LANG',
	'LC_ALL',
	'TMPDIR',
	'TEMP',
	'TMP',
	'SystemRoot',
];

/**
 * Node options n8n needs on this Node (n8n runs with process.execPath): Node 20 and 21 have a
 * global WebSocket, which the DingTalk Stream Trigger uses, only with --experimental-websocket;
 * Node 22 and later always have it.
 */
export function n8nNodeOptions(nodeVersion = process.versions.node): string[] {
	const major = Number(nodeVersion.split('.')[0]);
	return major === 20 || major === 21 ? ['--experimental-websocket'] : [];
}

/** Environment of an isolated, loopback-only, quiet n8n (docs "Isolate n8n" + notes §5.3). */
export function n8nEnv(options: N8nEnvOptions): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const name of INHERITED_VARIABLES) {
		if (process.env[name] !== undefined) env[name] = process.env[name];
	}
	const origin = `http://127.0.0.1:${options.port}`;
	return {
		...env,
		// As users run it; in development mode n8n adds stack traces to its error replies.
		NODE_ENV: 'production',
		TZ: 'UTC',
		GENERIC_TIMEZONE: 'UTC',
		N8N_USER_FOLDER: options.userFolder,
		N8N_ENCRYPTION_KEY: E2E_ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_PORT: String(options.port),
		WEBHOOK_URL: `${origin}/`,
		N8N_EDITOR_BASE_URL: `${origin}/`,
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		// No call leaves the machine: telemetry, version checks, templates, banners, license renewal,
		// the verified-community-nodes catalogue.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		// <user folder>/.n8n/nodes is where the packed package is installed.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		// Every execution is kept, and none is pruned while a test counts them.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		EXECUTIONS_DATA_PRUNE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_LEVEL: options.logLevel ?? 'info',
		...options.extra,
		...nodeOptions(options.extra?.NODE_OPTIONS),
	};
}

function nodeOptions(extra: string | undefined): { NODE_OPTIONS?: string } {
	const value = [...n8nNodeOptions(), ...(extra ? [extra] : [])].join(' ');
	return value ? { NODE_OPTIONS: value } : {};
}

export interface CliResult {
	code: number | null;
	/** The signal that ended the command, when one did (code is then null). */
	signal: NodeJS.Signals | null;
	output: string;
}

/** Runs one n8n CLI command to completion; stdout and stderr are captured together, in order. */
export function runN8nCli(
	args: string[],
	env: NodeJS.ProcessEnv,
	options: { cwd: string; timeoutMs?: number },
): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		// Dev tooling, never shipped: the rule is meant for node code.
		const child = spawn(process.execPath, [n8nBin(), ...args], {
			cwd: options.cwd,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		// A command still running when this process exits (Ctrl-C during npm run dev) goes with it.
		const exitGuard = () => killGroup(child.pid, 'SIGKILL');
		process.once('exit', exitGuard);
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		const timer = setTimeout(() => {
			killGroup(child.pid, 'SIGKILL');
			reject(
				new Error(
					`n8n ${args[0]} did not finish in ${options.timeoutMs ?? 120000} ms:\n${tail(output)}`,
				),
			);
		}, options.timeoutMs ?? 120_000);
		child.once('error', (error) => {
			clearTimeout(timer);
			process.removeListener('exit', exitGuard);
			reject(error);
		});
		child.once('close', (code, signal) => {
			clearTimeout(timer);
			process.removeListener('exit', exitGuard);
			// The command is done; a task runner it started must not outlive it.
			killGroup(child.pid, 'SIGKILL');
			resolve({ code, signal, output });
		});
	});
}

/** Signals a whole process group (n8n plus its task runners); a group that is gone is not an error. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (!pid) return;
	try {
		process.kill(-pid, signal);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
	}
}

export function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}
