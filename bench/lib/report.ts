// bench/results.json and bench/results.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Measurement } from './measurement';

export interface BenchReport {
	command: string;
	date: string;
	durationSeconds: number;
	environment: Record<string, unknown>;
	settings: string[];
	measurements: Measurement[];
}

export function environment(n8nVersion: string): Record<string, unknown> {
	const cpus = os.cpus();
	return {
		node: process.version,
		n8n: n8nVersion,
		cpu: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
		memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
		platform: `${os.type()} ${os.release()}`,
		loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
	};
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function verdict(met: boolean | null): string {
	if (met === null) return 'reported';
	return met ? 'met' : '**not met**';
}

export function markdown(report: BenchReport): string {
	const rows = report.measurements.map(
		(entry, index) =>
			`| ${entry.row ?? index + 1} | ${cell(entry.title)} | ${cell(entry.target || '—')} | ${cell(entry.measured)} | ${verdict(entry.met)} |`,
	);
	const notes = report.measurements.flatMap((entry, index) =>
		entry.notes.map((note) => `- Row ${entry.row ?? index + 1}: ${note}`),
	);
	const env = report.environment;
	return [
		'| # | Measurement | Target | Measured | Result |',
		'| - | ----------- | ------ | -------- | ------ |',
		...rows,
		'',
		`Command: \`${report.command}\` · date: ${report.date} · n8n ${env.n8n} · Node ${env.node} · ${env.cpu} · load average at start ${(env.loadAverageAtStart as number[]).join(' / ')}${env.loadAverageAtEnd ? `, at end ${(env.loadAverageAtEnd as number[]).join(' / ')}` : ''} · run took ${report.durationSeconds} s`,
		'',
		...(report.settings.length
			? ['Settings:', ...report.settings.map((line) => `- ${line}`), '']
			: []),
		...(notes.length ? ['Notes:', ...notes, ''] : []),
	].join('\n');
}

export function writeReport(dir: string, report: BenchReport): { json: string; md: string } {
	const json = path.join(dir, 'results.json');
	const md = path.join(dir, 'results.md');
	fs.writeFileSync(json, `${JSON.stringify(report, null, '\t')}\n`);
	fs.writeFileSync(md, `# Benchmark results\n\n${markdown(report)}`);
	return { json, md };
}
