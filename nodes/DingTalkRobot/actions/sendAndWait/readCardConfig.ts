import type { IDataObject } from 'n8n-workflow';

import { parseIdList } from '../../domain/idList';
import { MessageFieldError } from '../../domain/robotMessage';
import {
	DEFAULT_NOT_AUTHORIZED_TEXT,
	type CardWaitConfig,
} from '../../domain/sendAndWait/cardWait';
import type { ParameterReader } from './readConfig';

/** How the person answers: links to n8n pages, or buttons of an interactive card over Stream. */
export type AnswerVia = 'links' | 'cardButtons';

export function readAnswerVia(context: ParameterReader): AnswerVia {
	return context.get('answerVia', 'links') === 'cardButtons' ? 'cardButtons' : 'links';
}

/** The card part of Send and Wait by card buttons, read like the rest of the question. */
export function readCardWaitConfig(context: ParameterReader): CardWaitConfig {
	const cardTemplateId = String(context.get('cardTemplateId', '') ?? '').trim();
	if (!cardTemplateId) {
		throw new MessageFieldError(
			'cardTemplateId',
			'"Card Template ID" is empty',
			'Give the ID of a card template built for Send and Wait (see the node’s docs: variables title, content, status, resultText and callback buttons).',
		);
	}
	const options = context.get('options', {}) as IDataObject;
	return {
		cardTemplateId,
		approvers: parseIdList(context.get('approvers', '')),
		notAuthorizedText:
			String(options.notAuthorizedText ?? '').trim() || DEFAULT_NOT_AUTHORIZED_TEXT,
	};
}
