// Headless Chromium for the sandbox page tests: Debian's /usr/bin/chromium driven through
// playwright-core (no browser download). `missing` says why the tests must be skipped.
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** The few playwright-core calls the tests make (the package is an optional devDependency). */
export interface Locator {
	count(): Promise<number>;
	allTextContents(): Promise<string[]>;
	textContent(): Promise<string | null>;
	getAttribute(name: string): Promise<string | null>;
	inputValue(): Promise<string>;
	first(): Locator;
	locator(selector: string): Locator;
	fill(value: string): Promise<void>;
	click(): Promise<void>;
	selectOption(value: string): Promise<unknown>;
}
export interface Page {
	goto(url: string): Promise<unknown>;
	locator(selector: string): Locator;
	screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
	on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
	on(event: 'pageerror', listener: (error: Error) => void): void;
}
export interface Browser {
	newPage(options: { viewport: { width: number; height: number } }): Promise<Page>;
	close(): Promise<void>;
}
interface PlaywrightCore {
	chromium: {
		launch(options: {
			executablePath: string;
			headless: boolean;
			args: string[];
		}): Promise<Browser>;
	};
}

function playwrightCorePath(): string | undefined {
	try {
		return require.resolve('playwright-core');
	} catch {
		return undefined;
	}
}

const modulePath = playwrightCorePath();
export const missing = !existsSync(CHROMIUM)
	? `${CHROMIUM} is missing (apt-get install -y chromium)`
	: !modulePath
		? 'playwright-core is not installed (it is a devDependency)'
		: undefined;

/** Polls until `check` stops throwing (page updates arrive by polling too). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await check();
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
}

/** A new page of a headless Chromium, 1280×900; close the browser when done. */
export async function openChromium(): Promise<{ browser: Browser; page: Page }> {
	const playwright = (await import(modulePath!)) as PlaywrightCore;
	const browser = await playwright.chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_FLAGS,
	});
	return { browser, page: await browser.newPage({ viewport: { width: 1280, height: 900 } }) };
}
