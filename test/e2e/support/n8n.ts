import { N8nInstance, type N8nInstanceOptions } from '../../../scripts/n8n-instance';

/** Failures so far in this test file, recorded by e2e-environment.js. */
export function failuresSoFar(): string[] {
	return [...((globalThis as { __E2E_FAILURES__?: string[] }).__E2E_FAILURES__ ?? [])];
}

/**
 * Prepares (and by default starts) one n8n for the tests of a file and stops it after them. When a
 * test or hook of the file failed, n8n's log and a summary are kept under test-results/e2e/<name>/.
 * `start: false` prepares the user folder only, for tests that use `n8n execute`.
 */
export function useN8n(
	options: () => N8nInstanceOptions | Promise<N8nInstanceOptions>,
	{ start = true }: { start?: boolean } = {},
): () => N8nInstance {
	let instance: N8nInstance | undefined;
	beforeAll(async () => {
		const resolved = await options();
		instance = start ? await N8nInstance.launch(resolved) : await N8nInstance.create(resolved);
		if (process.env.N8N_E2E_VERBOSE) {
			console.info(`n8n "${resolved.name}" timings (ms): ${JSON.stringify(instance.timings)}`);
		}
	}, 300_000);
	afterAll(async () => {
		await instance?.stop({ failures: failuresSoFar() });
	}, 60_000);
	return () => {
		if (!instance) throw new Error('n8n was not started (see the beforeAll failure)');
		return instance;
	};
}
