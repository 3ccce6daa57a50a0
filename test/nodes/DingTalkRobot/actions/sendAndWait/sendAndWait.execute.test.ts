/**
 * Send and Wait for Response when the node runs: the card DingTalk receives (buttons that are
 * this execution's signed resume URLs), one message per run whatever the number of items, the
 * input passed on while waiting, and the wait limit. The pages and answers are in
 * sendAndWait.webhook.test.ts; the whole round trip in a real n8n in test/e2e/sendAndWait.test.ts.
 */
import { SEND_AND_WAIT_OPERATION } from 'n8n-workflow';

import { DingTalkRobot } from '../../../../../nodes/DingTalkRobot/DingTalkRobot.node';
import { runNode } from '../../../../helpers/runNode';
import { addApp, triggerItem, useFakeOpenApi } from '../../support/app';
import { addRobot, useFakeDingTalk } from '../../support/robot';

const fake = useFakeDingTalk();

const ask = (fields: Record<string, unknown> = {}) => ({
	resource: 'message',
	operation: 'sendAndWait',
	cardTitle: 'Deploy v2.3?',
	message: 'All checks passed. Deploy **v2.3** to production?',
	...fields,
});

describe('Send and Wait for Response (custom robot): the card and the wait', () => {
	it('uses the operation value n8n checks resume signatures for', () => {
		const operation = new DingTalkRobot().description.properties.find(
			(property) =>
				property.name === 'operation' &&
				property.displayOptions?.show?.resource?.includes('message'),
		)!;
		expect(operation.options?.map((option) => (option as { value: string }).value)).toContain(
			SEND_AND_WAIT_OPERATION,
		);
	});

	it('posts one action card with approve and decline buttons that resume this execution, and waits', async () => {
		const robot = addRobot(fake());
		const { output, context } = await runNode({
			parameters: ask({
				approvalOptions: {
					values: { approvalType: 'double', approveLabel: 'Deploy', disapproveLabel: 'Stop' },
				},
			}),
			credentials: robot.credentials,
			items: [{ release: 'v2.3' }, { release: 'v2.4' }],
			executionId: 'exec-42',
		});

		expect(fake().received).toHaveLength(1);
		const card = fake().received[0].body.actionCard;
		expect(card).toMatchObject({
			title: 'Deploy v2.3?',
			text: expect.stringContaining('v2.3'),
			btnOrientation: '1',
		});
		const [deploy, stop] = card.btns as Array<{ title: string; actionURL: string }>;
		expect(deploy.title).toBe('Deploy');
		expect(stop.title).toBe('Stop');
		for (const [button, approved] of [
			[deploy, 'true'],
			[stop, 'false'],
		] as const) {
			const url = new URL(button.actionURL);
			expect(url.pathname).toBe('/webhook-waiting/exec-42/node-under-test');
			expect(url.searchParams.get('approved')).toBe(approved);
			expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
		}
		expect(output).toEqual([
			{ json: { release: 'v2.3' }, pairedItem: { item: 0 } },
			{ json: { release: 'v2.4' }, pairedItem: { item: 1 } },
		]);
		expect(context.waitTill).toEqual(new Date('3000-01-01T00:00:00.000Z'));
		expect(context.signatureValidationRequired).toBe(true);
	});

	it('offers one Respond button to the answer page for a free-text question', async () => {
		const robot = addRobot(fake());
		await runNode({
			parameters: ask({ responseType: 'freeText', options: { messageButtonLabel: 'Answer' } }),
			credentials: robot.credentials,
		});
		const card = fake().received[0].body.actionCard;
		expect(card.singleTitle).toBe('Answer');
		const url = new URL(card.singleURL);
		expect(url.searchParams.get('approved')).toBeNull();
		expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
	});

	it('waits until the limit: after an interval, or at a date', async () => {
		const robot = addRobot(fake());
		const before = Date.now();
		const { context } = await runNode({
			parameters: ask({
				options: {
					limitWaitTime: {
						values: { limitType: 'afterTimeInterval', resumeAmount: 30, resumeUnit: 'minutes' },
					},
				},
			}),
			credentials: robot.credentials,
		});
		const waitTill = (context.waitTill as Date).getTime();
		expect(waitTill).toBeGreaterThanOrEqual(before + 30 * 60_000);
		expect(waitTill).toBeLessThan(Date.now() + 30 * 60_000 + 1000);

		const at = await runNode({
			parameters: ask({
				options: {
					limitWaitTime: {
						values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2031-05-01T08:00:00Z' },
					},
				},
			}),
			credentials: robot.credentials,
		});
		expect(at.context.waitTill).toEqual(new Date('2031-05-01T08:00:00Z'));
	});

	it('sends nothing and waits for nothing when the card has no title', async () => {
		const robot = addRobot(fake());
		await expect(
			runNode({ parameters: ask({ cardTitle: '' }), credentials: robot.credentials }),
		).rejects.toThrow('"Title" is empty');
		expect(fake().received).toHaveLength(0);
	});

	it('with Continue On Fail, a refused card gives one error item and no wait', async () => {
		const robot = addRobot(fake(), {}, { accessToken: 'not-a-known-robot-token' });
		const { output, context } = await runNode({
			parameters: ask(),
			credentials: robot.credentials,
			items: [{ n: 1 }, { n: 2 }],
			continueOnFail: true,
		});
		expect(output).toEqual([
			{ json: expect.objectContaining({ error: expect.any(String) }), pairedItem: { item: 0 } },
		]);
		expect(context.waitTill).toBeUndefined();
		expect(fake().received).toHaveLength(0);
	});

	it('refuses a custom form without fields before sending', async () => {
		const robot = addRobot(fake());
		await expect(
			runNode({
				parameters: ask({ responseType: 'customForm', defineForm: 'json', jsonOutput: '[]' }),
				credentials: robot.credentials,
			}),
		).rejects.toThrow('The form has no fields');
		expect(fake().received).toHaveLength(0);
	});
});

