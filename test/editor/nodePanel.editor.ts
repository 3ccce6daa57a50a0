import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';

import { DingTalkRobot } from '../../nodes/DingTalkRobot/DingTalkRobot.node';
import { startDevEnvironment, type DevEnvironment } from '../../scripts/dev-environment';
import { APP_CREDENTIAL_TYPE, ROBOT_CREDENTIAL_TYPE } from '../../scripts/n8n-examples';
import type { FakeStreamConnection } from '../fake-dingtalk/streamGateway';
import { SCREENSHOTS, launchChromium, withScreenshot } from './browser';
import {
	addFromNodePanel,
	executeStep,
	field,
	fill,
	logIn,
	openCredentialList,
	selectedCredential,
} from './editorPage';

declare const __E2E_FAILURES__: string[];

const description = new DingTalkRobot().description;
const resourceNames = new Map(
	(description.properties.find((property) => property.name === 'resource')!.options ?? []).map(
		(option) => [String((option as { value: string }).value), option.name],
	),
);

/** Every action the node panel offers, from the node's own operation lists. */
const actions = description.properties
	.filter((property) => property.name === 'operation')
	.flatMap((property) =>
		(property.displayOptions!.show!.resource as string[]).flatMap((resource) =>
			(property.options ?? []).map((option) => ({
				resource,
				resourceName: resourceNames.get(resource)!,
				operation: String((option as { value: string }).value),
				operationName: option.name,
				action: (option as { action: string }).action,
			})),
		),
	);

const credentialType = (resource: string) =>
	resource === 'message' ? ROBOT_CREDENTIAL_TYPE : APP_CREDENTIAL_TYPE;

/** Waits for what a card click shows; when it does not come, fails with what the page said. */
async function shownAfterClick(sandbox: Page, shown: Locator): Promise<void> {
	try {
		await shown.waitFor();
	} catch (error) {
		const said = await sandbox
			.locator('#cards-result')
			.innerText()
			.catch(() => '');
		throw new Error(`${(error as Error).message}\nThe sandbox page said: ${said || '(nothing)'}`);
	}
}

