/**
 * Takes secrets out of text that came from DingTalk, a proxy in front of it or a failed request,
 * before the text is shown, logged or output. Answers can echo the request: its URL
 * (`access_token=…`, `sign=…`, `session=…`), its body (`"appSecret": "…"`) or a bare value.
 * Named secrets are masked whatever their value; the known secret values (app and client
 * secret, robot secret and token, app token) are removed wherever they appear.
 */

const SECRET_NAMES = [
	'access_token',
	'accessToken',
	'x-acs-dingtalk-access-token',
	'appSecret',
	'app_secret',
	'clientSecret',
	'client_secret',
	'secret',
	'sign',
	'session',
	'ticket',
].join('|');

/** name=value (query, form), "name": "value" (JSON), name: value (a header dump). */
const NAMED_SECRET = new RegExp(
	`(\\b(?:${SECRET_NAMES})["']?\\s*[:=]\\s*["']?)[^&\\s"'<>,;}]+`,
	'gi',
);

/** Shorter values are not secrets DingTalk issues; removing them would garble ordinary words. */
const MIN_SECRET_LENGTH = 8;

export function redactSecrets(text: string, secrets: readonly unknown[] = []): string {
	let redacted = text;
	const values = secrets
		.filter((secret): secret is string => typeof secret === 'string')
		.filter((secret) => secret.length >= MIN_SECRET_LENGTH)
		.sort((a, b) => b.length - a.length);
	for (const secret of values) {
		for (const form of new Set([
			secret,
			encodeURIComponent(secret),
			JSON.stringify(secret).slice(1, -1),
		])) {
			redacted = redacted.split(form).join('***');
		}
	}
	return redacted.replace(NAMED_SECRET, '$1***');
}