describe('Send and Wait for Response: a custom form whose texts are not text', () => {
	it.each([
		[
			'a number as label (JSON)',
			{ defineForm: 'json', jsonOutput: '[{"fieldLabel": 5}]' },
			/Field 1 has the label 5, a number/,
		],
		[
			'a number as placeholder (JSON)',
			{ defineForm: 'json', jsonOutput: '[{"fieldLabel": "Reason", "placeholder": 7}]' },
			/Field "Reason" has the placeholder 7, a number/,
		],
		[
			'a boolean as label (fields)',
			{ formFields: { values: [{ fieldLabel: true, fieldType: 'text' }] } },
			/Field 1 has the label true, a boolean/,
		],
		[
			'a number as dropdown option (fields)',
			{
				formFields: {
					values: [
						{
							fieldLabel: 'Window',
							fieldType: 'dropdown',
							fieldOptions: { values: [{ option: 3 }] },
						},
					],
				},
			},
			/The dropdown "Window" has the option 3, a number/,
		],
	])('refuses %s before sending, naming the field and the fix', async (_, form, problem) => {
		const robot = addRobot(fake());
		const error = await runNode({
			parameters: ask({ responseType: 'customForm', ...form }),
			credentials: robot.credentials,
		}).then(
			() => undefined,
			(caught: Error & { description?: string }) => caught,
		);
		expect(error?.message).toMatch(problem);
		expect(error?.message).toContain('write it as text in quotes');
		expect(fake().received).toHaveLength(0);
	});
});

describe('Send and Wait for Response: the other ways to reach people', () => {
	const app = useFakeOpenApi();

	it('answers a received message through its session webhook (Custom Robot Message)', async () => {
		const sessionWebhook = app().fake.addSession(Date.now() + 3_600_000);
		await runNode({
			parameters: ask({
				sendTo: 'sessionWebhook',
				sessionWebhook,
				sessionWebhookExpiredTime: String(Date.now() + 3_600_000),
			}),
			// The robot credential's Base URL (the fake) is where session webhooks may point.
			credentials: addRobot(app().fake).credentials,
		});
		expect(app().fake.received).toMatchObject([
			{ via: 'session', body: { msgtype: 'actionCard', actionCard: { singleTitle: 'Approve' } } },
		]);
	});

	it('asks people in their 1:1 chats (App Robot → Users), and fails when nobody got it', async () => {
		const testApp = addApp(app(), { users: ['manager4220'] });
		await runNode({
			parameters: ask({
				resource: 'appRobot',
				sendAndWaitTo: 'users',
				userIds: 'manager4220',
				options: {},
			}),
			credentials: testApp.credentials,
		});
		expect(app().openApi.messages).toMatchObject([
			{ via: 'single', userId: 'manager4220', msgKey: 'sampleActionCard' },
		]);
		const { context } = await runNode({
			parameters: ask({
				resource: 'appRobot',
				sendAndWaitTo: 'users',
				userIds: 'nobody',
				options: {},
			}),
			credentials: testApp.credentials,
		}).catch((error: Error) => ({ context: { error } }) as never);
		expect(String((context as unknown as { error: Error }).error)).toContain(
			'delivered the question to none',
		);
	});

	it('replies to a received group message (App Robot → Reply to Message), @-mentioning the sender', async () => {
		const testApp = addApp(app());
		const incoming = triggerItem(app(), testApp, {
			type: 'group',
			sessionExpiresAt: Date.now() + 3_600_000,
		});
		const { context } = await runNode({
			parameters: ask({ resource: 'appRobot', sendAndWaitTo: 'reply', options: {} }),
			credentials: testApp.credentials,
			items: [incoming],
		});
		expect(app().fake.received).toMatchObject([
			{ via: 'session', body: { msgtype: 'actionCard', actionCard: { title: 'Deploy v2.3?' } } },
		]);
		expect(context.signatureValidationRequired).toBe(true);
	});
});
