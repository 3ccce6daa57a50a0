/** The app access token of an internal DingTalk app, as the credential and the node both use it. */
import { createHash } from 'node:crypto';

export const DEFAULT_API_BASE_URL = 'https://api.dingtalk.com';
export const DEFAULT_OAPI_BASE_URL = 'https://oapi.dingtalk.com';
export const CREDENTIAL_EXCHANGE_PATH = '/v1.0/oauth2/accessToken';
export const ACCESS_TOKEN_HEADER = 'x-acs-dingtalk-access-token';

const MAX_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** What DingTalk's token endpoint gave: the token and its lifetime in seconds. */
export interface IssuedToken {
	accessToken: string;
	expireIn: number;
}

/** Body of POST /v1.0/oauth2/accessToken for the app of a DingTalk App API credential. */
export function tokenRequestBody(credentials: { appKey?: unknown; appSecret?: unknown }) {
	return {
		appKey: String(credentials.appKey ?? '').trim(),
		appSecret: String(credentials.appSecret ?? ''),
	};
}

/** The token in a successful answer of the token endpoint, or undefined. */
export function readIssuedToken(statusCode: number, body: Record<string, unknown>) {
	const token = body.accessToken;
	if (statusCode !== 200 || typeof token !== 'string' || token === '') return undefined;
	return { accessToken: token, expireIn: Number(body.expireIn) || 7200 } satisfies IssuedToken;
}

/**
 * Cache key of one app: a hash of where the token comes from and of the app's credentials, so
 * the cache holds no secret and a credential with a wrong secret never reuses another's token.
 */
export function appTokenKey(apiBaseUrl: string, appKey: string, appSecret: string): string {
	return createHash('sha256').update(`${apiBaseUrl}\n${appKey}\n${appSecret}`).digest('hex');
}

/**
 * When to stop using a token issued now: shortly before DingTalk's expiry (5 minutes, or a
 * tenth of its lifetime if that is shorter), so a request never leaves with a dying token.
 */
export function tokenRefreshAt(now: number, expireInSeconds: number): number {
	const lifetimeMs = Math.max(0, expireInSeconds * 1000);
	return now + lifetimeMs - Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 10);
}

/**
 * Where a request carries the app token: new-style APIs (/v1.0/..., /v2.0/... on the API host)
 * in a header, the older API (the legacy host) in the access_token query parameter; the token
 * endpoint itself and every other host get none, so the token never leaves for another host.
 */
export function tokenPlacement(
	target: URL,
	hosts: { apiOrigin: string; oapiOrigin: string },
): 'header' | 'query' | undefined {
	const path = target.pathname.replace(/\/+$/, '');
	if (target.origin === hosts.apiOrigin) {
		if (path === CREDENTIAL_EXCHANGE_PATH) return undefined;
		if (/^\/v\d+\.\d+\//.test(path)) return 'header';
	}
	if (target.origin === hosts.oapiOrigin) return 'query';
	return undefined;
}
