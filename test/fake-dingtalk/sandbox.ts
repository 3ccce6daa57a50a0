import { randomUUID } from 'node:crypto';

import { deriveEventAesKey, isEventAesKeyShape } from '../../nodes/shared/eventCrypto';
import type { FakeExtension, Reply, RequestContext, Route } from './routing';
import { SANDBOX_CORP_ID, SANDBOX_EVENT_TYPES, sampleEvent } from './sandboxEvents';
import {
	SESSION_LIFETIME_MS,
	SIGNATURE_VARIANTS,
	buildEventRequest,
	buildRobotRequest,
	checkEventReply,
	isLoopbackHostHeader,
	loopbackTarget,
	postToTrigger,
	type EventKeys,
	type SignatureVariant,
} from './sandboxFire';
import { escapeHtml } from './sandboxMarkdown';
import { sandboxPage } from './sandboxPage';
import { renderAppRobotMessage, renderReceived, type RenderedMessage } from './sandboxRender';
import type { FakeStreamGateway, RecordedAck } from './streamGateway';
import type { ReceivedMessage, SandboxAppRobotMessage, SandboxOptions } from './types';

/** What the sandbox needs from the fake server (FakeDingTalk satisfies it). */
export interface SandboxHost {
	readonly received: ReceivedMessage[];
	addSession(expiresAt: number): string;
}

/** The page lists at most this many messages, newest first. */
export const SANDBOX_MESSAGE_LIMIT = 200;

const MAX_TEXT_LENGTH = 5_000;

/** How long a Stream push waits for the trigger's ACK before the page is answered. */
export const STREAM_ACK_WAIT_MS = 10_000;

/** The Stream pushes the page lists, newest first. */
const STREAM_PUSH_LIMIT = 20;

/** Event types the Stream form offers: check_url belongs to the HTTP push only. */
export const SANDBOX_STREAM_EVENT_TYPES = SANDBOX_EVENT_TYPES.filter(
	(type) => type !== 'check_url',
);

/** Keys of the HTTP push's envelope; over Stream they travel as frame headers. */
const EVENT_ENVELOPE_KEYS = ['EventType', 'EventTime', 'CorpId', 'eventId'];

interface StreamPush {
	messageId: string;
	kind: 'robotMessage' | 'event';
	/** The message text or the event type. */
	summary: string;
	connectionId: string;
	at: number;
}

/** An ACK as the page shows it: `data` parsed when it is JSON. */
function ackView(ack: RecordedAck): { code: unknown; message: unknown; data: unknown } {
	let data: unknown = ack.data;
	if (typeof data === 'string') {
		try {
			data = JSON.parse(data);
		} catch {
			// shown as sent
		}
	}
	return { code: ack.code, message: ack.message, data };
}

interface SandboxConfig {
	appSecret?: string;
	eventKeys?: EventKeys;
	robotProblem?: string;
	eventProblem?: string;
	robotTriggerUrl: string;
	eventTriggerUrl: string;
}

function resolveConfig(options: SandboxOptions): SandboxConfig {
	const appSecret = options.appSecret?.trim() || undefined;
	const token = options.eventToken?.trim() ?? '';
	const aesKeyText = options.eventAesKey?.trim() ?? '';
	const ownerKey = options.ownerKey?.trim() || options.appKey?.trim() || '';
	const aesKey = deriveEventAesKey(aesKeyText);
	let eventProblem: string | undefined;
	if (!token) eventProblem = 'The sandbox was started without an event token.';
	else if (!isEventAesKeyShape(aesKeyText) || !aesKey.ok) {
		eventProblem = 'The sandbox was started without a valid 43-character event aes_key.';
	} else if (!ownerKey) eventProblem = 'The sandbox was started without an owner key or app key.';
	return {
		appSecret,
		eventKeys: eventProblem || !aesKey.ok ? undefined : { token, aesKey: aesKey.value, ownerKey },
		robotProblem: appSecret ? undefined : 'The sandbox was started without an app secret.',
		eventProblem,
		robotTriggerUrl: options.robotTriggerUrl ?? '',
		eventTriggerUrl: options.eventTriggerUrl ?? '',
	};
}

export const json = (status: number, body: unknown): Reply => ({
	status,
	json: body,
	headers: { 'Cache-Control': 'no-store' },
});

export type Handler = (context: RequestContext) => Reply | Promise<Reply>;

