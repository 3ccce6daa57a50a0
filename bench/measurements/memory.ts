// Row 6: n8n's memory before and after many robot messages with unique message IDs. Every one
// passes the trigger's checks and starts an execution, so each ID enters the duplicate cache,
// which keeps at most DEFAULT_DEDUPE_MAX_ENTRIES per trigger node.
import { performance } from 'node:perf_hooks';

import {
	DEFAULT_DEDUPE_MAX_ENTRIES,
	MAX_DEDUPE_SCOPES,
	TtlSet,
} from '../../nodes/shared/dedupe';
import { dedupeScope, type BenchWorkflow } from '../benchWorkflows';
import { robotMessage } from '../lib/dingTalkRequests';
import { waitForExecutions } from '../lib/executionCounts';
import { runLoad } from '../lib/httpLoad';
import {
	mib,
	round1,
	saveProfile,
	sleep,
	type BenchContext,
	type Measurement,
} from '../lib/measurement';
import { residentSetSize } from '../lib/n8nProbe';

const MIB = 1024 * 1024;
/** Requests after the cache is full that the no-leak check needs. */
const MIN_REQUESTS_AFTER_FULL = 5000;

const signed = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mib(bytes)}`;

interface Sample {
	requests: number;
	rssBytes: number;
	heapUsedAfterGcBytes: number;
	dedupeEntries: number | null;
}

/**
 * Heap bytes one duplicate-cache entry takes, measured here (node --expose-gc) over many entries
 * with message IDs of the same shape, so that GC noise averages out.
 */
function bytesPerDedupeEntry(): number | null {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) return null;
	const entries = 100_000;
	gc();
	const before = process.memoryUsage().heapUsed;
	const cache = new TtlSet(entries);
	for (let index = 0; index < entries; index++) {
		// The trigger keys by the msgId string parsed out of each request body.
		cache.checkAndAdd(
			JSON.parse(`"msgrK2bench${index}xxxxU+riw=="`) as string,
			600_000,
			Date.now(),
		);
	}
	gc();
	const after = process.memoryUsage().heapUsed;
	if (cache.size !== entries) throw new Error('the cache did not keep every entry');
	return Math.round((after - before) / entries);
}

export async function measureMemory(
	context: BenchContext,
	workflow: BenchWorkflow,
	budgetMs: number,
): Promise<Measurement> {
	const { n8n, probe, credentials } = context;
	const pid = n8n.pid!;
	const target = context.quick ? 400 : 20_000;
	const chunk = context.quick ? 200 : 2500;
	const concurrency = 10;
	const scope = dedupeScope(workflow);
	const path = `/webhook/${workflow.path}`;
	let sent = 0;
	let failed = 0;

	const sample = async (requests: number): Promise<Sample> => {
		await waitForExecutions(n8n.userFolder, workflow.workflow.id, { timeoutMs: 60_000 });
		await sleep(500);
		const answer = await probe.snapshot(pid, { dedupeScopes: [scope] });
		return {
			requests,
			rssBytes: residentSetSize(pid) ?? answer.after.rss,
			heapUsedAfterGcBytes: answer.after.heapUsed,
			dedupeEntries: answer.dedupeSizes[scope] ?? null,
		};
	};
	const send = async (count: number) => {
		const result = await runLoad({
			baseUrl: n8n.baseUrl,
			concurrency,
			maxRequests: count,
			maxDurationMs: budgetMs,
			request: () => robotMessage(path, credentials, `bench-memory-${sent++}`),
			check: (_index, response) => {
				if (response.status !== 200) throw new Error(`answered ${response.status}`);
			},
		});
		failed += result.failed;
		return result.answered;
	};

	// The budget covers the warm-up too.
	const began = performance.now();
	// Warm-up with IDs of the same shape, so that first-use allocations and the memory n8n frees
	// after its start are not counted as growth.
	await send(context.quick ? 100 : 1500);
	const warmup = sent;
	const samples: Sample[] = [await sample(0)];
	let measured = 0;
	while (measured < target) {
		const left = budgetMs - (performance.now() - began);
		// Each chunk needs about chunk / 40 s on a loaded 2-core machine; stop before the budget runs out.
		if (left < (chunk / 40) * 1000) break;
		measured += await send(Math.min(chunk, target - measured));
		samples.push(await sample(measured));
		context.log(
			`  ${measured} requests: RSS ${mib(samples[samples.length - 1].rssBytes)} MiB, heap after GC ${mib(samples[samples.length - 1].heapUsedAfterGcBytes)} MiB, duplicate cache ${samples[samples.length - 1].dedupeEntries}`,
		);
	}
	const executions = await waitForExecutions(n8n.userFolder, workflow.workflow.id, {
		expected: warmup + measured,
		timeoutMs: 60_000,
	});
	await saveProfile(context, '6-memory');

	const first = samples[0];
	const last = samples[samples.length - 1];
	const bytesPerEntry = bytesPerDedupeEntry();
	const boundBytes = bytesPerEntry === null ? null : bytesPerEntry * DEFAULT_DEDUPE_MAX_ENTRIES;
	// Once the cache holds its maximum, memory must stop growing with more requests.
	const full = samples.find((entry) =>
		entry.dedupeEntries === null
			? entry.requests + warmup >= DEFAULT_DEDUPE_MAX_ENTRIES
			: entry.dedupeEntries >= DEFAULT_DEDUPE_MAX_ENTRIES,
	);
	const requestsAfterFull = full ? last.requests - full.requests : 0;
	const heapGrowth = last.heapUsedAfterGcBytes - first.heapUsedAfterGcBytes;
	const heapGrowthAfterFull = full ? last.heapUsedAfterGcBytes - full.heapUsedAfterGcBytes : null;
	const rssGrowthAfterFull = full ? last.rssBytes - full.rssBytes : null;
	const perRequest = (bytes: number | null) =>
		bytes === null || requestsAfterFull === 0 ? null : Math.round(bytes / requestsAfterFull);
	const cacheCapped = samples.every(
		(entry) => entry.dedupeEntries === null || entry.dedupeEntries <= DEFAULT_DEDUPE_MAX_ENTRIES,
	);
	const criteria = {
		cacheNeverAboveBound: cacheCapped,
		liveHeapGrowthWithinBoundPlus2MiB: boundBytes !== null && heapGrowth <= boundBytes + 2 * MIB,
		enoughRequestsAfterCacheFilled: requestsAfterFull >= MIN_REQUESTS_AFTER_FULL,
		liveHeapAfterCacheFilledUnder100BytesPerRequest:
			(perRequest(heapGrowthAfterFull) ?? Infinity) <= 100,
	};
	// RSS also holds memory that V8, malloc and SQLite freed but keep: it moves by more than the
	// cache bound between samples while the live heap stands still, so it is reported, not judged.
	const swing = (bytesOf: (entry: Sample) => number) =>
		Math.max(
			0,
			...samples.slice(1).map((entry, index) => Math.abs(bytesOf(entry) - bytesOf(samples[index]))),
		);
	const rssSwing = swing((entry) => entry.rssBytes);
	const heapSwing = swing((entry) => entry.heapUsedAfterGcBytes);
	const correct = failed === 0 && executions.total === warmup + measured;
	const notes: string[] = [];
	if (measured < target) {
		notes.push(
			`Reduced to ${measured.toLocaleString('en-US')} of ${target.toLocaleString('en-US')} requests to keep the run within its time budget (${round1(budgetMs / 1000)} s for this row); every request starts an execution, which n8n runs at about ${round1((warmup + measured) / ((performance.now() - began) / 1000))} per second here (sampling included).`,
		);
	}
	notes.push(
		`Met means: the cache never holds more than ${DEFAULT_DEDUPE_MAX_ENTRIES} IDs; n8n's live heap (after a full GC inside n8n) grows by at most the cache bound plus 2 MiB of GC noise; and over at least ${MIN_REQUESTS_AFTER_FULL.toLocaleString('en-US')} requests after the cache filled it grows by under 100 bytes per request (keeping even a tenth of each request's message body would break that).`,
		`RSS is reported, not judged: it moved by up to ${mib(rssSwing)} MiB between consecutive samples (live heap within ${mib(heapSwing)} MiB), more than the cache bound, because it also counts memory V8, malloc and SQLite freed but keep; after the cache filled it changed by ${signed(rssGrowthAfterFull ?? 0)} MiB (${perRequest(rssGrowthAfterFull) ?? '?'} bytes per request).`,
	);
	if (!criteria.enoughRequestsAfterCacheFilled) {
		notes.push(
			`Only ${requestsAfterFull.toLocaleString('en-US')} requests after the cache filled: too few for the no-leak check.`,
		);
	}
	if (!correct)
		notes.push(
			`Correctness: ${failed} requests failed; executions ${executions.total} for ${warmup + measured} requests.`,
		);
	return {
		id: 'memory',
		title: `Memory: ${measured.toLocaleString('en-US')} trigger requests with unique message IDs`,
		target: 'growth bounded by the duplicate-cache limit, no leak',
		met: correct && Object.values(criteria).every(Boolean),
		measured:
			`live heap ${mib(first.heapUsedAfterGcBytes)} → ${mib(last.heapUsedAfterGcBytes)} MiB (${signed(heapGrowth)} MiB` +
			(full
				? `; ${signed(heapGrowthAfterFull!)} MiB = ${perRequest(heapGrowthAfterFull)} B per request over the ${requestsAfterFull.toLocaleString('en-US')} requests after the cache filled); `
				: '); ') +
			`RSS ${mib(first.rssBytes)} → ${mib(last.rssBytes)} MiB (max ${mib(Math.max(...samples.map((entry) => entry.rssBytes)))}); ` +
			`cache ${last.dedupeEntries} entries (bound ${DEFAULT_DEDUPE_MAX_ENTRIES} per trigger node ≈ ${boundBytes === null ? '?' : mib(boundBytes)} MiB)`,
		values: {
			requests: measured,
			targetRequests: target,
			warmupRequests: warmup,
			concurrency,
			failed,
			executions: executions.total,
			samples: samples.map((entry) => ({
				requests: entry.requests,
				rssMiB: mib(entry.rssBytes),
				heapUsedAfterGcMiB: mib(entry.heapUsedAfterGcBytes),
				dedupeEntries: entry.dedupeEntries,
			})),
			rssGrowthMiB: mib(last.rssBytes - first.rssBytes),
			heapGrowthMiB: mib(heapGrowth),
			heapGrowthAfterCacheFullMiB: heapGrowthAfterFull === null ? null : mib(heapGrowthAfterFull),
			dedupeBound: {
				entriesPerTriggerNode: DEFAULT_DEDUPE_MAX_ENTRIES,
				triggerNodesPerProcess: MAX_DEDUPE_SCOPES,
				bytesPerEntry,
				bytesPerTriggerNode: boundBytes,
				bytesWorstCase: boundBytes === null ? null : boundBytes * MAX_DEDUPE_SCOPES,
			},
			rssGrowthAfterCacheFilledMiB: rssGrowthAfterFull === null ? null : mib(rssGrowthAfterFull),
			largestChangeBetweenSamplesMiB: { rss: mib(rssSwing), liveHeap: mib(heapSwing) },
			bytesPerRequestAfterCacheFilled: {
				rss: perRequest(rssGrowthAfterFull),
				liveHeap: perRequest(heapGrowthAfterFull),
			},
			criteria,
		},
		notes,
	};
}
