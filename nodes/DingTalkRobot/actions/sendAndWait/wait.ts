import { WAIT_INDEFINITELY } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import type { ResumeUrls } from '../../domain/sendAndWait/card';
import { waitLimitDate } from '../../domain/sendAndWait/config';
import { executeReader, readWaitLimit } from './readConfig';

/** The signed addresses that resume this execution at this node. */
export function resumeUrls(context: IExecuteFunctions): ResumeUrls {
	return {
		approve: context.getSignedResumeUrl({ approved: 'true' }),
		disapprove: context.getSignedResumeUrl({ approved: 'false' }),
		respond: context.getSignedResumeUrl(),
	};
}

/** When the wait ends without an answer: never, or the limit of the options. */
export function waitTill(context: IExecuteFunctions, now = Date.now()): Date {
	const limit = readWaitLimit(executeReader(context));
	if (!limit) return WAIT_INDEFINITELY;
	const date = waitLimitDate(limit, now);
	if (!date) {
		throw new MessageFieldError(
			'options.limitWaitTime',
			'"Limit Wait Time" has no valid date',
			'Pick a date and time, or an amount and unit.',
		);
	}
	return date;
}

/**
 * Puts the execution to wait for the person's answer. n8n then checks the signature of every
 * request to the resume URLs (401 for a wrong one) because the operation is sendAndWait: n8n 2.8
 * once the node asks for it, newer n8n (2.41) always, where the method no longer exists.
 */
export async function waitForResponse(context: IExecuteFunctions, until: Date): Promise<void> {
	if (typeof context.setSignatureValidationRequired === 'function') {
		context.setSignatureValidationRequired();
	}
	await context.putExecutionToWait(until);
}
