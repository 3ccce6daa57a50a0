import type { RobotMessage } from './schemas';
import type { FakeRobot, NotifiedPeople } from './types';

type Fields = Record<string, unknown>;

/** The text people see in the group, which keyword and content-safety checks look at. */
export function visibleText(message: RobotMessage): string {
	const body = message[message.msgtype] as Fields;
	switch (message.msgtype) {
		case 'text':
			return String(body.content);
		case 'markdown':
		case 'link':
			return [body.title, body.text].join('\n');
		case 'actionCard': {
			const buttons = ((body.btns as Fields[] | undefined) ?? []).map((button) => button.title);
			return [body.title, body.text, body.singleTitle, ...buttons].filter(isString).join('\n');
		}
		case 'feedCard':
			return (body.links as Fields[]).map((link) => link.title).join('\n');
	}
}

/**
 * Who an @ actually reaches. Only text and markdown support @, and DingTalk only fires an @ for a
 * mobile or userId listed in `at` when `@<mobile>` / `@<userId>` also appears in the content
 * (markdown: in `text`). When the robot's group members are known, people outside it are not notified.
 */
export function notifiedPeople(
	message: RobotMessage,
	members?: FakeRobot['members'],
): NotifiedPeople {
	const nobody: NotifiedPeople = { mobiles: [], userIds: [], all: false };
	if (message.msgtype !== 'text' && message.msgtype !== 'markdown') return nobody;
	const body = message[message.msgtype] as Fields;
	const content = String(message.msgtype === 'text' ? body.content : body.text);
	const mentioned = (id: string) => content.includes(`@${id}`);
	const memberMobiles = members && new Set(members.map((member) => member.mobile).filter(isString));
	const memberUserIds = members && new Set(members.map((member) => member.userId).filter(isString));
	const at = message.at ?? {};
	return {
		mobiles: unique(at.atMobiles ?? []).filter(
			(mobile) => mentioned(mobile) && (!memberMobiles || memberMobiles.has(mobile)),
		),
		userIds: unique(at.atUserIds ?? []).filter(
			(userId) => mentioned(userId) && (!memberUserIds || memberUserIds.has(userId)),
		),
		all: at.isAtAll === true,
	};
}

function isString(value: unknown): value is string {
	return typeof value === 'string';
}

function unique(values: string[]): string[] {
	return [...new Set(values)];
}
