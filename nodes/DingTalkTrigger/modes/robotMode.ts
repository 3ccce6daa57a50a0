import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { buildRobotMessageItem } from '../../shared/robotMessage';
import { constantTimeEqual, verifyRobotSignature } from '../../shared/robotSigning';
import { configProblem, type RobotVerification, type TriggerConfig } from '../config';
import { MAX_MESSAGE_ID_LENGTH } from '../../shared/dedupe';
import { robotFiltersOf, robotMessageFilteredBy } from '../../shared/triggerFilters';
import type { RejectionReason } from '../rejections';
import {
	isDuplicate,
	numberOption,
	readJsonBody,
	refuse,
	signatureFitsMessage,
} from '../webhookRequest';

/** Robot mode: @-messages to an app robot (signed) or a custom robot's Outgoing (token). */

/** What DingTalk expects when a robot should not post anything back. */
const EMPTY_ROBOT_REPLY = { msgtype: 'empty' };

type HeaderValue = string | string[] | undefined;

function headerValue(headers: Record<string, HeaderValue>, name: string): string | undefined {
	const value = headers[name];
	return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Checks where a robot message comes from: an app robot signs `timestamp` + `sign` with the
 * app's Client Secret; a custom robot's Outgoing sends its configured token in `token`.
 */
export function verifyRobotRequest(options: {
	verification: RobotVerification;
	headers: Record<string, HeaderValue>;
	appSecret: string;
	outgoingToken: string;
	nowMs: number;
	windowMs: number;
}): { valid: true } | { valid: false; reason: RejectionReason } {
	const { headers } = options;
	if (options.verification === 'outgoingToken') {
		const token = headerValue(headers, 'token');
		if (token === undefined) return { valid: false, reason: 'missingToken' };
		return constantTimeEqual(options.outgoingToken, token)
			? { valid: true }
			: { valid: false, reason: 'tokenMismatch' };
	}
	const check = verifyRobotSignature({
		timestamp: headerValue(headers, 'timestamp'),
		sign: headerValue(headers, 'sign'),
		secret: options.appSecret,
		nowMs: options.nowMs,
		windowMs: options.windowMs,
	});
	return check.valid ? check : { valid: false, reason: check.reason };
}

export async function handleRobotRequest(
	context: IWebhookFunctions,
	config: TriggerConfig,
): Promise<IWebhookResponseData> {
	const verification = context.getNodeParameter(
		'robotVerification',
		'signature',
	) as RobotVerification;
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const textPattern = typeof options.textPattern === 'string' ? options.textPattern : '';
	const problem = configProblem(config, verification, textPattern);
	if (problem) return refuse(context, 'misconfigured', { detail: problem });

	const headers = context.getHeaderData() as Record<string, HeaderValue>;
	const windowMs = numberOption(options, 'timestampToleranceSeconds', 3600) * 1000;
	const verified = verifyRobotRequest({
		verification,
		headers,
		appSecret: config.appSecret,
		outgoingToken: config.outgoingToken,
		nowMs: Date.now(),
		windowMs,
	});
	// The body is read only after the headers check out, so strangers cannot make us parse it.
	if (!verified.valid) return refuse(context, verified.reason);
	const read = readJsonBody(context);
	if (!read.ok) return refuse(context, read.reason);

	const item = buildRobotMessageItem(read.body, { includeRaw: options.includeRaw === true });
	if (item.messageId === '') return refuse(context, 'missingMessageId');
	if (item.messageId.length > MAX_MESSAGE_ID_LENGTH) return refuse(context, 'messageIdTooLong');
	if (
		verification === 'signature' &&
		!signatureFitsMessage(
			context,
			{ timestamp: String(headers.timestamp), sign: String(headers.sign) },
			item.messageId,
			windowMs,
		)
	) {
		return refuse(context, 'signatureReused');
	}
	const filteredBy = robotMessageFilteredBy(item, robotFiltersOf(options));
	if (filteredBy) {
		context.logger.debug(`DingTalk Trigger: message filtered out by ${filteredBy}`);
		return { webhookResponse: EMPTY_ROBOT_REPLY };
	}
	const duplicate = isDuplicate(context, 'robot', item.messageId, {
		minutes: numberOption(options, 'dedupeMinutes', 10),
		// Only the signature carries a timestamp; an Outgoing token is valid forever.
		signedAtMs: verification === 'signature' ? Number(headers.timestamp) : undefined,
		windowMs,
	});
	if (duplicate) {
		context.logger.debug('DingTalk Trigger: duplicate robot message ignored');
		return { webhookResponse: EMPTY_ROBOT_REPLY };
	}
	return {
		workflowData: [[{ json: item }]],
		// Used only when replying immediately; with "last node output" n8n answers with that.
		webhookResponse: EMPTY_ROBOT_REPLY,
	};
}
