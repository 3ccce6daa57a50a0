import type { IDataObject } from 'n8n-workflow';

import type { CardCallbackData } from '../shared/cardCallback';
import type { RobotCallbackBody } from '../shared/robotMessage';
import { asObject, clip, parseJsonObject } from '../shared/values';
import { streamEndpointProblem } from './endpoint';

/**
 * The text frames of DingTalk's Stream mode (Stream 模式): what the gateway pushes, the ACK the
 * client answers, and the body that registers a connection. Every header value is a string and
 * `data` is a JSON *string*, in both directions.
 */

export const STREAM_TOPIC_ROBOT_MESSAGE = '/v1.0/im/bot/messages/get';
export const STREAM_TOPIC_CARD_CALLBACK = '/v1.0/card/instances/callback';
export const STREAM_TOPIC_ALL_EVENTS = '*';
export const STREAM_TOPIC_PING = 'ping';
export const STREAM_TOPIC_DISCONNECT = 'disconnect';

export type StreamFrameType = 'SYSTEM' | 'EVENT' | 'CALLBACK';

const FRAME_TYPES: readonly string[] = ['SYSTEM', 'EVENT', 'CALLBACK'];

export interface StreamFrameHeaders {
	topic: string;
	messageId: string;
	contentType: string;
	/** Milliseconds since the epoch, as a string. */
	time?: string;
	appId?: string;
	connectionId?: string;
	/** EVENT frames only. */
	eventType?: string;
	eventId?: string;
	eventBornTime?: string;
	eventCorpId?: string;
	eventUnifiedAppId?: string;
	[name: string]: string | undefined;
}

/** A frame as it travels, `data` still the JSON string. */
export interface StreamFrame {
	specVersion: string;
	type: StreamFrameType;
	headers: StreamFrameHeaders;
	data: string;
}

/** `data` of a SYSTEM ping; the reply echoes it unchanged. */
export interface StreamPingData {
	opaque?: string;
}

/** `data` of a SYSTEM disconnect: the server closes the socket about 10 s later. */
export interface StreamDisconnectData {
	reason?: string;
}

/**
 * An event of a Stream frame: the envelope comes from the headers, `data` holds only the event's
 * own fields (e.g. `{"timeStamp":"…","userId":["…"]}`).
 */
export interface StreamEvent {
	eventType: string;
	eventId: string;
	/** Milliseconds since the epoch, as the header gave it; '' when absent. */
	eventBornTime: string;
	eventCorpId: string;
	eventUnifiedAppId: string;
	data: IDataObject;
}

/** `data` of an interactive-card callback (a button click); see CardCallbackData. */
export type StreamCardCallback = CardCallbackData;

/** A frame understood: one variant per payload. */
export type ParsedStreamFrame =
	| { kind: 'ping'; frame: StreamFrame; ping: StreamPingData }
	| { kind: 'disconnect'; frame: StreamFrame; disconnect: StreamDisconnectData }
	/** Other SYSTEM topics (the Node SDK sees CONNECTED, REGISTERED, KEEPALIVE): no ACK needed. */
	| { kind: 'system'; frame: StreamFrame; data: IDataObject }
	| { kind: 'robotMessage'; frame: StreamFrame; message: RobotCallbackBody }
	| { kind: 'event'; frame: StreamFrame; event: StreamEvent }
	| { kind: 'cardCallback'; frame: StreamFrame; callback: StreamCardCallback }
	/** A CALLBACK topic nobody subscribed to here: answer it with {@link streamErrorAck} 404. */
	| { kind: 'unknownCallback'; frame: StreamFrame; data: IDataObject };

export type StreamFrameParseResult =
	| { ok: true; parsed: ParsedStreamFrame }
	/** `messageId` is set when the frame had one, so the caller can still answer it (400). */
	| { ok: false; problem: string; messageId?: string };

function problem(text: string, messageId?: string): StreamFrameParseResult {
	return messageId ? { ok: false, problem: text, messageId } : { ok: false, problem: text };
}

