import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readRobotMessageReference } from '../../../shared/robotMessage';
import { parseMentionList } from '../../domain/mentions';
import { MessageFieldError } from '../../domain/robotMessage';
import { requiredText } from '../openApiItem';
import type { AppRobotTarget } from './sendToTarget';

/** A group by its Conversation ID, with the Cool App Code of `options` where there is one. */
export function readGroupTarget(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): AppRobotTarget {
	return {
		to: 'group',
		openConversationId: requiredText(context, itemIndex, 'openConversationId', 'Conversation ID'),
		coolAppCode: String(options.coolAppCode ?? '').trim() || undefined,
	};
}

/** People by User IDs, or by Mobile Numbers when Recipients By says so. */
export function readPeopleTarget(context: IExecuteFunctions, itemIndex: number): AppRobotTarget {
	const byMobile = context.getNodeParameter('recipientsBy', itemIndex, 'userIds') === 'mobiles';
	const listed = parseMentionList(
		context.getNodeParameter(byMobile ? 'mobiles' : 'userIds', itemIndex, ''),
	);
	if (listed.length === 0) {
		throw new MessageFieldError(
			byMobile ? 'mobiles' : 'userIds',
			byMobile ? '"Mobile Numbers" is empty' : '"User IDs" is empty',
			byMobile
				? 'Give at least one mobile number, e.g. {{ $json.mobile }}.'
				: 'Give at least one DingTalk user ID (staff ID), e.g. {{ $json.sender.staffId }}.',
		);
	}
	return byMobile ? { to: 'mobiles', mobiles: listed } : { to: 'users', userIds: listed };
}

/** The conversation of the received message in Incoming Message. */
export function readReplyTarget(context: IExecuteFunctions, itemIndex: number): AppRobotTarget {
	const incoming = readRobotMessageReference(
		context.getNodeParameter('incomingMessage', itemIndex),
	);
	return { to: 'reply', incoming };
}

/** The target a "Send To" parameter picks: group, users or reply. */
export function readChosenTarget(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	options: IDataObject,
): AppRobotTarget {
	const to = context.getNodeParameter(parameter, itemIndex, 'group');
	if (to === 'reply') return readReplyTarget(context, itemIndex);
	if (to === 'users') return readPeopleTarget(context, itemIndex);
	return readGroupTarget(context, itemIndex, options);
}
