import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { clearDedupeCaches } from '../../../nodes/shared/dedupe';
import {
	createMutations,
	type MutationFamily,
	type RawRequest,
	type Target,
} from './support/mutations';
import { FIXED_NOW, generateCredentials } from './support/requests';
import { everythingSaid, runWebhook, type WebhookRequestSpec } from './support/webhookContext';

/**
 * Throws thousands of broken requests at the trigger. Each case starts from a valid signed (and,
 * for events, encrypted) request and applies one mutation that makes it invalid for sure, plus
 * optional noise that cannot make it valid again (support/mutations.ts, shared with the load
 * corpus). For every case the trigger must not throw, must not start the workflow, and must
 * answer 4xx. The seed makes every run identical.
 */
const SEED = 0x0d1a6701;
const ROBOT_CASES = 3000;
const EVENT_CASES = 3000;

const credentials = generateCredentials(SEED);
const SECRETS = [
	credentials.appSecret,
	credentials.outgoingToken,
	credentials.eventToken,
	credentials.eventAesKey,
];

const mutations = createMutations({
	seed: SEED,
	credentials,
	nowMs: FIXED_NOW,
	maxRobotAgeMs: 3_000_000,
});
const families = mutations.families();
const robotFamilies = families.filter((family) => family.target !== 'event');
const eventFamilies = families.filter((family) => family.target === 'event');

const PARAMETERS: Record<Target, WebhookRequestSpec['parameters']> = {
	robot: { mode: 'robot' },
	outgoing: { mode: 'robot', robotVerification: 'outgoingToken' },
	event: { mode: 'event' },
};

function toSpec(target: Target, request: RawRequest): WebhookRequestSpec {
	return {
		parameters: PARAMETERS[target],
		credentials,
		headers: request.headers,
		query: request.query,
		rawBody: request.body,
	};
}

function mutatedCase(family: MutationFamily): WebhookRequestSpec {
	const request = family.build();
	if (mutations.chance(0.5)) mutations.addNoise(request);
	return toSpec(family.target, request);
}

// ---------------------------------------------------------------------------------------------

interface Tally {
	cases: number;
	byMutation: Record<string, number>;
	byStatus: Record<string, number>;
	byReason: Record<string, number>;
	/** The precise cause the log gives for each eventUnreadable answer. */
	byLoggedCause: Record<string, number>;
	/** Every distinct (status, body) answered for eventUnreadable. */
	unreadableAnswers: Set<string>;
	failures: string[];
}

async function check(mode: string, mutation: string, spec: WebhookRequestSpec, tally: Tally) {
	tally.cases++;
	tally.byMutation[`${mode}.${mutation}`] = (tally.byMutation[`${mode}.${mutation}`] ?? 0) + 1;
	const label = `#${tally.cases} ${mode}.${mutation}`;
	try {
		const run = await runWebhook(spec);
		const status = run.response.statusCode ?? 0;
		tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
		const reason = String((run.response.body as IDataObject)?.error);
		tally.byReason[reason] = (tally.byReason[reason] ?? 0) + 1;
		if (reason === 'eventUnreadable') {
			const cause = String((run.logger.warn.mock.calls[0]?.[1] as IDataObject)?.cause);
			tally.byLoggedCause[cause] = (tally.byLoggedCause[cause] ?? 0) + 1;
			tally.unreadableAnswers.add(JSON.stringify([status, run.response.body]));
		}
		if (run.result.workflowData !== undefined)
			tally.failures.push(`${label}: started the workflow`);
		if (run.result.noWebhookResponse !== true)
			tally.failures.push(`${label}: left the answer to n8n`);
		if (status < 400 || status > 499) tally.failures.push(`${label}: answered ${status}`);
		if (run.response.status.mock.calls.length !== 1)
			tally.failures.push(`${label}: status set ${run.response.status.mock.calls.length} times`);
		if (typeof (run.response.body as IDataObject)?.error !== 'string')
			tally.failures.push(`${label}: no JSON reason`);
		if (run.logger.warn.mock.calls.length === 0) tally.failures.push(`${label}: nothing logged`);
		const said = everythingSaid(run);
		if (SECRETS.some((secret) => said.includes(secret)))
			tally.failures.push(`${label}: leaked a secret`);
	} catch (error) {
		tally.failures.push(`${label}: threw ${(error as Error).message}`);
	}
}