/** Parses one text frame from the gateway. Never throws. */
export function parseStreamFrame(text: string): StreamFrameParseResult {
	const raw = parseJsonObject(text);
	if (!raw) return problem('The Stream frame is not a JSON object');
	const rawHeaders = asObject(raw.headers);
	if (!rawHeaders) return problem('The Stream frame has no headers object');
	const headers: StreamFrameHeaders = { topic: '', messageId: '', contentType: '' };
	// Header values are strings; any other value is dropped rather than losing the whole frame.
	for (const [name, value] of Object.entries(rawHeaders)) {
		if (typeof value === 'string') headers[name] = value;
	}
	const messageId = headers.messageId;
	if (!messageId) return problem('The Stream frame has no messageId header (a string)');
	if (typeof raw.type !== 'string' || !FRAME_TYPES.includes(raw.type)) {
		return problem(
			`Stream frame type ${clip(JSON.stringify(raw.type))} is not SYSTEM, EVENT or CALLBACK`,
			messageId,
		);
	}
	if (!headers.topic) return problem('The Stream frame has no topic header', messageId);
	if (typeof raw.data !== 'string')
		return problem('Stream frame data is not a JSON string', messageId);
	if (headers.contentType && headers.contentType !== 'application/json') {
		return problem(
			`Stream frame content type "${clip(headers.contentType)}" is not supported`,
			messageId,
		);
	}
	const data = parseJsonObject(raw.data);
	if (!data) return problem('Stream frame data is not a JSON object', messageId);
	const frame: StreamFrame = {
		specVersion: typeof raw.specVersion === 'string' ? raw.specVersion : '',
		type: raw.type as StreamFrameType,
		headers,
		data: raw.data,
	};
	return { ok: true, parsed: classify(frame, data) };
}

function classify(frame: StreamFrame, data: IDataObject): ParsedStreamFrame {
	const { topic } = frame.headers;
	if (frame.type === 'SYSTEM') {
		if (topic === STREAM_TOPIC_PING) {
			const ping: StreamPingData = {};
			if (typeof data.opaque === 'string') ping.opaque = data.opaque;
			return { kind: 'ping', frame, ping };
		}
		if (topic === STREAM_TOPIC_DISCONNECT) {
			const disconnect: StreamDisconnectData = {};
			if (typeof data.reason === 'string') disconnect.reason = data.reason;
			return { kind: 'disconnect', frame, disconnect };
		}
		return { kind: 'system', frame, data };
	}
	if (frame.type === 'EVENT') {
		// Routed by eventType, not topic: frames arrive with topic '*' or 'dingTalk'.
		const { headers } = frame;
		return {
			kind: 'event',
			frame,
			event: {
				eventType: headers.eventType ?? '',
				eventId: headers.eventId ?? '',
				eventBornTime: headers.eventBornTime ?? '',
				eventCorpId: headers.eventCorpId ?? '',
				eventUnifiedAppId: headers.eventUnifiedAppId ?? '',
				data,
			},
		};
	}
	if (topic === STREAM_TOPIC_ROBOT_MESSAGE) return { kind: 'robotMessage', frame, message: data };
	if (topic === STREAM_TOPIC_CARD_CALLBACK) return { kind: 'cardCallback', frame, callback: data };
	return { kind: 'unknownCallback', frame, data };
}

/** What the client sends back for a frame. */
export interface StreamAck {
	/** 200 OK, 400 bad request, 404 topic not supported, 500 internal error. */
	code: number;
	headers: { contentType: 'application/json'; messageId: string };
	message: string;
	data: string;
}

export type StreamEventStatus = 'SUCCESS' | 'LATER';

/** What DingTalk is told when a frame could not be handed on; the reason goes to n8n's log only. */
export const FRAME_FAILED_TEXT = 'the workflow could not be started';

function ack(messageId: string, code: number, message: string, data: string): StreamAck {
	return { code, headers: { contentType: 'application/json', messageId }, message, data };
}

/**
 * ACK of a CALLBACK frame. DingTalk ignores `response` for robot messages; a card callback puts
 * the card update there.
 */
export function streamCallbackAck(
	messageId: string,
	response: IDataObject | null = null,
): StreamAck {
	return ack(messageId, 200, 'OK', JSON.stringify({ response }));
}

/**
 * ACK of an EVENT frame. SUCCESS means consumed; LATER asks for a redelivery and is sent with
 * code 500, as the official Go SDK does on failure.
 */
export function streamEventAck(
	messageId: string,
	status: StreamEventStatus,
	message: string = status === 'SUCCESS' ? 'success' : 'later',
): StreamAck {
	return ack(
		messageId,
		status === 'SUCCESS' ? 200 : 500,
		status === 'SUCCESS' ? 'OK' : message,
		JSON.stringify({ status, message }),
	);
}

/** Reply to a SYSTEM ping: code 200, the same messageId, the same data echoed unchanged. */
export function streamPingAck(frame: StreamFrame): StreamAck {
	return ack(frame.headers.messageId, 200, 'OK', frame.data);
}

/**
 * ACK of a SYSTEM disconnect. No reply is required, but the Go SDK answers one so the server
 * does not send the disconnect again; the data is echoed like a ping's.
 */
