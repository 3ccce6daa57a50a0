// Send and Wait by card buttons, as the tests see it from outside: the outTrackId of its card
// names the waiting execution (the Send and Wait by card buttons contract of issue 24), and
// the Stream trigger forwards a click to n8n's resume URL with a proof made with the app secret.
// Built here with node:crypto, independently of the package's own code, so the tests can read a
// card's outTrackId and forge what an attacker could send.
import { createHmac } from 'node:crypto';

const VERSION_1 = 'n8nsw1';
const VERSION_2 = 'n8nsw2';
const SIGNATURE_CHARS = 43;
const NODE_ID_CHARS = 22;

/** What the outTrackId of a Send and Wait card holds. */
export interface SendAndWaitCardId {
	/** n8n's resume signature, hex (the `signature` query parameter of the resume URL). */
	signature: string;
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

/** Reads a Send and Wait card's outTrackId; undefined for any other card's. */
export function readSendAndWaitOutTrackId(outTrackId: string): SendAndWaitCardId | undefined {
	const version = outTrackId.slice(0, 6);
	const signature = fromBase64Url(outTrackId.slice(6, 6 + SIGNATURE_CHARS));
	if (signature.length !== 32) return undefined;
	const rest = outTrackId.slice(6 + SIGNATURE_CHARS);
	if (version === VERSION_1) {
		const nodeId = uuidOf(fromBase64Url(rest.slice(0, NODE_ID_CHARS)));
		const executionId = rest.slice(NODE_ID_CHARS);
		if (!/^\d+$/.test(executionId)) return undefined;
		return {
			signature: signature.toString('hex'),
			path: `/webhook-waiting/${executionId}/${nodeId}`,
			executionId,
			nodeId,
		};
	}
	if (version === VERSION_2) {
		return { signature: signature.toString('hex'), path: fromBase64Url(rest).toString('utf8') };
	}
	return undefined;
}

/** The outTrackId a Send and Wait card of this execution and node would have with `signature`. */
export function sendAndWaitOutTrackId(options: {
	signature: Buffer;
	nodeId: string;
	executionId: string;
}): string {
	const node = Buffer.from(options.nodeId.replace(/-/g, ''), 'hex');
	return `${VERSION_1}${options.signature.toString('base64url')}${node.toString('base64url')}${options.executionId}`;
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

/** Posts a forwarded click to n8n's resume URL, as the Stream trigger does; returns the status. */
export async function postForwardedClick(
	origin: string,
	card: SendAndWaitCardId,
	payload: string,
	proof?: string,
): Promise<{ status: number; body: string }> {
	const url = `${origin}${card.path}?signature=${card.signature}`;
	const response = await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			...(proof ? { 'x-dingtalk-card-proof': proof } : {}),
		},
		body: JSON.stringify({ payload }),
	});
	return { status: response.status, body: await response.text() };
}
