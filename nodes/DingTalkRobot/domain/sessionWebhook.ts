import { MessageFieldError } from './robotMessage';

const DINGTALK_SESSION_HOSTS = new Set(['oapi.dingtalk.com']);
// Only the session endpoint: /robot/send of another robot would post with that robot's token.
const SESSION_PATHS = new Set(['/robot/sendBySession']);

function parseUrl(value: string): URL | undefined {
	try {
		return new URL(value);
	} catch {
		return undefined;
	}
}

/**
 * A sessionWebhook comes from item data, so it must not let an item make n8n POST anywhere:
 * only DingTalk's own host over HTTPS, or the origin of the selected credential's Base URL.
 */
export function checkSessionWebhookUrl(value: string, allowedOrigin?: string): string {
	const url = parseUrl(value.trim());
	const fix =
		'Map the sessionWebhook field of a message received by the DingTalk Trigger, e.g. {{ $json.sessionWebhook }}.';
	if (!url) {
		throw new MessageFieldError('sessionWebhook', 'The session webhook is not a URL', fix);
	}
	const isDingTalk =
		url.protocol === 'https:' && DINGTALK_SESSION_HOSTS.has(url.hostname) && !url.port;
	const isCredentialHost = allowedOrigin !== undefined && url.origin === allowedOrigin;
	if ((!isDingTalk && !isCredentialHost) || url.username || url.password) {
		throw new MessageFieldError(
			'sessionWebhook',
			`The session webhook must be an https://oapi.dingtalk.com address, not ${url.origin}`,
			`${fix} For a proxy or private deployment, select a DingTalk Robot API credential whose Base URL has that host.`,
		);
	}
	if (!SESSION_PATHS.has(url.pathname.replace(/\/+$/, ''))) {
		throw new MessageFieldError(
			'sessionWebhook',
			`The session webhook path ${url.pathname} is not DingTalk's session endpoint /robot/sendBySession`,
			`${fix} To post to a group's custom robot, set Send To to Robot Webhook and select its credential.`,
		);
	}
	return url.toString();
}

/** sessionWebhookExpiredTime is a millisecond timestamp; empty means "not known". */
export function checkSessionNotExpired(expiredTime: unknown, nowMs: number) {
	if (expiredTime === undefined || expiredTime === null || expiredTime === '') return;
	const expiresAt = Number(expiredTime);
	if (!Number.isFinite(expiresAt)) {
		throw new MessageFieldError(
			'sessionWebhookExpiredTime',
			`"Session Webhook Expires At" is not a timestamp: ${String(expiredTime).slice(0, 50)}`,
			'Map sessionWebhookExpiredTime (milliseconds) from the received message, or leave it empty.',
		);
	}
	if (expiresAt <= nowMs) {
		throw new MessageFieldError(
			'sessionWebhookExpiredTime',
			`The session webhook expired at ${new Date(expiresAt).toISOString()}`,
			'DingTalk keeps a session webhook for about 90 minutes after the message. Reply sooner, or send through a robot webhook (Send To: Robot Webhook).',
		);
	}
}

/** The session webhook an item gives, checked to be one of DingTalk's session endpoints. */
export function checkSessionWebhook(webhook: string, allowedOrigin?: string): string {
	if (!webhook || !webhook.trim()) {
		throw new MessageFieldError(
			'sessionWebhook',
			'"Session Webhook" is empty',
			'Map the sessionWebhook field of a message received by the DingTalk Trigger, e.g. {{ $json.sessionWebhook }}.',
		);
	}
	return checkSessionWebhookUrl(webhook, allowedOrigin);
}
