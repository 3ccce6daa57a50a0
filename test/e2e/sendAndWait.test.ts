// Send and Wait for Response inside a real n8n: the workflow posts the card to the fake DingTalk
// and waits; the test takes the resume URLs from what DingTalk received and opens them as a
// person would (GET shows a page and decides nothing, POST answers). A tampered signature gets
// 401 and resumes nothing, a second answer finds nothing to do, and a time limit resumes the
// workflow without an answer.
import { nodeOutput } from '../../scripts/n8n-executions';
import type { ExecutionDetail } from '../../scripts/n8n-executions';
import { FakeDingTalk, FakeOpenApi } from '../fake-dingtalk';
import { fakeAppCredentialData, randomAppKeys } from './support/dingtalk';
import { credential, robotCredential, ROBOT_CREDENTIAL } from './support/fixtures';
import { useN8n } from './support/n8n';
import { ownerCookie } from './support/owner';
import { afterTimeLimit, failureOf, post, whenEnded } from './support/runs';
import { sendAndWaitWorkflow } from './support/workflows';

const TOKEN = 'e2esendandwait0000000000000000000000000000000000000000000000000001';
const robot = { type: 'dingTalkRobotApi', data: {}, ...ROBOT_CREDENTIAL };
const keys = randomAppKeys();
const GROUP = 'cidE2eSendWait01==';
const APP = { id: 'e2eSendWaitApp01', name: 'E2E send and wait app' };
const app = { type: 'dingTalkAppApi', data: {}, ...APP };

const ask = (id: string, path: string, parameters: Record<string, unknown>) =>
	sendAndWaitWorkflow({
		id,
		path,
		ask: { cardTitle: 'Deploy v2.3 to production?', message: 'All checks passed.', ...parameters },
		credential: robot,
	});

const WORKFLOWS = {
	approval: ask('e2eSendWaitAppr1', 'e2e-wait-approval', {
		approvalOptions: {
			values: { approvalType: 'double', approveLabel: 'Deploy', disapproveLabel: 'Stop' },
		},
	}),
	freeText: ask('e2eSendWaitText1', 'e2e-wait-text', { responseType: 'freeText' }),
	form: ask('e2eSendWaitForm1', 'e2e-wait-form', {
		responseType: 'customForm',
		formFields: {
			values: [
				{ fieldLabel: 'Version', fieldType: 'text', requiredField: true },
				{ fieldLabel: 'Replicas', fieldType: 'number' },
				{ fieldLabel: '__proto__', fieldType: 'textarea' },
			],
		},
	}),
	appGroup: sendAndWaitWorkflow({
		id: 'e2eSendWaitAppG1',
		path: 'e2e-wait-app-group',
		ask: {
			resource: 'appRobot',
			sendAndWaitTo: 'group',
			openConversationId: GROUP,
			cardTitle: 'Restart the payment service?',
			message: 'Error rate 12% for 5 minutes.',
			options: {},
		},
		credential: app,
	}),
	timeout: ask('e2eSendWaitTime1', 'e2e-wait-timeout', {
		options: {
			limitWaitTime: {
				values: { limitType: 'afterTimeInterval', resumeAmount: 0.02, resumeUnit: 'minutes' },
			},
		},
	}),
};

