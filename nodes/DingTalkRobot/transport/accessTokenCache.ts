import { tokenRefreshAt } from '../../shared/appAccessToken';
import type { IssuedToken } from '../../shared/appAccessToken';

interface CachedToken {
	value: string;
	/** When to stop using it: shortly before DingTalk's expiry. */
	refreshAt: number;
}

const MAX_ENTRIES = 500;

/**
 * App access tokens, shared by every item and execution in this n8n process. A token is used
 * until shortly before it expires (5 minutes, or a tenth of its lifetime if that is shorter);
 * concurrent callers that find none wait for the same single request.
 */
export class AppTokenCache {
	private readonly tokens = new Map<string, CachedToken>();
	private readonly pending = new Map<string, Promise<string>>();

	constructor(private readonly now: () => number = () => Date.now()) {}

	async get(key: string, fetchToken: () => Promise<IssuedToken>): Promise<string> {
		const cached = this.tokens.get(key);
		if (cached && this.now() < cached.refreshAt) return cached.value;
		const inFlight = this.pending.get(key);
		if (inFlight) return await inFlight;

		const request = (async () => {
			const issued = await fetchToken();
			this.store(key, {
				value: issued.accessToken,
				refreshAt: tokenRefreshAt(this.now(), issued.expireIn),
			});
			return issued.accessToken;
		})();
		this.pending.set(key, request);
		try {
			return await request;
		} finally {
			this.pending.delete(key);
		}
	}

	/** Forgets a token DingTalk refused, unless a newer one has replaced it in the meantime. */
	invalidate(key: string, token: string): void {
		if (this.tokens.get(key)?.value === token) this.tokens.delete(key);
	}

	clear(): void {
		this.tokens.clear();
	}

	get size(): number {
		return this.tokens.size;
	}

	private store(key: string, token: CachedToken) {
		const now = this.now();
		for (const [other, entry] of this.tokens) {
			if (entry.refreshAt <= now) this.tokens.delete(other);
		}
		if (this.tokens.size >= MAX_ENTRIES) {
			const oldest = this.tokens.keys().next().value;
			if (oldest !== undefined) this.tokens.delete(oldest);
		}
		this.tokens.set(key, token);
	}
}

/** The process-wide cache the node uses. */
export const appTokenCache = new AppTokenCache();
