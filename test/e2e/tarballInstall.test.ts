// The README's installation as a user types it: the tarball of `npm pack`, then
// `mkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes` and a plain `npm install <tarball>` (no extra flags)
// into a fresh user folder, then n8n started on that folder. Runs on every tested n8n, so on Node 20
// (n8n 2.8.4) and Node 24 (n8n 2.41.1).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { PACKAGE_NAME, tail } from '../../scripts/n8n-runtime';
import { useN8n } from './support/n8n';
import { ownerCookie } from './support/owner';

const execFileAsync = promisify(execFile);

const NODES = ['dingTalkRobot', 'dingTalkTrigger', 'dingTalkStreamTrigger'];
const CREDENTIALS = ['dingTalkRobotApi', 'dingTalkAppApi', 'dingTalkAiSourceApi'];

// What `npm run` adds to the environment of its scripts; a user's shell has none of it.
const NPM_RUN_VARIABLES =
	/^(npm_lifecycle_\w+|npm_package_\w+|npm_command|npm_execpath|npm_node_execpath|npm_config_local_prefix|INIT_CWD)$/;

interface Install {
	ok: boolean;
	output: string;
	ms: number;
}

/** README Installation, step 2a, with ~ standing for the user folder n8n is started on. */
async function installAsTheReadmeSays(userFolder: string, tarball: string): Promise<Install> {
	const env: NodeJS.ProcessEnv = { N8N_USER_FOLDER: userFolder, TARBALL: tarball };
	for (const [name, value] of Object.entries(process.env)) {
		if (!NPM_RUN_VARIABLES.test(name)) env[name] ??= value;
	}
	const began = Date.now();
	try {
		const { stdout, stderr } = await execFileAsync(
			'bash',
			[
				'-c',
				'mkdir -p "$N8N_USER_FOLDER/.n8n/nodes" && cd "$N8N_USER_FOLDER/.n8n/nodes"\nnpm install "$TARBALL"',
			],
			{ env, maxBuffer: 64 * 1024 * 1024 },
		);
		return { ok: true, output: stdout + stderr, ms: Date.now() - began };
	} catch (error) {
		const failed = error as { stdout?: string; stderr?: string; message: string };
		const output = `${failed.stdout ?? ''}${failed.stderr ?? ''}` || failed.message;
		return { ok: false, output, ms: Date.now() - began };
	}
}

async function typeNames(baseUrl: string, file: string, cookie: string): Promise<string[]> {
	const answer = await fetch(`${baseUrl}/types/${file}`, { headers: { cookie } });
	const body = (await answer.json()) as unknown;
	if (answer.status !== 200 || !Array.isArray(body)) {
		throw new Error(`/types/${file}: HTTP ${answer.status} ${JSON.stringify(body).slice(0, 300)}`);
	}
	return (body as Array<{ name: string }>).map((type) => type.name);
}

describe('installing the packed tarball as the README says', () => {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-readme-install-'));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	let install: Install | undefined;

	const n8n = useN8n(async () => {
		const tarball = process.env.N8N_E2E_PACKAGE_TARBALL;
		if (!tarball) throw new Error('No packed tarball: the e2e global setup packs it');
		install = await installAsTheReadmeSays(userFolder, tarball);
		if (!install.ok) {
			throw new Error(
				`npm install ${path.basename(tarball)} in a fresh .n8n/nodes failed on Node ${process.version}:\n${tail(install.output, 25)}`,
			);
		}
		return { name: 'tarball-install', userFolder, packageTarball: false };
	});

	afterAll(() => fs.rmSync(userFolder, { recursive: true, force: true }));

	it('npm installs the package and nothing else: n8n brings n8n-workflow', () => {
		expect(install?.ok).toBe(true);
		const installed = fs
			.readdirSync(path.join(nodesDir, 'node_modules'))
			.filter((entry) => !entry.startsWith('.'));
		expect(installed).toEqual([PACKAGE_NAME]);
		// Offline-ish: nothing to fetch, so it takes seconds, not the minutes of a native build.
		expect(install!.ms).toBeLessThan(60_000);
	});

	it('n8n loads the three nodes and the three credentials', async () => {
		const cookie = await ownerCookie(n8n());
		const nodes = await typeNames(n8n().baseUrl, 'nodes.json', cookie);
		const credentials = await typeNames(n8n().baseUrl, 'credentials.json', cookie);
		expect(
			NODES.map((name) => `${PACKAGE_NAME}.${name}`).filter((n) => !nodes.includes(n)),
		).toEqual([]);
		expect(CREDENTIALS.filter((name) => !credentials.includes(name))).toEqual([]);
	});
});