describe('a new user in the n8n editor', () => {
	let env: DevEnvironment;
	let devDir: string;
	let browser: Browser;
	let page: Page;
	const credentialName = (type: string) =>
		env.credentials.find((credential) => credential.type === type)!.name;
	const baseUrl = () => env.n8n.baseUrl;
	/**
	 * The form's credential is one of `type`: selected by n8n itself, or picked from a list that
	 * offers it and not `notType`.
	 */
	const expectCredentialOffered = async (type: string, notType: string) => {
		if ((await selectedCredential(page)) === '') {
			const option = await openCredentialList(page, credentialName(type));
			const other = page
				.getByText(credentialName(notType), { exact: true })
				.filter({ visible: true });
			expect(await other.count()).toBe(0);
			await option.click();
		}
		// n8n may select one by itself; the sandbox has two app credentials.
		const ofType = env.credentials.filter((credential) => credential.type === type);
		expect(ofType.map((credential) => credential.name)).toContain(await selectedCredential(page));
	};
	/** Posts to an example's webhook and returns the execution that then waits for an answer. */
	const startWaiting = async (workflowId: string, path: string, body: object) => {
		const before = (await env.n8n.executions.list(workflowId)).length;
		const started = await fetch(`${baseUrl()}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect(started.status).toBe(200);
		const [waiting] = (
			await env.n8n.executions.waitFor(workflowId, before + 1, { statuses: ['waiting'] })
		).slice(-1);
		return { before, waiting };
	};
	/** Answer Via → Card Buttons shows the template and approvers fields; fills the approvers. */
	const chooseCardButtonsWithApprovers = async () => {
		await page.getByTestId('parameter-input-answerVia').click();
		await page
			.getByText('Card Buttons (Interactive Card over Stream)', { exact: true })
			.filter({ visible: true })
			.first()
			.click();
		await field(page, 'cardTemplateId').waitFor();
		await fill(page, 'approvers', 'manager1234');
		expect(await field(page, 'approvers').inputValue()).toBe('manager1234');
	};

	beforeAll(async () => {
		fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
		devDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dingtalk-editor-'));
		env = await startDevEnvironment({
			devDir,
			name: 'editor',
			artifactsDir: path.join(SCREENSHOTS, '..', 'editor-n8n'),
		});
		browser = await launchChromium();
		page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
		await logIn(page, baseUrl(), env.state.owner.email, env.state.owner.password);
	}, 300_000);

	afterAll(async () => {
		await browser?.close();
		await env?.n8n.stop({ failures: __E2E_FAILURES__ });
		await env?.sandbox.stop();
		await env?.model.stop();
		if (devDir) fs.rmSync(devDir, { recursive: true, force: true });
	});

	it('lists the custom robot actions before the App Robot ones', async () => {
		await withScreenshot(page, 'node-panel-order', async () => {
			const panel = await addFromNodePanel(page, baseUrl(), 'DingTalk', 'DingTalk Robot');
			await panel.getByText(actions[actions.length - 1].action, { exact: true }).waitFor();
			const text = await panel.innerText();
			const positions = actions.map((action) => text.indexOf(action.action));
			expect(positions.every((position) => position >= 0)).toBe(true);
			// n8n 2.41 lists Send and Wait actions apart, under Human in the loop.
			const listed = (resource: string) =>
				positions.filter(
					(_, i) => actions[i].resource === resource && actions[i].operation !== 'sendAndWait',
				);
			const lastMessage = Math.max(...listed('message'));
			const firstApp = Math.min(...listed('appRobot'));
			expect(lastMessage).toBeLessThan(firstApp);
		});
	});

	it.each(actions.map((action) => [action.action, action] as const))(
		'"%s" opens its own resource, operation and credential',
		async (_, action) => {
			await withScreenshot(page, `action-${action.action}`, async () => {
				const panel = await addFromNodePanel(page, baseUrl(), 'DingTalk', 'DingTalk Robot');
				await panel.getByText(action.action, { exact: true }).click();
				await page.getByTestId('ndv').waitFor();
				await field(page, 'operation').waitFor();
				const hasResource = (await page.getByTestId('parameter-input-resource').count()) > 0;
				expect({
					resource: hasResource
						? await field(page, 'resource').inputValue()
						: '(no Resource field)',
					operation: await field(page, 'operation').inputValue(),
					credential: await selectedCredential(page),
				}).toEqual({
					resource: action.resourceName,
					operation: action.operationName,
					credential: credentialName(credentialType(action.resource)),
				});
				expect(await field(page, 'resource').isEnabled()).toBe(true);
			});
		},
	);

	it('sends a text message to the custom robot from the editor and shows the output', async () => {
		await withScreenshot(page, 'run-send-text', async () => {
			env.sandbox.fake.reset();
			const panel = await addFromNodePanel(page, baseUrl(), 'DingTalk', 'DingTalk Robot');
			await panel.getByText('Send a text message', { exact: true }).click();
			await fill(page, 'content', 'Hello from the editor test');
			const output = await executeStep(page);
			expect(output).toMatch(/"errmsg":\s*"ok"/);
			expect(env.sandbox.fake.received.map((message) => message.body)).toEqual([
				expect.objectContaining({
					msgtype: 'text',
					text: { content: 'Hello from the editor test' },
				}),
			]);
			await page.getByTestId('ndv-close-button').click();
			const canvasText = await page.getByTestId('canvas').innerText();
			expect(canvasText).not.toContain('sendText');
		});
	});

	it('switches Resource in the form, and the credential follows', async () => {
		await withScreenshot(page, 'switch-resource', async () => {
			const panel = await addFromNodePanel(page, baseUrl(), 'DingTalk', 'DingTalk Robot');
			await panel.getByText('Send a text message', { exact: true }).click();
			const choose = async (option: string) => {
				await page.getByTestId('parameter-input-resource').click();
				await page.getByText(option, { exact: true }).filter({ visible: true }).first().click();
			};
			await choose(resourceNames.get('appRobot')!);
			// The form now asks for the app credential: its list offers the app's, not the robot's.
			expect(await field(page, 'operation').inputValue()).toBe('Send to Group');
			await expectCredentialOffered(APP_CREDENTIAL_TYPE, ROBOT_CREDENTIAL_TYPE);
			await choose(resourceNames.get('message')!);
			expect(await field(page, 'operation').inputValue()).toBe('Send Text');
			// The form asks for the robot credential again: n8n 2.8 selects the existing one by
			// itself, n8n 2.41 leaves the choice to the user, from robot credentials only.
			await expectCredentialOffered(ROBOT_CREDENTIAL_TYPE, APP_CREDENTIAL_TYPE);
		});
	});

	it('offers card buttons for the App Robot’s Send and Wait, with a template and approvers', async () => {
		await withScreenshot(page, 'send-and-wait-card-buttons', async () => {
			const sendAndWait = actions.find(
				(action) => action.resource === 'appRobot' && action.operation === 'sendAndWait',
			)!;
			const panel = await addFromNodePanel(page, baseUrl(), 'DingTalk', 'DingTalk Robot');
			await panel.getByText(sendAndWait.action, { exact: true }).click();
			await field(page, 'answerVia').waitFor();
			// Links by default: nothing about cards on the form yet.
			expect(await field(page, 'answerVia').inputValue()).toBe('Links');
			expect(await page.getByTestId('parameter-input-cardTemplateId').count()).toBe(0);
			await chooseCardButtonsWithApprovers();
			const notice = page.getByText(/Card buttons need a published DingTalk Stream Trigger/);
			expect(await notice.filter({ visible: true }).count()).toBe(1);
		});
	});

	it('offers an AI Agent’s human review through the App Robot, on a card with approvers', async () => {
		await withScreenshot(page, 'hitl-tool-ask-through', async () => {
			await addFromNodePanel(page, baseUrl(), 'AI Agent', 'AI Agent');
			await page.keyboard.press('Escape');
			await page
				.getByTestId('canvas-node-input-handle')
				.filter({ hasText: 'Tool' })
				.getByTestId('canvas-handle-plus')
				.click();
			await page.getByTestId('node-creator-search-bar').fill('DingTalk');
			// n8n lists it under Human in the Loop; the AI tool of the node is "DingTalk Robot Tool".
			await page
				.getByTestId('node-creator-item-name')
				.getByText('DingTalk Robot', { exact: true })
				.click();
			await field(page, 'askThrough').waitFor();
			expect(await field(page, 'askThrough').inputValue()).toBe('Custom Robot (Links)');
			expect(await page.getByTestId('parameter-input-sendTo').count()).toBe(1);
			expect(await page.getByTestId('parameter-input-answerVia').count()).toBe(0);
			// Through the custom robot the list offers the robot credentials (it used to offer only
			// the app's).
			await expectCredentialOffered(ROBOT_CREDENTIAL_TYPE, APP_CREDENTIAL_TYPE);

			await page.getByTestId('parameter-input-askThrough').click();
			await page.getByText('App Robot', { exact: true }).filter({ visible: true }).first().click();
			await field(page, 'answerVia').waitFor();
			expect(await page.getByTestId('parameter-input-sendTo').count()).toBe(0);
			expect(await field(page, 'sendAndWaitTo').inputValue()).toBe('Group');
			// The credential list now offers the app credentials, not the robot's.
			await expectCredentialOffered(APP_CREDENTIAL_TYPE, ROBOT_CREDENTIAL_TYPE);

			await chooseCardButtonsWithApprovers();
		});
	});

	it('sends to a group through the app robot from the editor', async () => {
		await withScreenshot(page, 'run-app-robot-group', async () => {
			const before = env.openApi.messages.length;
			const panel = await addFromNodePanel(page, baseUrl(), 'DingTalk', 'DingTalk Robot');
			await panel.getByText('Send a message to a group', { exact: true }).click();
			await fill(page, 'openConversationId', 'cidSandboxGroup0001==');
			await fill(page, 'content', 'Hello group from the editor test');
			const output = await executeStep(page);
			expect(env.openApi.messages.slice(before)).toEqual([
				expect.objectContaining({
					msgParam: expect.objectContaining({ content: 'Hello group from the editor test' }),
				}),
			]);
			// The output panel shows the processQueryKey DingTalk (here the fake) answered.
			expect(output.replace(/\s+/g, '')).toContain(
				`"processQueryKey":"${env.openApi.messages[before].processQueryKey}"`,
			);
		});
	});

	it('lets a person approve a waiting deploy from the card on the sandbox page', async () => {
		await withScreenshot(page, 'sandbox-approve', async () => {
			const workflowId = 'dtExampleApprove';
			const { before, waiting } = await startWaiting(workflowId, 'deploy-request', {
				version: 'v9.9',
				requestedBy: 'editor test',
			});

			const sandbox = await page.context().newPage();
			await sandbox.goto(env.sandbox.pageUrl);
			const card = sandbox
				.locator('article[data-msgtype="actionCard"]')
				.filter({ hasText: 'Deploy v9.9 to production?' });
			const opened = page.context().waitForEvent('page');
			await card.locator('.card-button', { hasText: 'Deploy' }).click();
			const confirmation = await opened;
			await confirmation.getByRole('button', { name: 'Deploy' }).click();
			await confirmation.getByText('Thanks, your response is recorded').waitFor();
			await confirmation.close();
			await sandbox.close();

			const done = await env.n8n.executions.waitFor(workflowId, before + 1, {
				statuses: ['success'],
			});
			expect(done.at(-1)?.id).toBe(waiting.id);
		});
	});

	it('lets the approver approve a deploy gate on its interactive card on the sandbox page', async () => {
		await withScreenshot(page, 'sandbox-card-approve', async () => {
			const workflowId = 'dtExampleDeployG';
			const { before, waiting } = await startWaiting(workflowId, 'deploy-gate', {
				version: 'v8.8',
				requestedBy: 'editor test',
				changes: 'cards',
			});

			const sandbox = await page.context().newPage();
			await sandbox.goto(env.sandbox.pageUrl);
			const card = sandbox
				.locator('#cards-list .icard .swcard')
				.filter({ hasText: 'Deploy v8.8 to production?' });
			await card.waitFor();
			expect(await card.locator('.swcard-button').allTextContents()).toEqual(['Deploy', 'Cancel']);

			// Someone who is not an approver: only they are told, the deploy keeps waiting.
			await sandbox.locator('#cards-user').selectOption('sandbox-new-hire-01');
			await card.locator('.swcard-button', { hasText: 'Deploy' }).click();
			await shownAfterClick(
				sandbox,
				card.locator('.swcard-notice').filter({ hasText: 'Only the approvers' }),
			);
			expect((await env.n8n.executions.get(waiting.id)).status).toBe('waiting');

			// The approver: the card shows the decision and the deploy goes on.
			await sandbox.locator('#cards-user').selectOption('sandbox-user-01');
			await card.locator('.swcard-button', { hasText: 'Deploy' }).click();
			await shownAfterClick(
				sandbox,
				card.locator('.swcard-result').filter({ hasText: 'Approved by Sandbox User' }),
			);
			expect(await card.locator('.swcard-button').count()).toBe(0);
			await sandbox.close();

			const done = await env.n8n.executions.waitFor(workflowId, before + 1, {
				statuses: ['success'],
			});
			expect(done.at(-1)?.id).toBe(waiting.id);
		});
	});

	it.each([
		['the right secret', true],
		['a wrong secret', false],
	])('tests a new DingTalk Robot API credential with %s', async (_, valid) => {
		await withScreenshot(page, `credential-test-${valid ? 'valid' : 'wrong'}`, async () => {
			const panel = await addFromNodePanel(page, baseUrl(), 'DingTalk', 'DingTalk Robot');
			await panel.getByText('Send a text message', { exact: true }).click();
			await page.getByTestId('node-credentials-select').click();
			await page.getByTestId('node-credentials-select-item-new').click();
			const modal = page.getByTestId('editCredential-modal');
			const data = env.sandbox.robotCredentialData;
			await modal
				.getByTestId('parameter-input-accessToken')
				.locator('input')
				.fill(data.accessToken);
			await modal
				.getByTestId('parameter-input-secret')
				.locator('input')
				.fill(valid ? data.secret : `SEC${'0'.repeat(64)}`);
			await modal.getByTestId('parameter-input-baseUrl').locator('input').fill(data.baseUrl);
			await modal.getByTestId('credential-save-button').click();
			const verdict = modal
				.getByText(/Connection tested successfully|Couldn.t connect/)
				.filter({ visible: true });
			// n8n 2.8 shows the verdict in the modal; n8n 2.41 closes the modal when the test passed
			// and keeps it open with the reason when it failed.
			const outcome = await Promise.race([
				verdict.waitFor({ timeout: 60_000 }).then(() => 'verdict' as const),
				modal.waitFor({ state: 'hidden', timeout: 60_000 }).then(() => 'closed' as const),
			]);
			if (outcome === 'closed') {
				expect(valid).toBe(true);
				expect(await selectedCredential(page)).toMatch(/^DingTalk Robot account/);
				return;
			}
			expect(await verdict.innerText()).toMatch(
				valid ? /Connection tested successfully/ : /Couldn.t connect/,
			);
			if (!valid) {
				await modal.getByText('More details').click();
				expect(await modal.innerText()).toContain('the secret does not match the robot');
			}
		});
	});

	it('adds the DingTalk Trigger and shows its webhook URLs and the Publish step', async () => {
		await withScreenshot(page, 'trigger-url', async () => {
			await addFromNodePanel(page, baseUrl(), 'DingTalk', 'DingTalk Trigger');
			await page.getByText('Add to workflow', { exact: true }).click();
			const ndv = page.getByTestId('ndv');
			await ndv.getByText('Webhook URLs').click();
			const url = (kind: string) => new RegExp(`${baseUrl()}/${kind}/[0-9a-f-]{36}/webhook`);
			await ndv.getByText(url('webhook-test')).waitFor();
			await ndv.getByText('Production URL', { exact: true }).click();
			await ndv.getByText(url('webhook')).waitFor();
			const text = await ndv.innerText();
			expect(text).toContain('publish this workflow in n8n');
			expect(text).not.toMatch(/activate/i);
		});
	});
	it('adds the DingTalk Stream Trigger and a test run gets a robot message over Stream', async () => {
		await withScreenshot(page, 'stream-trigger', async () => {
			env.sandbox.fake.reset();
			await addFromNodePanel(page, baseUrl(), 'DingTalk', 'DingTalk Stream Trigger');
			await page.getByText('Add to workflow', { exact: true }).click();
			const ndv = page.getByTestId('ndv');
			await ndv.getByText('ONE of an app’s open connections', { exact: false }).waitFor();
			expect(await selectedCredential(page)).toBe(credentialName(APP_CREDENTIAL_TYPE));
			const receive = await page.getByTestId('parameter-input-receive').innerText();
			expect(receive).toContain('Robot Messages');
			expect(receive).toContain('Events');
			expect(receive).not.toContain('Card Callbacks');

			const stream = env.sandbox.stream;
			const before = stream.connections.length;
			await page.getByTestId('node-execute-button').click();
			// The test run opens a connection of its own, for robot messages and events, which the
			// gateway pushes to. (The published Stream examples' triggers receive no events, and may
			// open a new connection meanwhile when theirs fell silent.)
			let connection: FakeStreamConnection | undefined;
			for (let attempt = 0; attempt < 600 && !connection; attempt++) {
				connection = stream.connections
					.slice(before)
					.find(
						(candidate) =>
							!candidate.closed &&
							candidate.subscriptions.some((subscription) => subscription.type === 'EVENT'),
					);
				if (!connection) await page.waitForTimeout(100);
			}
			if (!connection) throw new Error('The test run opened no Stream connection in 60 s');
			stream.pushRobotMessage(
				{
					msgId: 'editor-stream-1',
					msgtype: 'text',
					text: { content: ' hello over Stream' },
					conversationType: '1',
					conversationId: 'cidEditor==',
					senderNick: 'Editor Test',
					sessionWebhook: `${env.sandbox.fake.baseUrl}/robot/sendBySession?session=editor`,
				},
				{ connectionId: connection.id },
			);
			const output = page.getByTestId('output-panel');
			await output
				.getByText(/1 item/)
				.first()
				.waitFor({ timeout: 60_000 });
			await output.getByTestId('radio-button-json').click();
			await output.getByText('hello over Stream', { exact: false }).first().waitFor();
			// The run is over: n8n closed the test run's connection.
			for (let attempt = 0; attempt < 100 && !connection.closed; attempt++) {
				await page.waitForTimeout(100);
			}
			expect(connection.closed).toBe(true);
		});
	});
});
