import type { LoadRequest } from '../../bench/lib/httpLoad';
import {
	createMutations,
	FUZZ_EVENTS,
	type RawRequest,
	type Target,
} from '../nodes/DingTalkTrigger/support/mutations';
import { randomString, type TestCredentials } from '../nodes/DingTalkTrigger/support/requests';

/**
 * The trigger fuzz corpus (the mutation families of test/nodes/DingTalkTrigger/support/mutations.ts,
 * which the in-process fuzz test uses too) sent over real HTTP with the real clock. Two changes
 * for the wire: header values are sent as bytes (UTF-8 read as Latin-1, control characters as
 * "?"), and a mutation that HTTP would undo (whitespace around a header value is not part of it)
 * is pushed further, so that every bad request is still bad when n8n reads it.
 */

export type { Target };

export interface CorpusCase {
	valid: boolean;
	target: Target;
	mutation: string;
	/** msgId or eventId of a valid case (each starts exactly one execution). */
	id?: string;
	request: LoadRequest;
}

/** URL checks are answered without an execution, so valid pushes are drawn from the others. */
const RUNNABLE_EVENTS = FUZZ_EVENTS.filter((event) => event.EventType !== 'check_url');

/** A header value as the bytes that go on the wire, and how a server reads them back. */
function wireHeader(value: string): string {
	const latin1 = Buffer.from(value, 'utf8').toString('latin1');
	const isControl = (code: number) => (code < 0x20 && code !== 0x09) || code === 0x7f;
	return [...latin1].map((char) => (isControl(char.charCodeAt(0)) ? '?' : char)).join('');
}

/** A mutated header value that stays different from `valid` after the trip over HTTP. */
function badHeader(value: string, valid: string): string {
	const wire = wireHeader(value);
	return wire.trim() === valid ? `${wire.trim()}x` : wire;
}

export function buildCorpus(options: {
	seed: number;
	credentials: TestCredentials;
	paths: Record<Target, string>;
	badCount: number;
	validPerTarget: number;
	nowMs?: number;
}): CorpusCase[] {
	const { paths } = options;
	const mutations = createMutations({
		seed: options.seed,
		credentials: options.credentials,
		nowMs: options.nowMs ?? Date.now(),
		maxRobotAgeMs: 600_000,
		events: RUNNABLE_EVENTS,
		headerValue: badHeader,
	});
	let serial = 0;
	const uniqueId = (prefix: string) =>
		`${prefix}-${options.seed}-${serial++}-${randomString(mutations.random, 8)}`;

	function toRequest(target: Target, spec: RawRequest): LoadRequest {
		const query = new URLSearchParams(spec.query).toString();
		return {
			path: `/webhook/${paths[target]}${query ? `?${query}` : ''}`,
			headers: spec.headers,
			body: spec.body,
		};
	}

	const families = mutations.families(() => uniqueId('bad'));

	// --- The corpus: bad cases round-robin over every mutation, valid cases spread among them --

	const cases: CorpusCase[] = [];
	for (let index = 0; index < options.badCount; index++) {
		const family = families[index % families.length];
		const spec = family.build();
		if (mutations.chance(0.5)) mutations.addNoise(spec);
		cases.push({
			valid: false,
			target: family.target,
			mutation: family.mutation,
			request: toRequest(family.target, spec),
		});
	}

	const valid: CorpusCase[] = [];
	for (let index = 0; index < options.validPerTarget; index++) {
		const robotId = uniqueId('robot');
		valid.push({
			valid: true,
			target: 'robot',
			mutation: 'none',
			id: robotId,
			request: toRequest('robot', mutations.validRobot(robotId)),
		});
		const outgoingId = uniqueId('outgoing');
		const outgoing = mutations.validOutgoing(outgoingId);
		valid.push({
			valid: true,
			target: 'outgoing',
			mutation: 'none',
			id: outgoingId,
			request: toRequest('outgoing', outgoing),
		});
		const eventId = uniqueId('event');
		valid.push({
			valid: true,
			target: 'event',
			mutation: 'none',
			id: eventId,
			request: toRequest('event', mutations.signedEvent(mutations.validEventParts(eventId))),
		});
	}
	// Spread the valid requests evenly through the bad ones.
	const step = cases.length / Math.max(1, valid.length);
	valid.forEach((entry, index) => cases.splice(Math.floor(index * step) + index, 0, entry));
	return cases;
}
