import type { IDataObject } from 'n8n-workflow';

import type { CardParamMap } from '../../../shared/cardVariables';
import {
	CARD_WAIT_ACTIONS,
	CARD_WAIT_VARIABLES as VARIABLES,
	type CardWaitStatus,
	type ForwardedCardClick,
} from '../../../shared/cardWait/contract';
import { readAnswerText } from './answers';
import type { SendAndWaitConfig } from './config';
import { readFormAnswer } from './formFields';

/** What Send and Wait by card buttons adds to the question. */
export interface CardWaitConfig {
	cardTemplateId: string;
	/** User IDs who may answer; empty: anyone who sees the card. */
	approvers: string[];
	notAuthorizedText: string;
}

export const DEFAULT_NOT_AUTHORIZED_TEXT = 'Only the approvers of this request can answer it.';

/** The card's variables when it is sent: the question, the button texts, status waiting. */
export function cardWaitVariables(config: SendAndWaitConfig): CardParamMap {
	const approval = config.responseType === 'approval';
	return {
		[VARIABLES.title]: config.title,
		[VARIABLES.content]: config.message,
		[VARIABLES.responseType]: config.responseType,
		[VARIABLES.approveText]: approval ? config.approval.approveLabel : '',
		[VARIABLES.declineText]:
			approval && config.approval.type === 'double' ? config.approval.disapproveLabel : '',
		[VARIABLES.submitText]: approval ? '' : config.form.buttonLabel,
		[VARIABLES.status]: 'waiting',
		[VARIABLES.resultText]: '',
	};
}

/** What a click means for the waiting execution. */
export type CardClickVerdict =
	| { kind: 'notAuthorized' }
	| { kind: 'invalid'; problem: string }
	| { kind: 'answer'; status: CardWaitStatus; data: IDataObject };

/** Judges a click: who may answer, and whether the button and inputs make an answer. */
export function judgeCardClick(
	config: SendAndWaitConfig,
	card: CardWaitConfig,
	click: ForwardedCardClick,
): CardClickVerdict {
	if (card.approvers.length > 0 && !card.approvers.includes(click.userId)) {
		return { kind: 'notAuthorized' };
	}
	const params = click.params ?? {};
	const action = String(params.action ?? click.actionId ?? '');
	if (config.responseType === 'approval') {
		if (action === CARD_WAIT_ACTIONS.approve) {
			return { kind: 'answer', status: 'approved', data: { approved: true } };
		}
		if (action === CARD_WAIT_ACTIONS.decline && config.approval.type === 'double') {
			return { kind: 'answer', status: 'declined', data: { approved: false } };
		}
		return { kind: 'invalid', problem: 'This button does not answer the request.' };
	}
	if (config.responseType === 'freeText') {
		const answer = readAnswerText(params.text, 'Response');
		if (!answer.ok) return { kind: 'invalid', problem: answer.problem };
		if (!answer.text) return { kind: 'invalid', problem: 'Write a response before you submit it.' };
		return { kind: 'answer', status: 'answered', data: { text: answer.text } };
	}
	const form = readFormAnswer(config.fields, params, (field) => field.fieldLabel);
	if (!form.ok) return { kind: 'invalid', problem: form.problem };
	return { kind: 'answer', status: 'answered', data: { ...form.data } };
}

const RESULT_WORDS: Record<CardWaitStatus, string> = {
	waiting: 'Waiting',
	approved: 'Approved',
	declined: 'Declined',
	answered: 'Answered',
};

/** The card for everyone after the decision: its buttons gone, the decision and the person. */
export function decidedCardVariables(status: CardWaitStatus, who: string): CardParamMap {
	return {
		[VARIABLES.status]: status,
		[VARIABLES.resultText]: `${RESULT_WORDS[status]} by ${who}`,
	};
}

/** A note only the clicker sees on the card. */
export function noticeVariables(text: string): CardParamMap {
	return { [VARIABLES.notice]: text };
}
