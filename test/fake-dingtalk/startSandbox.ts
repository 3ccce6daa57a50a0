import { randomInt } from 'node:crypto';

import { FakeDingTalk } from './server';
import { FakeStreamGateway } from './streamGateway';
import type { SandboxAppRobotMessage, SandboxPeople } from './types';

/**
 * Starts the fake DingTalk server with its sandbox page and one custom robot, and returns the
 * credential data that points n8n at it: what `npm run dev` needs to let a newcomer try every
 * operation without a DingTalk account. It also plays DingTalk's Stream gateway for the app:
 * connections/open is served by the fake server itself (so the app credential's one API Base URL
 * serves both the OpenAPI and Stream), the WebSocket endpoint by the gateway's own port.
 */

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number, alphabet = ALPHANUMERIC): string {
	let text = '';
	for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)];
	return text;
}

/** The secrets shared by the sandbox and the n8n credentials. Pass them in to keep them across runs. */
export interface SandboxSecrets {
	/** Custom robot access token (DingTalk Robot API credential). */
	accessToken: string;
	/** Custom robot 加签 secret, SEC… (DingTalk Robot API credential). */
	robotSecret: string;
	/** DingTalk App API credential. */
	appKey: string;
	appSecret: string;
	eventToken: string;
	/** 43 letters and digits. */
	eventAesKey: string;
	/**
	 * A second app (DingTalk App API credential) for the card examples: DingTalk gives each
	 * message of an app to one of its Stream connections, so the card callbacks get their own app
	 * beside the first app's Stream command bot.
	 */
	cardAppKey: string;
	cardAppSecret: string;
}

export function generateSandboxSecrets(): SandboxSecrets {
	return {
		accessToken: randomText(64, '0123456789abcdef'),
		robotSecret: `SEC${randomText(64, '0123456789abcdef')}`,
		appKey: `ding${randomText(16, 'abcdefghijklmnopqrstuvwxyz0123456789')}`,
		appSecret: randomText(64),
		eventToken: randomText(24),
		eventAesKey: randomText(43),
		cardAppKey: `ding${randomText(16, 'abcdefghijklmnopqrstuvwxyz0123456789')}`,
		cardAppSecret: randomText(64),
	};
}

export interface StartSandboxOptions {
	/** Port on 127.0.0.1; default 0 (any free port). */
	port?: number;
	secrets?: SandboxSecrets;
	/** Prefilled target of the page's robot form (a DingTalk Trigger in Robot Messages mode). */
	robotTriggerUrl?: string;
	/** Prefilled target of the page's event form (a DingTalk Trigger in Event Subscription mode). */
	eventTriggerUrl?: string;
	/** Also list app robot messages, e.g. `() => openApi.messages` of a FakeOpenApi plugged in with use(). */
	appRobotMessages?: () => readonly SandboxAppRobotMessage[];
	/** The people of the contacts plugged in with use(), listed on the page. */
	people?: SandboxPeople;
	/** Show the interactive cards section (plug in `sandboxCards` after start). */
	cards?: boolean;
	/** Whether the caller plugs in sandboxApprovals: the page then lists approvals. */
	approvals?: boolean;
	/** Whether the caller plugs in sandboxTodos: the page then lists to-dos. */
	todos?: boolean;
	/**
	 * How often the Stream gateway pings each connection, as DingTalk does. Default 20 000 ms: a
	 * published Stream trigger that hears nothing else keeps its connection instead of timing out.
	 */
	streamPingEveryMs?: number;
}

export interface RunningSandbox {
	fake: FakeDingTalk;
	/** The Stream gateway; it knows the app's Client ID and Secret (appKey, appSecret). */
	stream: FakeStreamGateway;
	/** The page, e.g. http://127.0.0.1:PORT/ */
	pageUrl: string;
	secrets: SandboxSecrets;
	/** `data` of an n8n credential of type dingTalkRobotApi. */
	robotCredentialData: { accessToken: string; secret: string; keywords: string; baseUrl: string };
	/** `data` of an n8n credential of type dingTalkAppApi. */
	appCredentialData: {
		appKey: string;
		appSecret: string;
		eventToken: string;
		eventAesKey: string;
		ownerKey: string;
		outgoingToken: string;
		apiBaseUrl: string;
	};
	stop(): Promise<void>;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
	const secrets = options.secrets ?? generateSandboxSecrets();
	const stream = new FakeStreamGateway({
		apps: [{ clientId: secrets.appKey, clientSecret: secrets.appSecret }],
		pingEveryMs: options.streamPingEveryMs ?? 20_000,
	});
	await stream.start();
	const fake = new FakeDingTalk({
		robots: [{ token: secrets.accessToken, secret: secrets.robotSecret }],
		sandbox: {
			appKey: secrets.appKey,
			appSecret: secrets.appSecret,
			eventToken: secrets.eventToken,
			eventAesKey: secrets.eventAesKey,
			robotTriggerUrl: options.robotTriggerUrl,
			eventTriggerUrl: options.eventTriggerUrl,
			appRobotMessages: options.appRobotMessages,
			people: options.people,
			cards: options.cards,
			approvals: options.approvals,
			todos: options.todos,
			stream,
		},
	});
	fake.use(stream);
	let baseUrl: string;
	try {
		baseUrl = await fake.start(options.port ?? 0);
	} catch (error) {
		await stream.stop();
		throw error;
	}
	return {
		fake,
		stream,
		pageUrl: `${baseUrl}/`,
		secrets,
		robotCredentialData: {
			accessToken: secrets.accessToken,
			secret: secrets.robotSecret,
			keywords: '',
			baseUrl,
		},
		appCredentialData: {
			appKey: secrets.appKey,
			appSecret: secrets.appSecret,
			eventToken: secrets.eventToken,
			eventAesKey: secrets.eventAesKey,
			ownerKey: '',
			outgoingToken: '',
			apiBaseUrl: baseUrl,
		},
		stop: async () => {
			await fake.stop();
			await stream.stop();
		},
	};
}
