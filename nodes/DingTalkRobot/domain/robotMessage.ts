import type { IDataObject } from 'n8n-workflow';

export const ROBOT_MSG_TYPES = ['text', 'link', 'markdown', 'actionCard', 'feedCard'] as const;
export type RobotMsgType = (typeof ROBOT_MSG_TYPES)[number];

export interface RobotAt extends IDataObject {
	atMobiles?: string[];
	atUserIds?: string[];
	isAtAll?: boolean;
}

/** A custom-robot message body as DingTalk's /robot/send and sessionWebhook accept it. */
export interface RobotMessage extends IDataObject {
	msgtype: RobotMsgType;
	at?: RobotAt;
	msgUuid?: string;
}

export { MessageFieldError } from '../../shared/fieldError';
