import * as fs from 'node:fs';
import * as path from 'node:path';

import { packPackage } from '../../../scripts/n8n-package';
import { assertN8nInstalled, repoRoot } from '../../../scripts/n8n-runtime';

/**
 * Checks the pinned n8n is installed and packs the built package once for every test file. Logs
 * kept by an earlier failed run are removed, so test-results/e2e only ever shows this run's.
 */
export default async function globalSetup(): Promise<void> {
	assertN8nInstalled();
	fs.rmSync(path.join(repoRoot(), 'test-results', 'e2e'), { recursive: true, force: true });
	const packDir = path.join(repoRoot(), '.n8n-e2e', 'pack');
	fs.rmSync(packDir, { recursive: true, force: true });
	process.env.N8N_E2E_PACKAGE_TARBALL = await packPackage(packDir);
}
