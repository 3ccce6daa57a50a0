import type { Locator, Page } from 'playwright-core';

/** What a newcomer does in n8n's editor, in the editor's own data-test-id terms. */

export async function logIn(page: Page, baseUrl: string, email: string, password: string) {
	const answer = await page.request.post(`${baseUrl}/rest/login`, {
		data: { emailOrLdapLoginId: email, password },
	});
	if (!answer.ok()) throw new Error(`n8n refused the login (HTTP ${answer.status()})`);
}

/** New workflow → + → search → the node → (for an action node) the action. */
export async function addFromNodePanel(
	page: Page,
	baseUrl: string,
	search: string,
	nodeName: string,
): Promise<Locator> {
	await page.goto(`${baseUrl}/workflow/new`);
	await page.getByTestId('canvas-add-button').click({ timeout: 60_000 });
	await page.getByTestId('node-creator-search-bar').fill(search);
	await page.getByTestId('node-creator-item-name').getByText(nodeName, { exact: true }).click();
	return page.getByTestId('node-creator');
}

export function field(page: Page, name: string): Locator {
	return page.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();
}

export async function fill(page: Page, name: string, value: string) {
	await field(page, name).fill(value);
}

/** The credential the node's form selected ('' for none). */
export async function selectedCredential(page: Page): Promise<string> {
	const select = page.getByTestId('node-credentials-select');
	if ((await select.count()) === 0) return '';
	return await select.locator('input').first().inputValue();
}

/**
 * Opens the node's credential list and returns the visible option `name`. n8n re-renders the
 * credential field after a resource switch, and a click during that re-render opens nothing
 * (seen in fresh-clone CI runs on n8n 2.41), so the list is opened again when needed.
 */
export async function openCredentialList(page: Page, name: string): Promise<Locator> {
	const option = page.getByText(name, { exact: true }).filter({ visible: true });
	for (let attempt = 1; ; attempt++) {
		await page.getByTestId('node-credentials-select').click();
		try {
			await option.first().waitFor({ timeout: 5_000 });
			return option.first();
		} catch (error) {
			if (attempt === 3) throw error;
		}
	}
}

/** Presses Execute step in the open node and returns the output panel's text once it has data. */
export async function executeStep(page: Page): Promise<string> {
	await page.getByTestId('node-execute-button').click();
	const output = page.getByTestId('output-panel');
	await output
		.getByText(/\d+ items?/)
		.first()
		.waitFor({ timeout: 60_000 });
	await output.getByTestId('radio-button-json').click();
	// The JSON view renders after the switch; wait until it shows a key.
	for (let attempt = 0; attempt < 100; attempt++) {
		const text = await output.innerText();
		if (/"\w+"\s*:/.test(text)) return text;
		await page.waitForTimeout(100);
	}
	return await output.innerText();
}
