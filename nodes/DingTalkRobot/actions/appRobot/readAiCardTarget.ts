import type { IExecuteFunctions } from 'n8n-workflow';

import type { CardSpace } from '../../domain/cards/openSpace';
import { requiredText } from '../openApiItem';
import { readReplyTarget } from './readTarget';
import { conversationOf } from './sendToTarget';

/** The space of the AI card target parameters: a group, a person, or a received message's. */
export function readAiCardSpace(context: IExecuteFunctions, itemIndex: number): CardSpace {
	const to = context.getNodeParameter('aiCardSendTo', itemIndex, 'reply');
	if (to === 'group') {
		return {
			type: 'IM_GROUP',
			openConversationId: requiredText(context, itemIndex, 'openConversationId', 'Conversation ID'),
		};
	}
	if (to === 'user') {
		return {
			type: 'IM_ROBOT',
			userId: requiredText(context, itemIndex, 'aiCardUserId', 'User ID'),
		};
	}
	const target = readReplyTarget(context, itemIndex);
	if (target.to !== 'reply') throw new Error('a reply target was expected');
	const conversation = conversationOf(target.incoming);
	return conversation.to === 'group'
		? { type: 'IM_GROUP', openConversationId: conversation.openConversationId }
		: { type: 'IM_ROBOT', userId: conversation.userIds[0] };
}

/** The template's streaming and status variable names of the options, or their defaults. */
export function readAiCardKeys(options: { contentKey?: unknown; statusKey?: unknown }) {
	return {
		contentKey: String(options.contentKey ?? '').trim() || 'content',
		statusKey: String(options.statusKey ?? '').trim() || 'flowStatus',
	};
}
