// Send and Wait by card buttons, as the tests see it from outside: the outTrackId of its card
// names the waiting execution (the Send and Wait by card buttons contract of issue 24), and
// the Stream trigger forwards a click to n8n's resume URL with a proof made with the app secret.
// Built here with node:crypto, independently of the package's own code, so the tests can read a
// card's outTrackId and forge what an attacker could send.
import { createHmac, randomBytes } from 'node:crypto';

const VERSION_1 = 'n8nsw1';
const VERSION_2 = 'n8nsw2';
const SIGNATURE_CHARS = 43;
const NODE_ID_CHARS = 22;

/** What the outTrackId of a Send and Wait card holds. */
export interface SendAndWaitCardId {
	/** n8n's resume signature, hex (the `signature` query parameter of the resume URL). */
	signature: string;
	/** Where the signature's 43 characters start in the outTrackId. */
	signatureAt: number;
	/** The path of the resume URL, e.g. `/webhook-waiting/12/<node id>`. */
	path: string;
	executionId?: string;
	nodeId?: string;
}

const fromBase64Url = (text: string) => Buffer.from(text, 'base64url');

function uuidOf(bytes: Buffer): string {
	const hex = bytes.toString('hex');
	return [
		hex.slice(0, 8),
		hex.slice(8, 12),
		hex.slice(12, 16),
		hex.slice(16, 20),
		hex.slice(20, 32),
	].join('-');
}

function readAt(outTrackId: string, signatureAt: number): SendAndWaitCardId | undefined {
	const version = outTrackId.slice(0, 6);
	const signatureText = outTrackId.slice(signatureAt, signatureAt + SIGNATURE_CHARS);
	const signature = fromBase64Url(signatureText);
	if (!/^[A-Za-z0-9_-]{43}$/.test(signatureText) || signature.length !== 32) return undefined;
	const rest = outTrackId.slice(signatureAt + SIGNATURE_CHARS);
	if (version === VERSION_1) {
		const nodeId = uuidOf(fromBase64Url(rest.slice(0, NODE_ID_CHARS)));
		const executionId = rest.slice(NODE_ID_CHARS);
		if (!/^\d+$/.test(executionId)) return undefined;
		return {
			signature: signature.toString('hex'),
			signatureAt,
			path: `/webhook-waiting/${executionId}/${nodeId}`,
			executionId,
			nodeId,
		};
	}
	if (version === VERSION_2) {
		const path = fromBase64Url(rest).toString('utf8');
		return { signature: signature.toString('hex'), signatureAt, path };
	}
	return undefined;
}

/**
 * Reads a Send and Wait card's outTrackId exactly as the contract gives it (`n8nsw1` + signature
 * + node UUID + execution ID); undefined for any other.
 */
export function readSendAndWaitOutTrackId(outTrackId: string): SendAndWaitCardId | undefined {
	return readAt(outTrackId, 6);
}

/**
 * Every way to read the outTrackId: as the contract gives it, with a card index after it
 * (`-<index>`, the later cards of a node sent to several people), and with two characters of an
 * index between the version and the signature. Finding a card by its execution and node works
 * with any; the contract's own shape is checked by a test of its own.
 */
export function readingsOf(outTrackId: string): SendAndWaitCardId[] {
	const withoutIndex = outTrackId.replace(/-\d+$/, '');
	return [readAt(outTrackId, 6), readAt(withoutIndex, 6), readAt(outTrackId, 8)].filter(
		(reading): reading is SendAndWaitCardId => reading !== undefined,
	);
}

/** The reading of a card's outTrackId that names this execution (and node, when given). */
export function readingFor(
	outTrackId: string,
	executionId: string,
	nodeId?: string,
): SendAndWaitCardId | undefined {
	return readingsOf(outTrackId).find(
		(reading) =>
			reading.executionId === executionId && (nodeId === undefined || reading.nodeId === nodeId),
	);
}

/** The outTrackId with another (random, hence wrong) signature in place of n8n's. */
export function withForgedSignature(outTrackId: string, reading: SendAndWaitCardId): string {
	const forged = randomBytes(32).toString('base64url');
	return (
		outTrackId.slice(0, reading.signatureAt) +
		forged +
		outTrackId.slice(reading.signatureAt + SIGNATURE_CHARS)
	);
}

/** `x-dingtalk-card-proof`: t=<ms>,v1=hex(HMAC-SHA256(appSecret, t + "." + payload)). */
export function cardProof(appSecret: string, payload: string, at = Date.now()): string {
	const mac = createHmac('sha256', appSecret).update(`${at}.${payload}`, 'utf8').digest('hex');
	return `t=${at},v1=${mac}`;
}

/** What a Stream trigger would forward for a click on a Send and Wait card. */
export function forwardedClick(click: {
	appKey: string;
	userId: string;
	outTrackId: string;
	params: Record<string, unknown>;
	spaceId: string;
}): string {
	return JSON.stringify({
		appKey: click.appKey,
		userId: click.userId,
		outTrackId: click.outTrackId,
		actionId: 'action',
		params: click.params,
		corpId: 'dingfakecorp',
		spaceType: 'IM_GROUP',
		spaceId: click.spaceId,
	});
}

/**
 * Posts a forwarded click to n8n's resume URL as the Stream trigger does: a multipart form with one
 * field, `payload` (n8n 2.41 takes nothing else at a custom form's resume URL), or `{"payload"}` as
 * JSON, the contract's first form. Returns the status and the answer.
 */
export async function postForwardedClick(
	origin: string,
	card: SendAndWaitCardId,
	payload: string,
	proof?: string,
	as: 'multipart' | 'json' = 'multipart',
): Promise<{ status: number; body: string }> {
	const url = `${origin}${card.path}?signature=${card.signature}`;
	const headers: Record<string, string> = proof ? { 'x-dingtalk-card-proof': proof } : {};
	let body: FormData | string;
	if (as === 'json') {
		headers['content-type'] = 'application/json';
		body = JSON.stringify({ payload });
	} else {
		body = new FormData();
		body.set('payload', payload);
	}
	const response = await fetch(url, { method: 'POST', headers, body });
	return { status: response.status, body: await response.text() };
}