describe('fuzz: random and mutated requests', () => {
	const tally: Tally = {
		cases: 0,
		byMutation: {},
		byStatus: {},
		byReason: {},
		byLoggedCause: {},
		unreadableAnswers: new Set(),
		failures: [],
	};

	beforeAll(() => {
		jest.spyOn(Date, 'now').mockReturnValue(FIXED_NOW);
	});

	afterAll(() => {
		jest.restoreAllMocks();
		const summary = {
			seed: SEED,
			...tally,
			unreadableAnswers: tally.unreadableAnswers.size,
			failures: tally.failures.length,
		};
		const folder = join(__dirname, '..', '..', '..', 'test-results');
		mkdirSync(folder, { recursive: true });
		writeFileSync(join(folder, 'trigger-fuzz.json'), `${JSON.stringify(summary, null, '\t')}\n`);
		console.info(
			`DingTalk Trigger fuzz: ${tally.cases} bad requests (seed ${SEED}), statuses ${JSON.stringify(tally.byStatus)}, failures ${tally.failures.length}`,
		);
	});

	beforeEach(() => clearDedupeCaches());

	it(`robot mode: ${ROBOT_CASES} mutated requests are all refused with 4xx`, async () => {
		for (let i = 0; i < ROBOT_CASES; i++) {
			const family = robotFamilies[i % robotFamilies.length];
			await check('robot', family.mutation, mutatedCase(family), tally);
		}
		expect(tally.failures).toEqual([]);
	});

	it(`event mode: ${EVENT_CASES} mutated pushes are all refused with 4xx`, async () => {
		for (let i = 0; i < EVENT_CASES; i++) {
			const family = eventFamilies[i % eventFamilies.length];
			await check('event', family.mutation, mutatedCase(family), tally);
		}
		expect(tally.failures).toEqual([]);
	});

	it('the unmutated requests the fuzzer starts from are accepted (the oracle is sound)', async () => {
		for (let i = 0; i < 50; i++) {
			const robot = await runWebhook(toSpec('robot', mutations.validRobot()));
			expect(robot.result.workflowData).toHaveLength(1);
			const outgoing = await runWebhook(toSpec('outgoing', mutations.validOutgoing()));
			expect(outgoing.result.workflowData).toHaveLength(1);
			const event = await runWebhook(
				toSpec('event', mutations.signedEvent(mutations.validEventParts())),
			);
			expect(event.response.status).not.toHaveBeenCalled();
			expect(event.result.webhookResponse).toHaveProperty('encrypt');
		}
	});

	// Every reason a request can cause; 'decryptFailed' guards OpenSSL errors that unpadded,
	// block-aligned input does not produce, and the 500s are configuration problems.
	it('ran the announced number of cases and reached every refusal reason', () => {
		expect(tally.cases).toBe(ROBOT_CASES + EVENT_CASES);
		const reached = Object.keys(tally.byReason).sort();
		expect(reached).toEqual(
			[
				'badTimestamp',
				'bodyNotJson',
				'bodyTooLarge',
				'eventUnreadable',
				'missingEncrypt',
				'missingNonce',
				'missingSign',
				'missingTimestamp',
				'missingToken',
				'signMismatch',
				'staleTimestamp',
				'tokenMismatch',
			].sort(),
		);
		// Past a valid signature the caller sees one answer; only the log tells the causes apart.
		expect(tally.unreadableAnswers.size).toBe(1);
		expect(Object.keys(tally.byLoggedCause).sort()).toEqual(
			[
				'badBase64',
				'badPadding',
				'badUtf8',
				'eventNotJson',
				'lengthOutOfRange',
				'notBlockMultiple',
				'ownerKeyMismatch',
				'plaintextTooShort',
			].sort(),
		);
		expect(Object.keys(tally.byMutation)).toHaveLength(families.length);
	});
});
