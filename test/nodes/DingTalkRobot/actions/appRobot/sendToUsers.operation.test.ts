import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	addApp,
	appParams,
	BATCH_PATH,
	bodyOf,
	requestsTo,
	run,
	runExpectingError,
	useFakeOpenApi,
} from '../../support/app';

const server = useFakeOpenApi();

const staff = (count: number, prefix = 'user') =>
	Array.from({ length: count }, (_, index) => `${prefix}${String(index + 1).padStart(3, '0')}`);

const text = { msgKey: 'sampleText', content: 'Your report is ready' };

describe('Send to Users', () => {
	it('splits 45 people into batches of 20, 20 and 5, in order', async () => {
		const people = staff(45);
		const app = addApp(server(), { users: people });
		const output = await run(app, appParams('sendToUsers', { userIds: people.join(','), ...text }));

		const batches = requestsTo(server(), BATCH_PATH).map(bodyOf);
		expect(batches.map((body) => (body.userIds as string[]).length)).toEqual([20, 20, 5]);
		expect(batches.flatMap((body) => body.userIds as string[])).toEqual(people);
		for (const body of batches) {
			expect(body).toMatchObject({
				robotCode: app.appKey,
				msgKey: 'sampleText',
				msgParam: '{"content":"Your report is ready"}',
			});
		}
		expect(server().openApi.messages.map((message) => message.userId)).toEqual(people);

		const json = output[0].json;
		expect(json).toMatchObject({ sentTo: 'oToMessages', batches: 3, robotCode: app.appKey });
		expect(json.deliveredUserIds).toEqual(people);
		expect(json.processQueryKeys).toHaveLength(3);
		expect(new Set(json.processQueryKeys as string[]).size).toBe(3);
		expect(json.recipients).toHaveLength(45);
		expect((json.recipients as Array<{ status: string }>).every((r) => r.status === 'sent')).toBe(
			true,
		);
	});

	it('reports per recipient who DingTalk did not know or flow-controlled', async () => {
		const app = addApp(server(), {
			users: ['alice', 'bob', 'carol'],
			flowControlledUsers: ['bob'],
		});
		const output = await run(
			app,
			appParams('sendToUsers', { userIds: 'alice\nbob, ghost，carol', ...text }),
		);
		const json = output[0].json;
		expect(json.invalidStaffIdList).toEqual(['ghost']);
		expect(json.flowControlledStaffIdList).toEqual(['bob']);
		expect(json.deliveredUserIds).toEqual(['alice', 'carol']);
		const [{ processQueryKey }] = server().openApi.messages;
		expect(json.recipients).toEqual([
			{ userId: 'alice', status: 'sent', processQueryKey },
			{ userId: 'bob', status: 'flowControlled', processQueryKey },
			{ userId: 'ghost', status: 'invalid', processQueryKey },
			{ userId: 'carol', status: 'sent', processQueryKey },
		]);
		expect(server().openApi.messages.map((message) => message.userId)).toEqual(['alice', 'carol']);
	});

	it('takes an array from an expression and drops blanks and repeats', async () => {
		const app = addApp(server(), { users: ['alice', 'bob'] });
		await run(app, appParams('sendToUsers', { userIds: '={{ $json.people }}', ...text }), {
			items: [{ people: ['alice', ' ', 'bob', 'alice'] }],
		});
		expect(requestsTo(server(), BATCH_PATH).map(bodyOf)[0].userIds).toEqual(['alice', 'bob']);
	});

	it('refuses an empty list before calling DingTalk', async () => {
		const app = addApp(server(), { users: ['alice'] });
		const error = await runExpectingError(
			app,
			appParams('sendToUsers', { userIds: ' , ', ...text }),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.description).toContain('(parameter: userIds)');
		expect(server().fake.requests).toHaveLength(0);
	});

	it('stops at a failing batch and says who already got the message', async () => {
		const people = staff(30);
		const app = addApp(server(), { users: people });
		// Token request, first batch, then the second batch is refused.
		server().fake.injectFaults(
			{ delayMs: 0 },
			{ delayMs: 0 },
			{
				status: 403,
				body: JSON.stringify({
					code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied',
					message: '没有调用该接口的权限',
					requestid: 'REQ123',
				}),
			},
		);
		const error = await runExpectingError(
			app,
			appParams('sendToUsers', { userIds: people.join(','), ...text }),
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toContain('(Forbidden.AccessDenied.AccessTokenPermissionDenied)');
		expect(error.description).toMatch(/qyapi_robot_sendmsg/);
		expect(error.description).toMatch(/20 people in the batches before this one/);
		expect((error as NodeApiError).context.requestId).toBe('REQ123');
		expect(requestsTo(server(), BATCH_PATH)).toHaveLength(2);
		expect(server().openApi.messages).toHaveLength(20);
	});

	it('with Continue On Fail, the failed item lists each recipient’s status', async () => {
		const people = staff(25);
		const app = addApp(server(), { users: people });
		server().fake.injectFaults(
			{ delayMs: 0 },
			{ delayMs: 0 },
			{ status: 500, body: '{"code":"ServiceUnavailable","message":"busy"}' },
		);
		const output = await run(
			app,
			appParams('sendToUsers', { userIds: people.join(','), ...text }),
			{ continueOnFail: true },
		);
		expect(output).toHaveLength(1);
		const json = output[0].json;
		expect(json.code).toBe('ServiceUnavailable');
		expect(output[0].pairedItem).toEqual({ item: 0 });
		const statuses = (json.recipients as Array<{ status: string }>).map((r) => r.status);
		expect(statuses.filter((status) => status === 'sent')).toHaveLength(20);
		expect(statuses.slice(20)).toEqual(Array(5).fill('notSent'));
		expect(json.deliveredUserIds).toEqual(people.slice(0, 20));
	});

	it('DingTalk itself refuses more than 20 user IDs in one call', async () => {
		const people = staff(21);
		const app = addApp(server(), { users: people });
		const answer = await fetch(`${server().fake.baseUrl}/v1.0/oauth2/accessToken`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ appKey: app.appKey, appSecret: app.appSecret }),
		});
		const { accessToken } = (await answer.json()) as { accessToken: string };
		const refused = await fetch(`${server().fake.baseUrl}${BATCH_PATH}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': accessToken },
			body: JSON.stringify({
				robotCode: app.appKey,
				userIds: people,
				msgKey: 'sampleText',
				msgParam: '{"content":"x"}',
			}),
		});
		expect(refused.status).toBe(400);
		expect(((await refused.json()) as { code: string }).code).toBe(
			'invalidParameter.userIds.overMax',
		);
		// The node never sends that many at once.
		server().fake.requests.length = 0;
		await run(app, appParams('sendToUsers', { userIds: people.join(','), ...text }));
		expect(
			requestsTo(server(), BATCH_PATH).map((r) => (bodyOf(r).userIds as string[]).length),
		).toEqual([20, 1]);
	});
});
