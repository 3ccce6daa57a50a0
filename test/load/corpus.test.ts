import type { IDataObject } from 'n8n-workflow';

import { clearDedupeCaches } from '../../nodes/shared/dedupe';
import { generateCredentials } from '../nodes/DingTalkTrigger/support/requests';
import {
	runWebhook,
	type WebhookRequestSpec,
} from '../nodes/DingTalkTrigger/support/webhookContext';
import { buildCorpus, type CorpusCase, type Target } from './corpus';

/**
 * The load corpus, checked in process before it is sent to a real n8n: every bad case is
 * refused with 4xx, every valid case starts exactly one run with its ID, and every mutation
 * family of the shared generator is present.
 */
const credentials = generateCredentials(4242);
const PATHS: Record<Target, string> = { robot: 'r', outgoing: 'o', event: 'e' };
const PARAMETERS: Record<Target, IDataObject> = {
	robot: { mode: 'robot' },
	outgoing: { mode: 'robot', robotVerification: 'outgoingToken' },
	event: { mode: 'event' },
};

function toSpec(entry: CorpusCase): WebhookRequestSpec {
	const url = new URL(entry.request.path, 'http://127.0.0.1');
	expect(url.pathname).toBe(`/webhook/${PATHS[entry.target]}`);
	return {
		parameters: PARAMETERS[entry.target],
		credentials,
		headers: entry.request.headers as Record<string, string | string[]>,
		query: Object.fromEntries(url.searchParams),
		rawBody: entry.request.body as string | Buffer,
	};
}

describe('load corpus (built from the fuzz mutation generator)', () => {
	const corpus = buildCorpus({
		seed: 7,
		credentials,
		paths: PATHS,
		badCount: 400,
		validPerTarget: 10,
	});

	beforeAll(() => clearDedupeCaches());

	it('has every mutation family and the requested counts', () => {
		const bad = corpus.filter((entry) => !entry.valid);
		expect(bad).toHaveLength(400);
		expect(corpus.filter((entry) => entry.valid)).toHaveLength(30);
		// 7 signed-robot families, the Outgoing token, 8 event families.
		expect(new Set(bad.map((entry) => `${entry.target}.${entry.mutation}`)).size).toBe(16);
	});

	it('is refused with 4xx for every bad case and runs once for every valid one', async () => {
		const wrong: string[] = [];
		for (const [index, entry] of corpus.entries()) {
			const run = await runWebhook(toSpec(entry));
			const started = run.result.workflowData?.[0] ?? [];
			if (entry.valid) {
				const item = started[0]?.json as IDataObject | undefined;
				const id = entry.target === 'event' ? item?.eventId : item?.messageId;
				if (started.length !== 1 || id !== entry.id) wrong.push(`#${index} valid did not run`);
			} else {
				const status = run.response.statusCode ?? 0;
				if (started.length > 0 || status < 400 || status > 499) {
					wrong.push(`#${index} ${entry.target}.${entry.mutation} answered ${status}`);
				}
			}
		}
		expect(wrong).toEqual([]);
	});
});
