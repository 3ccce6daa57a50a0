import { sleep } from 'n8n-workflow';

/** Time for the AI card pacing: the real one, or a test's. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms) => await sleep(Math.max(0, ms)),
};
