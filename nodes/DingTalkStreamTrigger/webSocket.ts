import type { StreamSocketConstructor } from './connection';

// Node's global WebSocket (Node 22+, or Node 20 with --experimental-websocket); @types/node 20
// does not declare it. Read at activation, so a test or a later flag can provide it.
declare const WebSocket: StreamSocketConstructor | undefined;

export const WEBSOCKET_MISSING =
	"This n8n runs on a Node.js without a global WebSocket, which the DingTalk Stream Trigger needs. Run n8n on Node.js 22 or newer (the newest n8n needs it anyway), or start Node.js 20 with --experimental-websocket (e.g. NODE_OPTIONS=--experimental-websocket). The DingTalk Trigger's HTTP mode works without it.";

/** The WebSocket class of this process, or undefined. */
export function globalWebSocket(): StreamSocketConstructor | undefined {
	return typeof WebSocket === 'function' ? WebSocket : undefined;
}
