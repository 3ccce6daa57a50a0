import type { FormFieldsParameter } from 'n8n-workflow';

/** What a Send and Wait for Response asks for, as the node's parameters set it. */
export type ResponseType = 'approval' | 'freeText' | 'customForm';

export interface ApprovalChoice {
	/** Only an approve button, or approve and disapprove. */
	type: 'single' | 'double';
	approveLabel: string;
	disapproveLabel: string;
}

export interface FormPage {
	title: string;
	description: string;
	buttonLabel: string;
}

export interface SendAndWaitConfig {
	responseType: ResponseType;
	/** Card title: the notification and the conversation list show it. */
	title: string;
	/** Markdown body of the card. */
	message: string;
	approval: ApprovalChoice;
	/** The card's button that opens the free-text or form page. */
	openFormLabel: string;
	form: FormPage;
	fields: FormFieldsParameter;
}

export type WaitLimit =
	| {
			limitType: 'afterTimeInterval';
			resumeAmount: number;
			resumeUnit: 'minutes' | 'hours' | 'days';
	  }
	| { limitType: 'atSpecifiedTime'; maxDateAndTime: string };

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** When the wait ends without an answer; undefined when it is not limited or not valid. */
export function waitLimitDate(limit: WaitLimit | undefined, now: number): Date | undefined {
	if (!limit) return undefined;
	const date =
		limit.limitType === 'afterTimeInterval'
			? new Date(now + Number(limit.resumeAmount) * UNIT_MS[limit.resumeUnit])
			: new Date(limit.maxDateAndTime);
	return Number.isNaN(date.getTime()) ? undefined : date;
}
