// Loaded into `n8n start` through NODE_OPTIONS=--require (see n8nProbe.ts); inert in every other
// process (the CLI commands and the task runner inherit NODE_OPTIONS too).
//
// On SIGUSR2 it reads <BENCH_PROBE_DIR>/request.json, runs a full garbage collection, and writes
// <BENCH_PROBE_DIR>/answer-<id>.json with the process memory before and after it, the sizes of
// the DingTalk Trigger's duplicate caches asked for, and (with BENCH_CPU_PROFILE=1) the CPU profile
// since the previous answer, and a heap snapshot when asked for one.
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

interface ProbeRequest {
	id: number;
	dedupeScopes?: string[];
	profileName?: string;
	/** Also write a heap snapshot (after the GC) to this file. */
	heapSnapshotFile?: string;
}

interface DedupeModule {
	getDedupeCache(scope: string): { size: number };
}

const isN8nStart =
	/[\\/]n8n[\\/]bin[\\/]n8n$/.test(process.argv[1] ?? '') && process.argv[2] === 'start';
const probeDir = process.env.BENCH_PROBE_DIR;

/** The dedupe module as n8n loaded it (the same instance the trigger uses), if loaded yet. */
function loadedDedupeModule(): DedupeModule | undefined {
	// nodes/shared/ since the Stream trigger shares it; nodes/DingTalkTrigger/ before.
	const suffixes = ['shared', 'DingTalkTrigger'].map((folder) =>
		path.join('n8n-nodes-dingtalk-robot', 'dist', 'nodes', folder, 'dedupe.js'),
	);
	const key = Object.keys(require.cache).find((file) =>
		suffixes.some((suffix) => file.endsWith(suffix)),
	);
	return key ? (require.cache[key]?.exports as DedupeModule) : undefined;
}

if (isN8nStart && probeDir) {
	v8.setFlagsFromString('--expose-gc');
	const gc = vm.runInNewContext('gc') as () => void;
	const session = new inspector.Session();
	const profiling = process.env.BENCH_CPU_PROFILE === '1';
	if (profiling) {
		session.connect();
		session.post('Profiler.enable', () =>
			session.post('Profiler.setSamplingInterval', { interval: 1000 }, () =>
				session.post('Profiler.start'),
			),
		);
	}

	const answer = (request: ProbeRequest, profile?: unknown) => {
		const before = process.memoryUsage();
		gc();
		const after = process.memoryUsage();
		const dedupe = loadedDedupeModule();
		const dedupeSizes = Object.fromEntries(
			(request.dedupeScopes ?? []).map((scope) => [
				scope,
				dedupe?.getDedupeCache(scope).size ?? null,
			]),
		);
		if (profile && request.profileName) {
			fs.writeFileSync(
				path.join(probeDir, `${request.profileName}.cpuprofile`),
				JSON.stringify(profile),
			);
		}
		if (request.heapSnapshotFile) v8.writeHeapSnapshot(request.heapSnapshotFile);
		const file = path.join(probeDir, `answer-${request.id}.json`);
		fs.writeFileSync(`${file}.tmp`, JSON.stringify({ before, after, dedupeSizes }));
		fs.renameSync(`${file}.tmp`, file);
	};

	process.on('SIGUSR2', () => {
		const request = JSON.parse(
			fs.readFileSync(path.join(probeDir, 'request.json'), 'utf8'),
		) as ProbeRequest;
		if (!profiling) return answer(request);
		session.post('Profiler.stop', (error, result) => {
			answer(request, error ? undefined : result.profile);
			session.post('Profiler.start');
		});
	});
}
