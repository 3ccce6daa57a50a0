import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { startDevEnvironment, type DevEnvironment } from '../../scripts/dev-environment';
import { APP_CREDENTIAL_TYPE } from '../../scripts/n8n-examples';
import { SCREENSHOTS, launchChromium, withScreenshot } from './browser';
import {
	addFromNodePanel,
	executeStep,
	fill,
	logIn,
	openCredentialList,
	selectedCredential,
} from './editorPage';

declare const __E2E_FAILURES__: string[];

/**
 * The DingTalk App API credential in n8n's own HTTP Request node, picked the way a user does:
 * Authentication → Predefined Credential Type → type "DingTalk" → DingTalk App API.
 */
describe('the HTTP Request node with the DingTalk App API credential, in the n8n editor', () => {
	let env: DevEnvironment;
	let devDir: string;
	let browser: Browser;
	let page: Page;
	const baseUrl = () => env.n8n.baseUrl;
	const appCredentialName = () =>
		env.credentials.find((credential) => credential.type === APP_CREDENTIAL_TYPE)!.name;

	beforeAll(async () => {
		devDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dingtalk-editor-http-'));
		env = await startDevEnvironment({
			devDir,
			name: 'editor-http-request',
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

	/** Opens the select of parameter `name` and clicks its option `option`. */
	async function choose(name: string, option: string) {
		await page.getByTestId(`parameter-input-${name}`).click();
		await page.getByText(option, { exact: true }).filter({ visible: true }).first().click();
	}

	/** The credential types the Credential Type list offers after typing `search`. */
	async function credentialTypesListed(search: string): Promise<string[]> {
		const select = page.getByTestId('parameter-input-nodeCredentialType');
		await select.click();
		await page.keyboard.type(search);
		const options = page.getByTestId('credential-select-option').filter({ visible: true });
		const nothing = page.getByText('No matching data').filter({ visible: true });
		await options.or(nothing).first().waitFor();
		return await options.allInnerTexts();
	}

	/** A new HTTP Request node with the DingTalk App API credential, chosen from the lists. */
	async function httpRequestWithAppCredential() {
		await addFromNodePanel(page, baseUrl(), 'HTTP Request', 'HTTP Request');
		await page.getByTestId('ndv').waitFor();
		await choose('authentication', 'Predefined Credential Type');

		const listed = await credentialTypesListed('DingTalk');
		expect(listed.map((text) => text.trim())).toContain('DingTalk App API');
		await page
			.getByTestId('credential-select-option')
			.filter({ visible: true })
			.getByText('DingTalk App API', { exact: true })
			.click();

		if ((await selectedCredential(page)) === '') {
			await (await openCredentialList(page, appCredentialName())).click();
		}
		expect(await selectedCredential(page)).toBe(appCredentialName());
	}

	/** Method POST to `url` with a JSON body of the fields `body`, entered in the form. */
	async function postFields(url: string, body: Record<string, string>) {
		await choose('method', 'POST');
		await fill(page, 'url', url);
		await page.getByTestId('parameter-input-sendBody').click();
		const entries = Object.entries(body);
		for (const [index, [name, value]] of entries.entries()) {
			if (index > 0) await page.getByText('Add Body Field', { exact: true }).last().click();
			await page.getByTestId('parameter-input-name').nth(index).locator('input').fill(name);
			await page.getByTestId('parameter-input-value').nth(index).locator('input').fill(value);
		}
	}

	// Requests since the test's execution started (no reset: it would forget the issued tokens).
	let before = 0;
	const requestsTo = (path: string) =>
		env.sandbox.fake.requests.slice(before).filter((request) => request.path === path);

	it('looks up a person on the legacy API, the token in the access_token query', async () => {
		await withScreenshot(page, 'http-request-legacy-api', async () => {
			await httpRequestWithAppCredential();
			await postFields(`${env.sandbox.fake.baseUrl}/topapi/v2/user/get`, {
				userid: 'sandbox-user-01',
			});

			before = env.sandbox.fake.requests.length;
			const output = await executeStep(page);
			expect(output).toContain('Sandbox User');
			const lookups = requestsTo('/topapi/v2/user/get');
			expect(lookups.map((request) => request.response?.errcode)).toEqual([0]);
			// The fake answers errcode 0 only to a token it issued to this app, in this parameter.
			expect(lookups[0].query.access_token).toMatch(/^\w+$/);
			expect(lookups[0].headers['x-acs-dingtalk-access-token']).toBeUndefined();
		});
	});

	it('sends to a group on the new-style API, the token in x-acs-dingtalk-access-token', async () => {
		await withScreenshot(page, 'http-request-new-api', async () => {
			await httpRequestWithAppCredential();
			await postFields(`${env.sandbox.fake.baseUrl}/v1.0/robot/groupMessages/send`, {
				robotCode: env.sandbox.appCredentialData.appKey,
				openConversationId: 'cidSandboxGroup0001==',
				msgKey: 'sampleText',
				msgParam: JSON.stringify({ content: 'Hello from the HTTP Request node' }),
			});

			before = env.sandbox.fake.requests.length;
			const messagesBefore = env.openApi.messages.length;
			const output = await executeStep(page);
			expect(output).toContain('processQueryKey');
			const [send] = requestsTo('/v1.0/robot/groupMessages/send');
			expect(send.status).toBe(200);
			expect(send.query.access_token).toBeUndefined();
			// The fake accepts (200) only a token it issued to this app, sent in this header.
			expect(send.headers['x-acs-dingtalk-access-token']).toMatch(/^\w+$/);
			expect(requestsTo('/v1.0/robot/groupMessages/send')).toHaveLength(1);
			expect(env.openApi.messages.slice(messagesBefore)).toEqual([
				expect.objectContaining({
					msgParam: expect.objectContaining({ content: 'Hello from the HTTP Request node' }),
				}),
			]);
		});
	});
});
