// A small HTTP load generator on node:http: a keep-alive agent, a fixed number of workers that each
// send one request at a time, and hard bounds on the number of requests and the duration.
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadRequest {
	method?: string;
	/** Path and query, e.g. /webhook/abc/webhook?nonce=1. */
	path: string;
	headers?: Record<string, string | string[]>;
	body?: string | Buffer;
}

export interface LoadResponse {
	status: number;
	body: Buffer;
	latencyMs: number;
}

export interface LoadOptions {
	/** http://127.0.0.1:PORT */
	baseUrl: string;
	concurrency: number;
	/** Upper bound on requests sent. */
	maxRequests: number;
	/** Upper bound on the time spent sending; workers stop starting requests after it. */
	maxDurationMs: number;
	/** Builds request number `index` (0-based, in the order requests are started). */
	request: (index: number) => LoadRequest;
	/** Sees every answer, e.g. to check it; throwing counts the request as failed. */
	check?: (index: number, response: LoadResponse) => void;
	/** Per request; a request still open after it is aborted and counted as an error. */
	requestTimeoutMs?: number;
}

export interface LoadResult {
	sent: number;
	/** Requests that got an HTTP answer. */
	answered: number;
	/** Requests without an answer (connection error, timeout) or refused by `check`. */
	failed: number;
	byStatus: Record<string, number>;
	failures: string[];
	durationMs: number;
	requestsPerSecond: number;
	latencyMs: LatencySummary;
	/** Every latency in ms, in completion order (for merging rounds; not written to reports). */
	latencies: number[];
}

export interface LatencySummary {
	p50: number;
	p90: number;
	p99: number;
	max: number;
	mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarizeLatencies(latencies: number[]): LatencySummary {
	const sorted = [...latencies].sort((a, b) => a - b);
	const round = (value: number) => Math.round(value * 100) / 100;
	const sum = sorted.reduce((total, value) => total + value, 0);
	return {
		p50: round(percentile(sorted, 50)),
		p90: round(percentile(sorted, 90)),
		p99: round(percentile(sorted, 99)),
		max: round(sorted[sorted.length - 1] ?? NaN),
		mean: round(sorted.length ? sum / sorted.length : NaN),
	};
}

/** Sends one request on `agent` and resolves with the whole answer. */
export function sendRequest(
	agent: http.Agent,
	baseUrl: string,
	spec: LoadRequest,
	timeoutMs = 30_000,
): Promise<LoadResponse> {
	const url = new URL(spec.path, baseUrl);
	const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
	return new Promise((resolve, reject) => {
		const began = performance.now();
		const request = http.request(
			{
				agent,
				host: url.hostname,
				port: url.port,
				path: `${url.pathname}${url.search}`,
				method: spec.method ?? 'POST',
				headers: {
					...spec.headers,
					...(body ? { 'content-length': String(body.length) } : {}),
				},
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('error', reject);
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						body: Buffer.concat(chunks),
						latencyMs: performance.now() - began,
					}),
				);
			},
		);
		request.setTimeout(timeoutMs, () =>
			request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
		);
		request.on('error', reject);
		request.end(body);
	});
}

/** Runs a closed-loop load: `concurrency` workers, each sending its next request when answered. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
	const latencies: number[] = [];
	const byStatus: Record<string, number> = {};
	const failures: string[] = [];
	let sent = 0;
	let answered = 0;
	let failed = 0;
	const began = performance.now();
	const deadline = began + options.maxDurationMs;

	const worker = async () => {
		while (sent < options.maxRequests && performance.now() < deadline) {
			const index = sent++;
			let spec: LoadRequest;
			try {
				spec = options.request(index);
			} catch (error) {
				failed++;
				failures.push(`#${index}: could not build the request: ${(error as Error).message}`);
				continue;
			}
			try {
				const response = await sendRequest(agent, options.baseUrl, spec, options.requestTimeoutMs);
				answered++;
				byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
				latencies.push(response.latencyMs);
				options.check?.(index, response);
			} catch (error) {
				failed++;
				if (failures.length < 50) failures.push(`#${index}: ${(error as Error).message}`);
			}
		}
	};
	await Promise.all(Array.from({ length: options.concurrency }, worker));
	const durationMs = performance.now() - began;
	agent.destroy();
	return {
		sent,
		answered,
		failed,
		byStatus,
		failures,
		durationMs: Math.round(durationMs),
		requestsPerSecond: Math.round((answered / durationMs) * 1000 * 10) / 10,
		latencyMs: summarizeLatencies(latencies),
		latencies,
	};
}
