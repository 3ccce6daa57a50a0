import type { DingTalkError } from './errors';
import type { RateLimiter } from './rateLimit';
import type { FakeRobot, ReceivedMessage } from './types';

/** One incoming request, fully read, as handlers see it. */
export interface RequestContext {
	method: string;
	path: string;
	/** Query parameters, percent-decoded exactly once (URLSearchParams); the first value wins. */
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	/** Caller's IPv4 address (an IPv4-mapped IPv6 address is unwrapped). */
	remoteAddress: string;
	/** The fake's clock when the request was handled. */
	now: number;
}

export type Reply = (
	| { status: number; json: unknown }
	/** `text` may be bytes, e.g. a file served by the enterprise-app OpenAPI's download URL. */
	| { status: number; text: string | Buffer; contentType: string }
) & {
	/** Extra response headers (the sandbox page sets a Content-Security-Policy). */
	headers?: Record<string, string>;
};

/** A route answers one exact path. Without `methods` the handler sees every method (and rejects the wrong ones itself). */
export interface Route {
	/** The exact path; with `prefix`, the start of every path the route answers (ending in /). */
	path: string;
	prefix?: boolean;
	methods?: string[];
	/** Probes such as /health: not recorded in `requests` and never given an injected fault. */
	quiet?: boolean;
	handle(context: RequestContext): Reply | Promise<Reply>;
}

/**
 * More endpoints for a FakeDingTalk beside the custom-robot ones (e.g. the enterprise-app
 * OpenAPI), plugged in with `fake.use(extension)`. `reset()` runs on every `fake.reset()`.
 */
export interface FakeExtension {
	routes(): Route[];
	reset?(): void;
}

export interface FakeSession {
	id: string;
	expiresAt: number;
}

/** What the route handlers share with the server. */
export interface FakeState {
	robots: Map<string, FakeRobot>;
	sessions: Map<string, FakeSession>;
	received: ReceivedMessage[];
	rateLimiter: RateLimiter;
	throttleError: DingTalkError;
	bannedWords: string[];
	/** msgUuids already accepted, per target (`robot:<token>` or `session:<id>`). */
	acceptedMsgUuids: Map<string, Set<string>>;
}

/** DingTalk answers errors with HTTP 200 and the errcode in the body. */
export function dingTalkReply(answer: DingTalkError): Reply {
	return { status: 200, json: { errcode: answer.errcode, errmsg: answer.errmsg } };
}
