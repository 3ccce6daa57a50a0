import { describeOpenApiError } from '../../../shared/errorCatalog';

const CARD_PERMISSION_HINT =
	'The app lacks the interactive card permission. In the developer console open Permissions (权限管理), add 互动卡片实例写权限 (Card.Instance.Write), then publish a new app version.';

/**
 * Hints for refusals of the card APIs (/v1.0/card/...). DingTalk's codes for an unknown template,
 * a reused outTrackId or an unknown card are not documented where this was written from, so
 * they are recognised by their words (code and message) rather than exact codes.
 */
export function describeCardError(code: string, statusCode: number, message: string): string {
	const words = `${code} ${message}`;
	if (/PermissionDenied|Card\.Instance\.Write/i.test(words)) return CARD_PERMISSION_HINT;
	if (/template|模板/i.test(words)) {
		return 'DingTalk does not know this card template ID for the app. Copy the template ID (ending in .schema) from the card builder (卡片搭建平台), and check that the template is published and linked to this app.';
	}
	if (/outTrackId/i.test(words) && /duplicate|exist(s|ed)?\b.*already|已存在|重复/i.test(words)) {
		return 'A card with this Out Track ID was already sent by the app: every card needs an ID of its own. Leave "Out Track ID" empty to get a new one, or use the Update Card operation to change the existing card.';
	}
	if (/instance|not.?exist|不存在/i.test(words) && /card|卡片|outTrackId/i.test(words)) {
		return 'DingTalk knows no card with this Out Track ID for the app. Use the outTrackId output by Send Interactive Card (or of a card callback), with the credential of the app that sent the card.';
	}
	if (/cardParamMap/i.test(words)) {
		return 'DingTalk refused the card variables. Every variable is sent as a string; check the names against the card template.';
	}
	if (/openSpaceId|openConversationId|群/i.test(words)) {
		return 'DingTalk cannot deliver the card there: the group must have the robot as a member (use the conversation ID of a message the robot received there), and a person must be a user of the organisation.';
	}
	if (statusCode === 403 && !/IpNotInWhiteList|QpsLimit/i.test(code)) return CARD_PERMISSION_HINT;
	return describeOpenApiError(code, statusCode).hint;
}