describe('Send and Wait for Response in a real n8n', () => {
	const fake = new FakeDingTalk({ robots: [{ token: TOKEN }] });
	const openApi = new FakeOpenApi({ apps: [{ ...keys, groups: [GROUP] }] });
	fake.use(openApi);
	const n8n = useN8n(async () => {
		const baseUrl = await fake.start();
		return {
			name: 'send-and-wait',
			credentials: [
				robotCredential({ accessToken: TOKEN, baseUrl }),
				credential('dingTalkAppApi', APP.id, APP.name, fakeAppCredentialData(keys, baseUrl)),
			],
			workflows: Object.values(WORKFLOWS),
		};
	});
	beforeEach(() => fake.reset());
	afterAll(async () => await fake.stop());

	/** Starts the workflow and waits until it waits; returns the card DingTalk received. */
	async function startAndWait(workflow: keyof typeof WORKFLOWS) {
		const fixture = WORKFLOWS[workflow];
		const before = (await n8n().executions.list(fixture.id)).length;
		await post(n8n().webhookUrl(String(fixture.nodes[0].parameters.path)), { release: 'v2.3' });
		const executions = await n8n().executions.waitFor(fixture.id, before + 1, {
			statuses: ['waiting'],
		});
		const execution = executions[executions.length - 1];
		if (workflow === 'appGroup') {
			expect(openApi.messages).toHaveLength(1);
			return {
				card: openApi.messages[0].msgParam,
				execution,
				fixture,
				message: openApi.messages[0],
			};
		}
		expect(fake.received).toHaveLength(1);
		const card = fake.received[0].body.actionCard as Record<string, unknown>;
		return { card, execution, fixture, message: undefined };
	}

	const finished = async (execution: ExecutionDetail) => await whenEnded(n8n(), execution.id);

	const statusOf = async (execution: ExecutionDetail) =>
		(await n8n().executions.get(execution.id)).status;

	it('approval: the link shows a confirmation page, a tampered signature gets 401, the POST resumes with data.approved', async () => {
		const { card, execution } = await startAndWait('approval');
		const [deploy, stop] = card.btns as Array<{ title: string; actionURL: string }>;
		expect([deploy.title, stop.title]).toEqual(['Deploy', 'Stop']);
		expect(deploy.actionURL.startsWith(`${n8n().baseUrl}/webhook-waiting/${execution.id}/`)).toBe(
			true,
		);

		// A person (or a link preview) opens the link: a page, no decision.
		const page = await fetch(deploy.actionURL);
		expect(page.status).toBe(200);
		const html = await page.text();
		expect(html).toContain('<form method="post">');
		expect(html).toContain('Deploy v2.3 to production?');
		expect(await statusOf(execution)).toBe('waiting');

		const tampered = new URL(deploy.actionURL);
		tampered.searchParams.set('signature', '0'.repeat(64));
		expect((await fetch(tampered, { method: 'POST' })).status).toBe(401);
		const swapped = new URL(deploy.actionURL);
		swapped.searchParams.set('approved', 'false');
		expect((await fetch(swapped, { method: 'POST' })).status).toBe(401);
		expect(await statusOf(execution)).toBe('waiting');

		const answer = await fetch(deploy.actionURL, { method: 'POST' });
		expect(answer.status).toBe(200);
		expect(await answer.text()).toContain('your response is recorded');
		const done = await finished(execution);
		expect(failureOf(done).status).toBe('success');
		expect(nodeOutput(done.data, 'Ask')).toEqual([{ data: { approved: true } }]);
		expect(nodeOutput(done.data, 'After the Answer')).toEqual([{ data: { approved: true } }]);

		// Clicking again, or the other button, changes nothing.
		const again = await fetch(stop.actionURL, { method: 'POST' });
		expect(again.status).toBeLessThan(500);
		expect(nodeOutput((await n8n().executions.get(execution.id)).data, 'Ask')).toEqual([
			{ data: { approved: true } },
		]);
	});

	it('free text: the Respond page posts the answer as data.text', async () => {
		const { card, execution } = await startAndWait('freeText');
		const url = String(card.singleURL);
		const page = await (await fetch(url)).text();
		expect(page).toContain('<textarea id="text" name="text" required>');
		expect(page).toContain('enctype="multipart/form-data"');
		const empty = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'text=',
		});
		expect(empty.status).toBe(400);
		expect(await statusOf(execution)).toBe('waiting');

		const answer = new FormData();
		answer.set('text', 'Wait until 18:00, please');
		expect((await fetch(url, { method: 'POST', body: answer })).status).toBe(200);
		const done = await finished(execution);
		expect(nodeOutput(done.data, 'Ask')).toEqual([{ data: { text: 'Wait until 18:00, please' } }]);
	});

	it('custom form: the fields come back under their labels, __proto__ too; a huge answer is refused', async () => {
		const { card, execution } = await startAndWait('form');
		const url = String(card.singleURL);
		const page = await (await fetch(url)).text();
		expect(page).toContain('Version *');
		// As a browser sends the page's form: multipart/form-data.
		const form = new FormData();
		form.set('field-0', 'v2.3.1');
		form.set('field-1', '3');
		form.set('field-2', 'x'.repeat(70_000));
		const huge = await fetch(url, { method: 'POST', body: form });
		expect(huge.status).toBe(413);
		expect(await huge.text()).toContain('longer than 64 KB');
		expect(await statusOf(execution)).toBe('waiting');

		form.set('field-2', 'kept as data');
		const posted = await fetch(url, { method: 'POST', body: form });
		expect(posted.status).toBe(200);
		const done = await finished(execution);
		expect(JSON.stringify(nodeOutput(done.data, 'Ask'))).toBe(
			'[{"data":{"Version":"v2.3.1","Replicas":3,"__proto__":"kept as data"}}]',
		);
	});

	it('app robot: the group gets the sampleActionCard template, and its button resumes the workflow', async () => {
		const { card, execution, message } = await startAndWait('appGroup');
		expect(message).toMatchObject({
			via: 'group',
			openConversationId: GROUP,
			msgKey: 'sampleActionCard',
		});
		expect(card).toMatchObject({ title: 'Restart the payment service?', singleTitle: 'Approve' });
		const url = String(card.singleURL);
		expect(new URL(url).searchParams.get('approved')).toBe('true');
		expect(await (await fetch(url)).text()).toContain('Error rate 12% for 5 minutes.');
		await fetch(url, { method: 'POST' });
		const done = await finished(execution);
		expect(nodeOutput(done.data, 'After the Answer')).toEqual([{ data: { approved: true } }]);
	});

	it('n8n offers the node as a human-review tool for AI agents (Human in the Loop)', async () => {
		type NodeType = { name: string; properties: Array<{ name: string; default?: unknown }> };
		const answer = await fetch(`${n8n().baseUrl}/types/nodes.json`, {
			headers: { cookie: await ownerCookie(n8n()) },
		});
		const body = (await answer.json()) as unknown;
		const types: NodeType[] = Array.isArray(body)
			? body
			: ((body as { data?: NodeType[]; nodes?: NodeType[] }).data ??
				(body as { nodes?: NodeType[] }).nodes ??
				(() => {
					throw new Error(
						`/types/nodes.json: ${answer.status} ${JSON.stringify(body).slice(0, 300)}`,
					);
				})());
		const hitl = types.find(
			(type) => type.name === 'n8n-nodes-dingtalk-robot.dingTalkRobotHitlTool',
		);
		expect(hitl).toBeDefined();
		const hidden = (name: string) =>
			hitl!.properties.find((property) => property.name === name)?.default;
		expect([hidden('resource'), hidden('operation'), hidden('responseType')]).toEqual([
			'message',
			'sendAndWait',
			'approval',
		]);
	});

	it('a time limit resumes the workflow without an answer, with the input items', async () => {
		const { execution } = await startAndWait('timeout');
		const done = await afterTimeLimit(n8n(), execution.id);
		expect(failureOf(done).status).toBe('success');
		const [output] = nodeOutput(done.data, 'After the Answer');
		expect(output).toMatchObject({ body: { release: 'v2.3' } });
	}, 150_000);
});
