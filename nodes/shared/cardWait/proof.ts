import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The proof a DingTalk Stream Trigger adds when it hands a card click to a waiting Send and Wait
 * node: an HMAC of the time and the forwarded click with the app secret, which only holders of
 * the app's credential can make. The click came over that app's authenticated Stream connection;
 * the waiting node checks the proof with its own credential, so a request from anyone else (or a
 * trigger of another app) resumes nothing.
 */

export const CARD_PROOF_HEADER = 'x-dingtalk-card-proof';

/** How old a forwarded click may be (the trigger forwards it within the DingTalk answer time). */
export const CARD_PROOF_WINDOW_MS = 60_000;

function mac(secret: string, time: number, payload: string): string {
	return createHmac('sha256', secret).update(`${time}.${payload}`).digest('hex');
}

/** The header value for `payload` (the JSON text sent), made at `now`. */
export function cardProof(secret: string, payload: string, now: number): string {
	return `t=${now},v1=${mac(secret, now, payload)}`;
}

export type CardProofCheck = { ok: true } | { ok: false; problem: string };

export function checkCardProof(
	secret: string,
	header: unknown,
	payload: string,
	now: number,
	windowMs = CARD_PROOF_WINDOW_MS,
): CardProofCheck {
	const match = typeof header === 'string' ? /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header) : null;
	if (!match) return { ok: false, problem: 'no card proof' };
	const time = Number(match[1]);
	if (Math.abs(now - time) > windowMs) return { ok: false, problem: 'card proof expired' };
	const expected = Buffer.from(mac(secret, time, payload));
	const given = Buffer.from(match[2]);
	if (!secret || !timingSafeEqual(expected, given)) {
		return { ok: false, problem: 'card proof does not match this app' };
	}
	return { ok: true };
}
