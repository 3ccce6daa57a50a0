import type { CardSpace } from '../../domain/cards/openSpace';
import { MessageFieldError } from '../../domain/robotMessage';
import { conversationOf } from './sendToTarget';
import type { AppRobotTarget } from './sendToTarget';

/** The spaces a card goes to: the group, each person, or the conversation of a received message. */
export function cardSpacesOf(target: AppRobotTarget, sendToParameter: string): CardSpace[] {
	if (target.to === 'group') {
		return [{ type: 'IM_GROUP', openConversationId: target.openConversationId }];
	}
	if (target.to === 'users') {
		return target.userIds.map((userId) => ({ type: 'IM_ROBOT', userId }));
	}
	if (target.to === 'reply') {
		const conversation = conversationOf(target.incoming);
		return conversation.to === 'group'
			? [{ type: 'IM_GROUP', openConversationId: conversation.openConversationId }]
			: [{ type: 'IM_ROBOT', userId: conversation.userIds[0] }];
	}
	throw new MessageFieldError(
		sendToParameter,
		'Cards go to a group, to users by user ID, or as a reply',
		'Choose Group, Users or Reply to Message under Send To.',
	);
}
