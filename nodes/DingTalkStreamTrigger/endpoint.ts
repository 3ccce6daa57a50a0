import { clip } from '../shared/values';

/**
 * Which WebSocket endpoints of a connections/open answer the node connects to. The ticket goes
 * in the endpoint's query, so it must travel encrypted: DingTalk answers
 * `wss://wss-open-connection.dingtalk.com:443/connect`. Plain `ws:` is only for a gateway on this
 * machine (a local test gateway). Hosts are judged as the URL parser normalises them, so every
 * spelling of a numeric address (`2130706433`, `0x7f.1`) counts as the address it is.
 */

function isLoopback(hostname: string): boolean {
	return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Why the node will not open `endpoint`, or undefined when it will. Never echoes userinfo. */
export function streamEndpointProblem(endpoint: string): string | undefined {
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		return `The Stream gateway answered an endpoint that is not a valid URL: "${clip(endpoint)}"`;
	}
	if (!url.host) {
		return `The Stream gateway answered an endpoint that is not a valid URL: "${clip(endpoint)}"`;
	}
	const shown = clip(`${url.protocol}//${url.host}`);
	if (url.username || url.password) {
		return `The Stream gateway answered an endpoint with a user name or password (${shown}); the node does not connect there`;
	}
	if (url.href.includes('#')) {
		return `The Stream gateway answered an endpoint with a fragment (#…), which a WebSocket URL cannot have (${shown})`;
	}
	if (url.protocol === 'wss:') return undefined;
	if (url.protocol === 'ws:' && isLoopback(url.hostname)) return undefined;
	return `The Stream gateway answered ${shown}: the node connects only to wss:// endpoints (plain ws:// only on this machine), as the ticket travels in the URL`;
}