export function streamDisconnectAck(frame: StreamFrame): StreamAck {
	return ack(frame.headers.messageId, 200, 'OK', frame.data);
}

/** A refusal: 400 for a frame that cannot be read, 404 for an unsupported topic, 500 for a failure. */
export function streamErrorAck(
	messageId: string,
	code: 400 | 404 | 500,
	message: string,
): StreamAck {
	return ack(messageId, code, message, JSON.stringify({ response: null }));
}

export function serializeStreamAck(frameAck: StreamAck): string {
	return JSON.stringify(frameAck);
}

/** What the Stream trigger can receive. */
export type StreamSubscriptionKind = 'robotMessages' | 'events' | 'cardCallbacks';

export interface StreamSubscription {
	type: 'EVENT' | 'CALLBACK';
	topic: string;
}

const SUBSCRIPTIONS: Record<StreamSubscriptionKind, StreamSubscription> = {
	robotMessages: { type: 'CALLBACK', topic: STREAM_TOPIC_ROBOT_MESSAGE },
	// EVENT takes only topic '*'; which events come is chosen in the developer console.
	events: { type: 'EVENT', topic: STREAM_TOPIC_ALL_EVENTS },
	cardCallbacks: { type: 'CALLBACK', topic: STREAM_TOPIC_CARD_CALLBACK },
};

/** Body of POST /v1.0/gateway/connections/open. */
export interface StreamConnectionOpenRequest {
	clientId: string;
	clientSecret: string;
	subscriptions: StreamSubscription[];
	/** `name-sdk-lang/version`, optional. */
	ua?: string;
	/** Optional; several addresses separated by commas. */
	localIp?: string;
}

export const STREAM_CONNECTION_OPEN_PATH = '/v1.0/gateway/connections/open';

/** The `ua` this package opens connections with; test/package/version.test.ts keeps it current. */
export const STREAM_USER_AGENT = 'n8n-nodes-dingtalk-robot/0.2.0';

/**
 * Builds the connections/open body. Throws when a credential is empty or no kind is chosen:
 * the gateway would refuse either, and the caller should say so before connecting.
 */
export function buildConnectionOpenRequest(options: {
	clientId: string;
	clientSecret: string;
	kinds: readonly StreamSubscriptionKind[];
	ua?: string;
	localIp?: string;
}): StreamConnectionOpenRequest {
	const clientId = options.clientId.trim();
	const clientSecret = options.clientSecret.trim();
	if (!clientId || !clientSecret) {
		throw new Error("A Stream connection needs the app's Client ID and Client Secret");
	}
	const kinds = [...new Set(options.kinds)].filter((kind) => kind in SUBSCRIPTIONS);
	if (kinds.length === 0) throw new Error('A Stream connection needs at least one subscription');
	const body: StreamConnectionOpenRequest = {
		clientId,
		clientSecret,
		subscriptions: kinds.map((kind) => ({ ...SUBSCRIPTIONS[kind] })),
	};
	if (options.ua) body.ua = options.ua;
	if (options.localIp) body.localIp = options.localIp;
	return body;
}

/** The gateway's answer to connections/open. */
export interface StreamConnectionTicket {
	endpoint: string;
	ticket: string;
}

export type StreamConnectionOpenResult =
	| { ok: true; connection: StreamConnectionTicket }
	| { ok: false; problem: string };

/** Reads the connections/open answer; never throws. */
export function parseConnectionOpenResponse(body: unknown): StreamConnectionOpenResult {
	const answer = typeof body === 'string' ? parseJsonObject(body) : asObject(body);
	if (!answer) return { ok: false, problem: 'The Stream gateway did not answer a JSON object' };
	const { endpoint, ticket } = answer;
	if (typeof endpoint !== 'string' || !endpoint) {
		return { ok: false, problem: 'The Stream gateway answered no endpoint' };
	}
	const endpointProblem = streamEndpointProblem(endpoint);
	if (endpointProblem) return { ok: false, problem: endpointProblem };
	if (typeof ticket !== 'string' || !ticket) {
		return { ok: false, problem: 'The Stream gateway answered no ticket' };
	}
	return { ok: true, connection: { endpoint, ticket } };
}

/** The URL to open the WebSocket at: the returned endpoint with `ticket` added to its query. */
export function streamConnectUrl(connection: StreamConnectionTicket): string {
	const separator = connection.endpoint.includes('?') ? '&' : '?';
	return `${connection.endpoint}${separator}ticket=${encodeURIComponent(connection.ticket)}`;
}
