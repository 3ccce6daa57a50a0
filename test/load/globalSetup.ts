import * as fs from 'node:fs';
import * as path from 'node:path';

import { packPackage } from '../../scripts/n8n-package';
import { assertN8nInstalled, repoRoot } from '../../scripts/n8n-runtime';

/**
 * Like the e2e global setup, with a pack folder of its own so that a load run and an e2e run do
 * not delete each other's tarball. A tarball given in N8N_E2E_PACKAGE_TARBALL is used as is.
 */
export default async function globalSetup(): Promise<void> {
	assertN8nInstalled();
	if (process.env.N8N_E2E_PACKAGE_TARBALL) return;
	const packDir = path.join(repoRoot(), '.n8n-e2e', 'pack-load');
	fs.rmSync(packDir, { recursive: true, force: true });
	process.env.N8N_E2E_PACKAGE_TARBALL = await packPackage(packDir);
}
