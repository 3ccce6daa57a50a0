import { createHash } from 'node:crypto';

/** Where in an execution a message is sent: together they name one send of one item. */
export interface SendPosition {
	executionId?: string;
	nodeId: string;
	runIndex: number;
	itemIndex: number;
}

/**
 * The msgUuid of an item when the user sets none. It is the same on every attempt of one node
 * run, and n8n's Retry On Fail runs the node again with the same execution, node and run index,
 * so DingTalk drops the copies of the messages that went out before the failure. A new
 * execution (a manual run, a retried execution) gets new IDs and posts again; a Message UUID
 * taken from the data ({{ $json.alertId }}) is the way to make that idempotent too.
 */
export function defaultMsgUuid(position: SendPosition, randomId: () => string): string {
	if (!position.executionId) return randomId();
	const digest = createHash('sha256')
		.update(
			`${position.executionId}\n${position.nodeId}\n${position.runIndex}\n${position.itemIndex}`,
		)
		.digest('hex');
	// Laid out as a version 4 UUID, the form a random msgUuid has.
	const variant = ((parseInt(digest[16], 16) & 0x3) | 0x8).toString(16);
	return [
		digest.slice(0, 8),
		digest.slice(8, 12),
		`4${digest.slice(13, 16)}`,
		`${variant}${digest.slice(17, 20)}`,
		digest.slice(20, 32),
	].join('-');
}
