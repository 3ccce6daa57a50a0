/**
 * Stream connections this n8n process holds, per Client ID. DingTalk gives each message to one
 * of an app's connections at random, so a second one in the same process quietly takes a share
 * of the messages from the first: worth a warning in the log.
 */

const open = new Map<string, number>();

/** Records a connection; returns how many this Client ID had before. */
export function registerStreamClient(clientId: string): number {
	const before = open.get(clientId) ?? 0;
	open.set(clientId, before + 1);
	return before;
}

export function releaseStreamClient(clientId: string): void {
	const count = (open.get(clientId) ?? 0) - 1;
	if (count > 0) open.set(clientId, count);
	else open.delete(clientId);
}

export function openStreamClients(clientId: string): number {
	return open.get(clientId) ?? 0;
}
