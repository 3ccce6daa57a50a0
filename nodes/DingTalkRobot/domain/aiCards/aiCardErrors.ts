import { describeCardError } from '../cards/cardErrors';

const STREAMING_PERMISSION_HINT =
	'The app lacks the AI card permissions. In the developer console open Permissions (权限管理), add Card.Streaming.Write (AI 卡片流式更新) and Card.Instance.Write (互动卡片实例写权限), then publish a new app version.';

/**
 * Hints for refusals of the AI card calls. DingTalk answers a streaming update of a card that
 * was not created with Stream callbacks with a bare HTTP 500 (as users report); this node always
 * creates its cards so, so a 500 there usually means the card of the Out Track ID is not one of
 * its AI cards, or the template has no streaming variable of that name.
 */
export function describeAiCardError(code: string, statusCode: number, message: string): string {
	if (/Card\.Streaming\.Write/i.test(`${code} ${message}`)) return STREAMING_PERMISSION_HINT;
	if (statusCode >= 500) {
		return 'DingTalk could not stream into the card. Check that the template is an AI card template (卡片搭建平台 → AI 卡片) whose streaming variable is the "Content Variable" of the node, that the card was created with Stream callbacks, and that the app has Card.Streaming.Write.';
	}
	if (statusCode === 403 && /PermissionDenied/i.test(code)) return STREAMING_PERMISSION_HINT;
	return describeCardError(code, statusCode, message);
}
