/**
 * The outTrackId of a Send and Wait card carries what a DingTalk Stream Trigger needs to reach the
 * waiting execution: the path of its resume URL and n8n's signature of that URL. A callback names
 * the card only by its outTrackId, and the trigger may run in another workflow or process, so
 * nothing else could tell it where to go. Only base64url characters, about 80 in all.
 *
 * `n8nsw1` + signature (43) + node UUID (22) + execution ID (digits), and for the second and later
 * cards of a node `-` + the card's index (base 36); other resume URLs: `n8nsw2` + signature +
 * index (2, base 36) + the URL path (base64url).
 */

export const SEND_AND_WAIT_TRACK_PREFIX = 'n8nsw';

const SIGNATURE_LENGTH = 43;
const NODE_ID_LENGTH = 22;
const INDEX_LENGTH = 2;
const DEFAULT_PATH =
	/^\/webhook-waiting\/(\d+)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const MAX_INDEX = 36 ** INDEX_LENGTH - 1;

/** Where a click on a Send and Wait card goes: the resume path and n8n's signature for it. */
export interface CardWaitTarget {
	/** The pathname of the signed resume URL, e.g. /webhook-waiting/42/<node id>. */
	path: string;
	/** n8n's HMAC of the path, hex (the `signature` query parameter). */
	signature: string;
	/** Which of the node's cards (one per person when sent to several). */
	index: number;
}

function toBase64Url(bytes: Buffer): string {
	return bytes.toString('base64url');
}

function uuidToBase64Url(uuid: string): string {
	return toBase64Url(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
}

function base64UrlToUuid(text: string): string {
	const hex = Buffer.from(text, 'base64url').toString('hex');
	return [
		hex.slice(0, 8),
		hex.slice(8, 12),
		hex.slice(12, 16),
		hex.slice(16, 20),
		hex.slice(20),
	].join('-');
}

/**
 * The outTrackId of card `index` of the node that waits at `signedResumeUrl` (what n8n's
 * getSignedResumeUrl() returned, without extra query parameters).
 */
export function sendAndWaitTrackId(signedResumeUrl: string, index = 0): string {
	const url = new URL(signedResumeUrl);
	const signature = url.searchParams.get('signature') ?? '';
	if (!/^[0-9a-f]{64}$/.test(signature)) {
		throw new Error('The resume URL n8n gave has no signature to put into the card');
	}
	if (!Number.isInteger(index) || index < 0 || index > MAX_INDEX) {
		throw new Error(`A Send and Wait node sends at most ${MAX_INDEX + 1} cards`);
	}
	const signed = toBase64Url(Buffer.from(signature, 'hex'));
	const match = DEFAULT_PATH.exec(url.pathname);
	if (match) {
		const suffix = index === 0 ? '' : `-${index.toString(36)}`;
		return `${SEND_AND_WAIT_TRACK_PREFIX}1${signed}${uuidToBase64Url(match[2])}${match[1]}${suffix}`;
	}
	const path = toBase64Url(Buffer.from(url.pathname, 'utf8'));
	return `${SEND_AND_WAIT_TRACK_PREFIX}2${signed}${index.toString(36).padStart(INDEX_LENGTH, '0')}${path}`;
}

/** The resume target of a Send and Wait card's outTrackId; undefined for any other card. */
export function readSendAndWaitTrackId(outTrackId: unknown): CardWaitTarget | undefined {
	if (typeof outTrackId !== 'string' || !outTrackId.startsWith(SEND_AND_WAIT_TRACK_PREFIX)) {
		return undefined;
	}
	const version = outTrackId.charAt(SEND_AND_WAIT_TRACK_PREFIX.length);
	const rest = outTrackId.slice(SEND_AND_WAIT_TRACK_PREFIX.length + 1);
	if (!BASE64URL.test(rest)) return undefined;
	const signature = Buffer.from(rest.slice(0, SIGNATURE_LENGTH), 'base64url').toString('hex');
	if (signature.length !== 64) return undefined;
	const tail = rest.slice(SIGNATURE_LENGTH);
	if (version === '1') {
		const nodeId = tail.slice(0, NODE_ID_LENGTH);
		const ids = /^(\d{1,20})(?:-([0-9a-z]{1,2}))?$/.exec(tail.slice(NODE_ID_LENGTH));
		if (nodeId.length !== NODE_ID_LENGTH || !ids) return undefined;
		const path = `/webhook-waiting/${ids[1]}/${base64UrlToUuid(nodeId)}`;
		return { path, signature, index: ids[2] ? parseInt(ids[2], 36) : 0 };
	}
	if (version === '2') {
		const index = parseInt(tail.slice(0, INDEX_LENGTH), 36);
		const path = Buffer.from(tail.slice(INDEX_LENGTH), 'base64url').toString('utf8');
		if (!/^[0-9a-z]{2}$/.test(tail.slice(0, INDEX_LENGTH))) return undefined;
		if (!path.startsWith('/') || /[?#\s]/.test(path)) return undefined;
		return { path, signature, index };
	}
	return undefined;
}

/** Whether a card of `target` belongs to the node `nodeId` (its id is the resume path's end). */
export function isCardOfNode(target: CardWaitTarget, nodeId: string): boolean {
	return decodeURIComponent(target.path.split('/').pop() ?? '') === nodeId;
}
