import type { N8nInstance } from '../../scripts/n8n-instance';
import type { TestCredentials } from '../../test/nodes/DingTalkTrigger/support/requests';
import type { N8nProbe } from './n8nProbe';

/** One row of the results table. */
export interface Measurement {
	id: string;
	/** Its row number in the table (1-6), so a partial run keeps the numbers. */
	row?: number;
	title: string;
	/** The target as the issue states it; empty when the row only reports. */
	target: string;
	/** true / false against the target; null when there is no target. */
	met: boolean | null;
	/** One line for the table. */
	measured: string;
	/** Everything measured, for results.json. */
	values: Record<string, unknown>;
	/** Why a target was missed, what was reduced, caveats. */
	notes: string[];
	durationMs?: number;
}

export interface BenchContext {
	n8n: N8nInstance;
	probe: N8nProbe;
	credentials: TestCredentials;
	aesKey: Buffer;
	/** Smaller counts for a smoke run of the bench itself. */
	quick: boolean;
	/** Where CPU profiles go when profiling (npm run bench -- --profile). */
	profileDir?: string;
	log(message: string): void;
}

export const round1 = (value: number) => Math.round(value * 10) / 10;
export const round2 = (value: number) => Math.round(value * 100) / 100;
export const mib = (bytes: number) => round1(bytes / 1024 / 1024);

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Saves the CPU profile since the previous snapshot when profiling. */
export async function saveProfile(context: BenchContext, name: string): Promise<void> {
	if (!context.profileDir || context.n8n.pid === undefined) return;
	await context.probe.snapshot(context.n8n.pid, {
		profileName: name,
		profileDir: context.profileDir,
	});
}
