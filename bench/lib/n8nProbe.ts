// Looks inside a running `n8n start`: memory after a full GC, the DingTalk Trigger's duplicate
// cache sizes, and optional CPU profiles, through the preload in n8nProbe.preload.ts. Wraps the
// harness (scripts/n8n-instance.ts) without changing it: the preload goes in through `env`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface MemoryUsage {
	rss: number;
	heapTotal: number;
	heapUsed: number;
	external: number;
	arrayBuffers: number;
}

export interface ProbeAnswer {
	/** process.memoryUsage() just before and just after a full garbage collection. */
	before: MemoryUsage;
	after: MemoryUsage;
	/** Entries in each requested DingTalk Trigger duplicate cache (null: module not loaded). */
	dedupeSizes: Record<string, number | null>;
}

export class N8nProbe {
	private nextId = 1;

	private constructor(
		readonly dir: string,
		readonly profiling: boolean,
	) {}

	static create(options: { profile?: boolean } = {}): N8nProbe {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bench-probe-'));
		return new N8nProbe(dir, options.profile === true);
	}

	/** Extra environment for N8nInstance options.env. */
	env(): Record<string, string> {
		const preload = path.join(__dirname, 'n8nProbe.preload.js');
		return {
			NODE_OPTIONS: `--require ${preload}`,
			BENCH_PROBE_DIR: this.dir,
			...(this.profiling ? { BENCH_CPU_PROFILE: '1' } : {}),
		};
	}

	/**
	 * Asks the n8n process `pid` for a snapshot; with profiling on, `profileName` saves the CPU
	 * profile since the previous snapshot into `profileDir`.
	 */
	async snapshot(
		pid: number,
		options: {
			dedupeScopes?: string[];
			profileName?: string;
			profileDir?: string;
			/** Absolute path for a heap snapshot of n8n (taken after the GC; large and slow). */
			heapSnapshotFile?: string;
		} = {},
	): Promise<ProbeAnswer> {
		const id = this.nextId++;
		fs.writeFileSync(
			path.join(this.dir, 'request.json'),
			JSON.stringify({
				id,
				dedupeScopes: options.dedupeScopes,
				profileName: options.profileName,
				heapSnapshotFile: options.heapSnapshotFile,
			}),
		);
		process.kill(pid, 'SIGUSR2');
		const file = path.join(this.dir, `answer-${id}.json`);
		const waitMs = options.heapSnapshotFile ? 180_000 : 20_000;
		const deadline = Date.now() + waitMs;
		while (!fs.existsSync(file)) {
			if (Date.now() > deadline) {
				throw new Error(`n8n did not answer the memory probe within ${waitMs / 1000} s`);
			}
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		const answer = JSON.parse(fs.readFileSync(file, 'utf8')) as ProbeAnswer;
		if (options.profileName && options.profileDir) {
			const profile = path.join(this.dir, `${options.profileName}.cpuprofile`);
			if (fs.existsSync(profile)) {
				fs.mkdirSync(options.profileDir, { recursive: true });
				fs.copyFileSync(
					profile,
					path.join(options.profileDir, `${options.profileName}.cpuprofile`),
				);
			}
		}
		return answer;
	}

	cleanup(): void {
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

/** Resident set size of a process from /proc (Linux), in bytes. */
export function residentSetSize(pid: number): number | undefined {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}
