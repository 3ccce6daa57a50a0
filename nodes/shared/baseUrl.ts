import { MessageFieldError } from './fieldError';

/** A Base URL of a credential, checked: only http(s), no user info, no trailing slash. */
export type BaseUrlCheck =
	| { ok: true; url: string; origin: string }
	| { ok: false; problem: string };

export function checkBaseUrl(value: unknown, fallback: string, label: string): BaseUrlCheck {
	const text = String(value || fallback)
		.trim()
		.replace(/\/+$/, '');
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password) {
		return {
			ok: false,
			problem: `The credential's ${label} must be an http(s) URL, not "${text.slice(0, 100)}"`,
		};
	}
	return { ok: true, url: text, origin: url.origin };
}

/** For credentials' authenticate(): refuses to send anything with a Base URL that is not http(s). */
export function requireBaseUrl(value: unknown, fallback: string, label: string): string {
	const check = checkBaseUrl(value, fallback, label);
	if (!check.ok) throw new Error(`${check.problem}. Set it to ${fallback} unless you use a proxy.`);
	return check.url;
}

/** For node code: the Base URL of a credential, or a field error naming it and the fix. */
export function credentialBaseUrl(
	value: unknown,
	fallback: string,
	label: string,
): { url: string; origin: string } {
	const check = checkBaseUrl(value, fallback, label);
	if (!check.ok) {
		throw new MessageFieldError(
			'credential',
			check.problem,
			`Set ${label} to ${fallback} unless you use a proxy.`,
		);
	}
	return { url: check.url, origin: check.origin };
}

/** The origin of a URL, or undefined when it is not one. */
export function originOf(value: string): string | undefined {
	try {
		return new URL(value.trim()).origin;
	} catch {
		return undefined;
	}
}
