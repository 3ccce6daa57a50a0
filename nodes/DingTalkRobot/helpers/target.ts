import { createHash } from 'node:crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import { parseAccessToken, parseKeywords } from '../../shared/robotSigning';
import { MessageFieldError } from './interfaces';

/** Where a message goes: the credential's robot webhook, or a sessionWebhook of a received message. */
export type SendTarget =
	| { kind: 'robot'; baseUrl: string; pacingKey: string; keywords: string[]; signed: boolean }
	| { kind: 'session'; url: string };

const DINGTALK_SESSION_HOSTS = new Set(['oapi.dingtalk.com']);
const SESSION_PATHS = new Set(['/robot/sendBySession', '/robot/send']);

function parseUrl(value: string): URL | undefined {
	try {
		return new URL(value);
	} catch {
		return undefined;
	}
}

function originOf(baseUrl: string): string | undefined {
	return parseUrl(baseUrl.trim())?.origin;
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
			`The session webhook path ${url.pathname} is not a DingTalk robot endpoint`,
			fix,
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

/** Reads the target for one item from the node parameters and, for the robot, the credential. */
export async function resolveTarget(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<SendTarget> {
	const sendTo = this.getNodeParameter('sendTo', itemIndex, 'robot') as string;
	const hasCredential = Boolean(this.getNode().credentials?.dingTalkRobotApi);

	if (sendTo === 'sessionWebhook') {
		const webhook = this.getNodeParameter('sessionWebhook', itemIndex, '') as string;
		const expiredTime = this.getNodeParameter('sessionWebhookExpiredTime', itemIndex, '');
		let allowedOrigin: string | undefined;
		if (hasCredential) {
			const credentials = await this.getCredentials('dingTalkRobotApi', itemIndex);
			allowedOrigin = originOf((credentials.baseUrl as string) ?? '');
		}
		requireNonEmpty(webhook);
		const url = checkSessionWebhookUrl(webhook, allowedOrigin);
		checkSessionNotExpired(expiredTime, Date.now());
		return { kind: 'session', url };
	}

	if (!hasCredential) {
		throw new MessageFieldError(
			'credential',
			'No DingTalk Robot API credential is selected',
			'Select or create a DingTalk Robot API credential with the robot webhook, or set Send To to Session Webhook.',
		);
	}
	const credentials = await this.getCredentials('dingTalkRobotApi', itemIndex);
	const baseUrl = ((credentials.baseUrl as string) || 'https://oapi.dingtalk.com').trim();
	if (!originOf(baseUrl) || !/^https?:$/.test(parseUrl(baseUrl)!.protocol)) {
		throw new MessageFieldError(
			'credential',
			`The credential's Base URL is not an http(s) URL: ${baseUrl}`,
			'Set Base URL to https://oapi.dingtalk.com unless you use a proxy.',
		);
	}
	const token = parseAccessToken((credentials.accessToken as string) ?? '');
	if (!token) {
		throw new MessageFieldError(
			'credential',
			'The credential has no access token',
			'Paste the robot webhook URL or its access_token into the credential.',
		);
	}
	return {
		kind: 'robot',
		baseUrl,
		// The token is a secret: pace by a hash of it, never keep the token itself around.
		pacingKey: createHash('sha256')
			.update(`${originOf(baseUrl)}|${token}`)
			.digest('hex'),
		keywords: parseKeywords(credentials.keywords as string),
		// Mirrors the credential's authenticate(), which signs only when a secret is set.
		signed: String(credentials.secret ?? '').trim().length > 0,
	};
}

function requireNonEmpty(webhook: string) {
	if (!webhook || !webhook.trim()) {
		throw new MessageFieldError(
			'sessionWebhook',
			'"Session Webhook" is empty',
			'Map the sessionWebhook field of a message received by the DingTalk Trigger, e.g. {{ $json.sessionWebhook }}.',
		);
	}
}
