// The package as users get it: `npm pack` of the build, installed the way n8n's docs describe a
// manual community-node install (<user folder>/.n8n/nodes).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { PACKAGE_NAME, repoRoot } from './n8n-runtime';

const execFileAsync = promisify(execFile);

interface PackageManifest {
	version: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

function manifest(): PackageManifest {
	return JSON.parse(
		fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'),
	) as PackageManifest;
}

/** Every node and credential the manifest declares must be built, or n8n would skip them silently. */
export function assertBuilt(): void {
	const { n8n } = manifest();
	const declared = [...(n8n?.nodes ?? []), ...(n8n?.credentials ?? [])];
	const missing = declared.filter((file) => !fs.existsSync(path.join(repoRoot(), file)));
	if (missing.length > 0) {
		throw new Error(`The build is missing ${missing.join(', ')}: run \`npm run build\` first`);
	}
}

/** Packs the built package into `destination` and returns the tarball's path. */
export async function packPackage(destination: string): Promise<string> {
	assertBuilt();
	fs.mkdirSync(destination, { recursive: true });
	const { stdout } = await execFileAsync(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
		{ cwd: repoRoot(), env: { ...process.env, npm_config_update_notifier: 'false' } },
	);
	const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
	return path.join(destination, packed.filename);
}

/**
 * Installs the tarball into <userFolder>/.n8n/nodes as users do, without `--omit=peer`: the optional
 * n8n-workflow peer is not installed (n8n provides it), so a required one would show here too.
 */
export async function installPackage(userFolder: string, tarball: string): Promise<void> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const nodesManifest = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(nodesManifest)) {
		fs.writeFileSync(
			nodesManifest,
			JSON.stringify({ name: 'installed-nodes', private: true }, null, 2),
		);
	}
	await execFileAsync(
		'npm',
		['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
		{ cwd: nodesDir, env: { ...process.env, npm_config_update_notifier: 'false' } },
	);
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json');
	const { version } = JSON.parse(fs.readFileSync(installed, 'utf8')) as PackageManifest;
	if (version !== manifest().version) {
		throw new Error(`Installed ${PACKAGE_NAME}@${version}, expected ${manifest().version}`);
	}
}
