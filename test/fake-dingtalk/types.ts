import type { FakeStreamGateway } from './streamGateway';

/** A custom robot (自定义机器人) the fake knows, addressed by the access_token of its webhook URL. */
export interface FakeRobot {
	token: string;
	/** 加签 secret: when set, `timestamp` and `sign` query parameters are required and checked. */
	secret?: string;
	/** Custom keywords (自定义关键词): the message's visible text must contain at least one. */
	keywords?: string[];
	/** IP whitelist: exact IPv4 addresses or IPv4 CIDR ranges. */
	ipAllowList?: string[];
	disabled?: boolean;
	groupDisbanded?: boolean;
	/** Group members. When set, an @ only notifies people listed here (others are masked by DingTalk). */
	members?: { mobile?: string; userId?: string }[];
}

export interface RateLimitOptions {
	limit: number;
	windowMs: number;
	banMs: number;
}

export interface FakeDingTalkOptions {
	robots?: FakeRobot[];
	/** Clock used for signatures, rate limiting, session expiry and timestamps. Default `Date.now`. */
	now?: () => number;
	/** Per-robot limit. Default 20 messages per 60 000 ms, then a 600 000 ms ban. */
	rateLimit?: RateLimitOptions;
	/** Errcode answered while throttled: 130101 (default), 410100 or 660026. */
	throttleErrcode?: number;
	/** Words that make DingTalk's content-safety check reject the message (430102). */
	bannedWords?: string[];
	/** Serves the sandbox web page at `GET /` and its `/sandbox/*` endpoints when set. */
	sandbox?: SandboxOptions;
}

/**
 * The DingTalk app the sandbox page impersonates when it fires requests at a DingTalk Trigger:
 * the same values as the trigger's DingTalk App API credential. They are never sent to the page.
 */
export interface SandboxOptions {
	/** Client ID (AppKey): the owner key of encrypted events when `ownerKey` is not set. */
	appKey?: string;
	/** Client Secret (AppSecret): signs robot @-messages. Without it the robot form is disabled. */
	appSecret?: string;
	/** Event subscription token (签名 token). */
	eventToken?: string;
	/** Event subscription aes_key (43 characters). Without token and key the event form is disabled. */
	eventAesKey?: string;
	/** Key appended to every encrypted event (the credential's Owner Key); defaults to `appKey`. */
	ownerKey?: string;
	/** Default target of the robot form, e.g. `http://127.0.0.1:5678/webhook/<webhookId>/webhook`. */
	robotTriggerUrl?: string;
	/** Default target of the event form. */
	eventTriggerUrl?: string;
	/** Also list app robot (OpenAPI) messages, e.g. `() => openApi.messages` of a FakeOpenApi. */
	appRobotMessages?: () => readonly SandboxAppRobotMessage[];
	/**
	 * The Stream gateway the page's Stream form pushes robot @-messages and events through, to
	 * DingTalk Stream Triggers connected with the app's Client ID. Without it the form is disabled.
	 */
	stream?: FakeStreamGateway;
	/** The people of the sandbox's contacts, listed on the page for trying the Contact actions. */
	people?: SandboxPeople;
	/**
	 * The page shows the interactive cards section; plug in `sandboxCards(cards, appKey)` too,
	 * which serves what it reads and clicks.
	 */
	cards?: boolean;
	/** Whether approvals are plugged in (sandboxApprovals.ts): the page then lists them. */
	approvals?: boolean;
	/** Whether to-dos are plugged in (sandboxTodos.ts): the page then lists them. */
	todos?: boolean;
}

/** One person of the sandbox organisation as the page lists them. */
export interface SandboxPerson {
	name: string;
	userId: string;
	mobile?: string;
	unionId?: string;
	/** e.g. `Engineering (2)` */
	departments: string;
	/** What the sandbox uses them for. */
	role: string;
}

export interface SandboxPeople {
	list: SandboxPerson[];
	/** e.g. `1 Company, 2 Engineering` */
	departments: string;
}

/** An app robot message sent through the OpenAPI, as FakeOpenApi records it. */
export interface SandboxAppRobotMessage {
	via: 'group' | 'single';
	msgKey: string;
	/** The parsed msgParam (a JSON string on the wire is accepted too). */
	msgParam: Record<string, unknown> | string;
	receivedAt: number;
	openConversationId?: string;
	userId?: string;
	/** When the robot recalled the message: the page then shows it as recalled. */
	recalledAt?: number;
}

export interface NotifiedPeople {
	mobiles: string[];
	userIds: string[];
	all: boolean;
}

/** A message DingTalk accepted and would have posted into the group. */
export interface ReceivedMessage {
	via: 'robot' | 'session';
	token?: string;
	session?: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	msgtype: string;
	msgUuid?: string;
	notified: NotifiedPeople;
	receivedAt: number;
}

/** Every HTTP request the fake answered (or dropped), except `GET /health`. */
export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	rawBody: string;
	/** Parsed JSON reply, the raw text for non-JSON replies, undefined when the socket was dropped. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	response: any;
	/** HTTP status sent; 0 when the socket was dropped without a response. */
	status: number;
	at: number;
}

/**
 * A failure to inject. One fault is consumed per incoming request, before normal handling:
 * an errcode answer (HTTP 200), a raw HTTP status, a dropped socket, or a delay before normal handling.
 */
export type Fault =
	| { errcode: number; errmsg: string }
	| { status: number; body?: string }
	| { drop: true }
	| { delayMs: number };