/**
 * Refuses requests whose Host is not loopback (DNS rebinding) and, for POSTs, anything but a JSON
 * body: a cross-site form cannot send application/json without a CORS preflight, which the fake
 * never allows.
 */
export function guarded(handle: Handler): Handler {
	return (context) => {
		if (!isLoopbackHostHeader(context.headers.host)) {
			return json(403, { error: 'The sandbox only answers on 127.0.0.1 or localhost.' });
		}
		if (context.method === 'POST') {
			const contentType = String(context.headers['content-type'] ?? '');
			if (contentType.split(';')[0].trim().toLowerCase() !== 'application/json') {
				return json(415, { error: 'Send the request as application/json.' });
			}
		}
		return handle(context);
	};
}

export function readJsonObject(context: RequestContext): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(context.rawBody.toString('utf8') || '{}');
		return value !== null && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

function stringField(body: Record<string, unknown>, name: string, fallback: string): string {
	const value = body[name];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

function signatureVariant(body: Record<string, unknown>): SignatureVariant | undefined {
	const value = stringField(body, 'signature', 'valid');
	return (SIGNATURE_VARIANTS as string[]).includes(value) ? (value as SignatureVariant) : undefined;
}

/** The sandbox page and its endpoints; FakeDingTalk plugs it in when `options.sandbox` is set. */
export function sandboxExtension(host: SandboxHost, options: SandboxOptions): FakeExtension {
	const config = resolveConfig(options);
	const page = sandboxPage(
		options.people,
		options.cards === true,
		options.approvals === true,
		options.todos === true,
	);
	let previousEvent: string | undefined;
	const gateway: FakeStreamGateway | undefined = options.stream;
	const streamProblem = gateway ? undefined : 'The sandbox was started without a Stream gateway.';
	const streamPushes: StreamPush[] = [];

	const streamStatus = () => ({
		ready: gateway !== undefined,
		problem: streamProblem,
		connections: (gateway?.liveConnections() ?? []).map((connection) => ({
			id: connection.id,
			clientId: connection.clientId,
			subscriptions: connection.subscriptions.map(({ type, topic }) => `${type} ${topic}`),
			openedAt: connection.openedAt,
		})),
		pushes: streamPushes.map((push) => ({
			...push,
			acks: (gateway?.acksFor(push.messageId) ?? []).map(ackView),
		})),
	});

	/** Pushes through the gateway, then waits a while for the trigger's ACK. */
	const pushOverStream = async (
		kind: StreamPush['kind'],
		summary: string,
		push: (gateway: FakeStreamGateway) => string,
		sent: unknown,
	): Promise<Reply> => {
		if (!gateway) return json(409, { error: streamProblem });
		let messageId: string;
		try {
			messageId = push(gateway);
		} catch (error) {
			return json(409, {
				error: `${(error as Error).message}. Publish a workflow with a DingTalk Stream Trigger that uses the sandbox's DingTalk App API credential, and receives ${kind === 'event' ? 'events' : 'robot messages'}.`,
			});
		}
		const connection = gateway.connections.find((candidate) =>
			candidate.sent.some((frame) => frame.headers.messageId === messageId),
		);
		streamPushes.unshift({
			messageId,
			kind,
			summary,
			connectionId: connection?.id ?? '',
			at: Date.now(),
		});
		streamPushes.length = Math.min(streamPushes.length, STREAM_PUSH_LIMIT);
		const ack = await gateway.waitForAck(messageId, STREAM_ACK_WAIT_MS).catch(() => undefined);
		return json(200, {
			messageId,
			connectionId: connection?.id,
			ack: ack ? ackView(ack) : undefined,
			connections: gateway.liveConnections().length,
			sent,
		});
	};

	const streamRobot: Handler = async (context) => {
		const body = readJsonObject(context);
		if (!body) return json(400, { error: 'The request body is not a JSON object.' });
		const text = typeof body.text === 'string' ? body.text.trim() : '';
		if (!text || text.length > MAX_TEXT_LENGTH) {
			return json(400, { error: `Enter a message of 1 to ${MAX_TEXT_LENGTH} characters.` });
		}
		// The body of an HTTP-mode message; over Stream it is the frame's data, unsigned.
		const message = buildRobotRequest(
			{
				text,
				senderNick: stringField(body, 'senderNick', 'Sandbox User'),
				senderStaffId: stringField(body, 'senderStaffId', 'sandbox-user-01'),
				chatType: body.chatType === 'single' ? 'single' : 'group',
				signature: 'valid',
			},
			{
				appSecret: config.appSecret ?? '',
				sessionWebhook: host.addSession(context.now + SESSION_LIFETIME_MS),
				nowMs: Date.now(),
			},
		).body;
		return await pushOverStream(
			'robotMessage',
			text,
			(stream) => stream.pushRobotMessage(message),
			{ topic: '/v1.0/im/bot/messages/get', data: message },
		);
	};

	const streamEvent: Handler = async (context) => {
		const body = readJsonObject(context);
		if (!body) return json(400, { error: 'The request body is not a JSON object.' });
		const eventType = stringField(body, 'eventType', 'user_add_org');
		const now = Date.now();
		const eventId = randomUUID().replace(/-/g, '');
		const sample = SANDBOX_STREAM_EVENT_TYPES.includes(eventType)
			? sampleEvent(eventType, { eventId, now })
			: undefined;
		if (!sample) return json(400, { error: `The sandbox has no Stream sample for ${eventType}.` });
		const data = Object.fromEntries(
			Object.entries(sample).filter(([key]) => !EVENT_ENVELOPE_KEYS.includes(key)),
		);
		const event = { eventType, eventId, eventBornTime: now, eventCorpId: SANDBOX_CORP_ID, data };
		return await pushOverStream('event', eventType, (stream) => stream.pushEvent(event), event);
	};

	const fireRobot: Handler = async (context) => {
		const body = readJsonObject(context);
		if (!body) return json(400, { error: 'The request body is not a JSON object.' });
		if (!config.appSecret) return json(409, { error: config.robotProblem });
		const target = loopbackTarget(body.triggerUrl ?? config.robotTriggerUrl);
		if ('error' in target) return json(400, { error: target.error });
		const text = typeof body.text === 'string' ? body.text.trim() : '';
		if (!text || text.length > MAX_TEXT_LENGTH) {
			return json(400, { error: `Enter a message of 1 to ${MAX_TEXT_LENGTH} characters.` });
		}
		const signature = signatureVariant(body);
		if (!signature) return json(400, { error: 'signature must be valid, wrong or stale.' });

		const request = buildRobotRequest(
			{
				text,
				senderNick: stringField(body, 'senderNick', 'Sandbox User'),
				senderStaffId: stringField(body, 'senderStaffId', 'sandbox-user-01'),
				chatType: body.chatType === 'single' ? 'single' : 'group',
				signature,
			},
			{
				appSecret: config.appSecret,
				// The session lives by the fake's clock; the message carries real time for the trigger.
				sessionWebhook: host.addSession(context.now + SESSION_LIFETIME_MS),
				nowMs: Date.now(),
			},
		);
		const answer = await postToTrigger(target.url, request.headers, request.body);
		return json(200, {
			...answer,
			sent: { url: target.url.href, headers: request.headers, body: request.body },
		});
	};

	const fireEvent: Handler = async (context) => {
		const body = readJsonObject(context);
		if (!body) return json(400, { error: 'The request body is not a JSON object.' });
		const keys = config.eventKeys;
		if (!keys) return json(409, { error: config.eventProblem });
		const target = loopbackTarget(body.triggerUrl ?? config.eventTriggerUrl);
		if ('error' in target) return json(400, { error: target.error });
		const signature = signatureVariant(body);
		if (!signature) return json(400, { error: 'signature must be valid, wrong or stale.' });

		let plaintext: string;
		if (body.retry === true) {
			if (!previousEvent)
				return json(409, { error: 'No event was sent yet, so there is nothing to retry.' });
			plaintext = previousEvent;
		} else if (typeof body.event === 'string' && body.event.trim() !== '') {
			const custom = readJsonObject({ ...context, rawBody: Buffer.from(body.event) });
			if (!custom) return json(400, { error: 'The event JSON is not a JSON object.' });
			plaintext = body.event.trim();
		} else {
			const eventType = stringField(body, 'eventType', 'check_url');
			const event = sampleEvent(eventType, {
				eventId: randomUUID().replace(/-/g, ''),
				now: Date.now(),
			});
			if (!event) return json(400, { error: `The sandbox has no sample for ${eventType}.` });
			plaintext = JSON.stringify(event);
		}
		previousEvent = plaintext;

		const request = buildEventRequest(plaintext, signature, keys, Date.now());
		const url = new URL(target.url);
		for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
		const answer = await postToTrigger(url, {}, request.body);
		const accepted = answer.status >= 200 && answer.status < 300;
		return json(200, {
			...answer,
			reply: accepted ? checkEventReply(answer.body, keys) : undefined,
			sent: { url: url.href, plaintext, body: request.body },
		});
	};

	const route = (path: string, methods: string[], handle: Handler): Route => ({
		path,
		methods,
		// Page traffic stays out of `requests` and never consumes an injected fault.
		quiet: true,
		handle: guarded(handle),
	});

	const routes = [
		route('/', ['GET', 'HEAD'], () => ({
			status: 200,
			text: page.html,
			contentType: 'text/html; charset=utf-8',
			headers: page.headers,
		})),
		route('/sandbox/config', ['GET'], () =>
			json(200, {
				robot: {
					ready: config.appSecret !== undefined,
					problem: config.robotProblem,
					triggerUrl: config.robotTriggerUrl,
				},
				event: {
					ready: config.eventKeys !== undefined,
					problem: config.eventProblem,
					triggerUrl: config.eventTriggerUrl,
					eventTypes: SANDBOX_EVENT_TYPES,
				},
				stream: {
					ready: gateway !== undefined,
					problem: streamProblem,
					eventTypes: SANDBOX_STREAM_EVENT_TYPES,
				},
			}),
		),
		route('/sandbox/stream', ['GET'], () => json(200, streamStatus())),
		route('/sandbox/stream/robot', ['POST'], streamRobot),
		route('/sandbox/stream/event', ['POST'], streamEvent),
		route('/sandbox/messages', ['GET'], () => {
			const appMessages = options.appRobotMessages?.() ?? [];
			return json(200, {
				total: host.received.length + appMessages.length,
				messages: newestFirst(host.received, appMessages),
			});
		}),
		route('/sandbox/clear', ['POST'], () => {
			host.received.length = 0;
			return json(200, { cleared: true });
		}),
		route('/sandbox/fire/robot', ['POST'], fireRobot),
		route('/sandbox/fire/event', ['POST'], fireEvent),
		route('/sandbox/placeholder.svg', ['GET'], (context) => placeholderPicture(context.query)),
	];
	return {
		routes: () => routes,
		reset: () => {
			previousEvent = undefined;
			streamPushes.length = 0;
		},
	};
}

/** Webhook and app robot messages merged by time, newest first, at most SANDBOX_MESSAGE_LIMIT. */
function newestFirst(
	received: readonly ReceivedMessage[],
	appMessages: readonly SandboxAppRobotMessage[],
): RenderedMessage[] {
	const latest = <T>(list: readonly T[]) => {
		const first = Math.max(0, list.length - SANDBOX_MESSAGE_LIMIT);
		return list.slice(first).map((message, offset) => ({ message, index: first + offset }));
	};
	const entries = [
		...latest(received).map(({ message, index }) => ({
			at: message.receivedAt,
			render: () => renderReceived(message, index),
		})),
		...latest(appMessages).map(({ message, index }) => ({
			at: message.receivedAt,
			render: () => renderAppRobotMessage(message, index),
		})),
	];
	// Stable sort: equal times keep arrival order, which the final reverse turns newest first.
	entries.sort((a, b) => a.at - b.at);
	return entries
		.slice(-SANDBOX_MESSAGE_LIMIT)
		.reverse()
		.map((entry) => entry.render());
}

/**
 * A generated picture, so that link and feed cards can show something without internet access:
 * `/sandbox/placeholder.svg?text=Release&color=3296fa`.
 */
function placeholderPicture(query: Record<string, string>): Reply {
	const label = escapeHtml((query.text ?? 'Picture').slice(0, 40));
	const color = /^[0-9a-fA-F]{6}$/.test(query.color ?? '') ? query.color : '3296fa';
	const svg =
		'<svg xmlns="http://www.w3.org/2000/svg" width="480" height="270" viewBox="0 0 480 270">' +
		`<rect width="480" height="270" fill="#${color}"/>` +
		'<text x="240" y="145" fill="#fff" font-family="sans-serif" font-size="28" text-anchor="middle">' +
		`${label}</text></svg>`;
	return {
		status: 200,
		text: svg,
		contentType: 'image/svg+xml',
		headers: { 'Cache-Control': 'max-age=3600', 'Content-Security-Policy': "default-src 'none'" },
	};
}
