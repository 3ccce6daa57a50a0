import * as fs from 'node:fs';
import * as path from 'node:path';

import { chromium, selectors, type Browser, type Page } from 'playwright-core';

import { repoRoot } from '../../scripts/n8n-runtime';

/** Debian's Chromium (apt-get install -y chromium), or $CHROMIUM_PATH. playwright-core downloads none. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];
export const SCREENSHOTS = path.join(repoRoot(), 'test-results', 'editor');

export async function launchChromium(): Promise<Browser> {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(
			`${CHROMIUM} is missing: run apt-get install -y chromium, or point CHROMIUM_PATH at a Chromium`,
		);
	}
	// n8n marks its elements with data-test-id.
	selectors.setTestIdAttribute('data-test-id');
	return await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Runs one step of a test; on failure keeps a screenshot named after it, then fails. */
export async function withScreenshot<T>(
	page: Page,
	name: string,
	step: () => Promise<T>,
): Promise<T> {
	try {
		return await step();
	} catch (error) {
		fs.mkdirSync(SCREENSHOTS, { recursive: true });
		const file = path.join(SCREENSHOTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
		await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
		(error as Error).message += `\nScreenshot: ${path.relative(repoRoot(), file)}`;
		throw error;
	}
}
