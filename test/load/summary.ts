import * as fs from 'node:fs';
import * as path from 'node:path';

import { repoRoot } from '../../scripts/n8n-runtime';

/** Counts of the load run, printed and written to test-results/load/summary.json. */
export class LoadSummary {
	private readonly sections: Record<string, unknown> = {};

	set(section: string, value: unknown): void {
		this.sections[section] = value;
	}

	write(): string {
		const dir = path.join(repoRoot(), 'test-results', 'load');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, 'summary.json');
		const summary = { date: new Date().toISOString(), ...this.sections };
		fs.writeFileSync(file, `${JSON.stringify(summary, null, '\t')}\n`);
		return file;
	}
}
