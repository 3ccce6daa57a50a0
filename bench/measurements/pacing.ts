// Row 5: 100 messages to one robot whose fake DingTalk enforces `limit` per window, with the
// window shrunk to a few seconds and a real ban (10 minutes) for the message over the limit.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';

import { throttleErrors, type FakeDingTalk } from '../../test/fake-dingtalk';
import type { BenchWorkflow } from '../benchWorkflows';
import { sendRequest } from '../lib/httpLoad';
import { round2, saveProfile, type BenchContext, type Measurement } from '../lib/measurement';

const TARGET_RATIO = 1.1;

export async function measurePacing(
	context: BenchContext,
	fake: FakeDingTalk,
	workflow: BenchWorkflow,
	pacing: { limit: number; windowSeconds: number },
): Promise<Measurement> {
	const { n8n } = context;
	const count = 100;
	const windowMs = pacing.windowSeconds * 1000;
	const windows = Math.ceil(count / pacing.limit);
	// As the issue counts it: 100 messages need 5 windows of 20. The last batch can start as soon
	// as the 4th window ends, so 4 windows is the hard floor.
	const theoreticalMinMs = windows * windowMs;
	const floorMs = (windows - 1) * windowMs;
	const messages = Array.from({ length: count }, (_, index) => ({
		text: `paced message ${index}`,
		uuid: randomUUID(),
	}));
	context.log(
		`  ${count} messages, fake allows ${pacing.limit} per ${pacing.windowSeconds} s (then a 10-minute ban)`,
	);
	const agent = new http.Agent({ keepAlive: false });
	const response = await sendRequest(
		agent,
		n8n.baseUrl,
		{
			path: `/webhook/${workflow.path}`,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ messages }),
		},
		theoreticalMinMs * 4 + 60_000,
	);
	agent.destroy();
	await saveProfile(context, '5-pacing');

	const [latest] = (await n8n.executions.list(workflow.workflow.id)).slice(-1);
	const execution = latest ? await n8n.executions.get(latest.id) : undefined;
	const nodeRun = (
		execution?.data.resultData.runData as
			| Record<
					string,
					Array<{
						executionTime?: number;
						data?: { main?: Array<Array<{ json: Record<string, unknown> }>> };
					}>
			  >
			| undefined
	)?.['DingTalk Robot']?.[0];
	const outputs = nodeRun?.data?.main?.[0]?.map((item) => item.json) ?? [];
	const sendMs = nodeRun?.executionTime ?? NaN;

	const uuids = messages.map((message) => message.uuid);
	const received = fake.received.map((message) => message.msgUuid ?? '');
	const distinct = new Set(received);
	const lost = uuids.filter((uuid) => !distinct.has(uuid)).length;
	const duplicated = received.length - distinct.size;
	const inOrder = received.every((uuid, index) => uuid === uuids[index]);
	const throttleCodes = new Set(Object.keys(throttleErrors).map(Number));
	const throttledAtFake = fake.requests.filter((request) =>
		throttleCodes.has(Number(request.response?.errcode)),
	).length;
	const errorsToUser =
		outputs.filter((item) => item.errcode !== 0).length + (execution?.status === 'success' ? 0 : 1);
	const retried = outputs.filter((item) => Number(item.attempts) > 1).length;
	const spanMs =
		fake.received.length > 1
			? fake.received[fake.received.length - 1].receivedAt - fake.received[0].receivedAt
			: NaN;
	const ratio = round2(sendMs / theoreticalMinMs);
	const correct =
		response.status === 200 &&
		outputs.length === count &&
		lost === 0 &&
		duplicated === 0 &&
		errorsToUser === 0;
	const notes: string[] = [
		`Theoretical minimum as the issue counts it: ${windows} windows of ${pacing.windowSeconds} s = ${theoreticalMinMs / 1000} s; the hard floor is ${floorMs / 1000} s (the last batch may start when the ${windows - 1}th window ends): measured ${round2(sendMs / floorMs)}× that floor.`,
	];
	if (throttledAtFake > 0) {
		notes.push(
			`The fake answered ${throttledAtFake} throttle errors; the node retried ${retried} messages.`,
		);
	}
	return {
		id: 'pacing',
		title: `Pacing: ${count} messages, fake allows ${pacing.limit} per ${pacing.windowSeconds} s window`,
		target: `0 lost, 0 duplicated, 0 throttle errors to the user, time ≤ ${TARGET_RATIO}× ${windows} windows`,
		met: correct && ratio <= TARGET_RATIO,
		measured: `${lost} lost, ${duplicated} duplicated, ${errorsToUser} errors to the user (${throttledAtFake} throttle answers at the fake); ${round2(sendMs / 1000)} s = ${ratio}× ${windows} windows`,
		values: {
			messages: count,
			limit: pacing.limit,
			windowSeconds: pacing.windowSeconds,
			sendMs,
			firstToLastReceivedMs: spanMs,
			theoreticalMinMs,
			floorMs,
			ratio,
			lost,
			duplicated,
			inOrder,
			errorsToUser,
			throttleAnswersAtFake: throttledAtFake,
			messagesRetried: retried,
			executionStatus: execution?.status ?? null,
		},
		notes,
	};
}
