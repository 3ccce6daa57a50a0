/** What went wrong when a custom robot answered with a non-zero errcode, and what the user can do. */
export interface DingTalkErrorInfo {
	kind:
		| 'throttled'
		| 'transient'
		| 'security'
		| 'token'
		| 'robot'
		| 'session'
		| 'content'
		| 'unknown';
	hint: string;
	/** Whether sending the same message again (same msgUuid) may succeed. */
	retryable: boolean;
}

const THROTTLE_CODES = new Set([130101, 410100, 660026]);
const TOKEN_CODES = new Set([300005, 400101, 40035]);

const UNKNOWN_TOKEN_HINT =
	'DingTalk does not know this access token. Copy the webhook URL again from the group settings (Group Settings → Bots → the robot → Webhook) into the credential.';

/** `unsigned`: the request went to a robot webhook without timestamp and sign (no secret set). */
export function describeDingTalkError(
	errcode: number,
	errmsg: string,
	context: { unsigned?: boolean } = {},
): DingTalkErrorInfo {
	const message = (errmsg ?? '').toLowerCase();

	if (THROTTLE_CODES.has(errcode) || /too fast|too many|限流/.test(message)) {
		return {
			kind: 'throttled',
			retryable: true,
			hint: 'DingTalk allows 20 messages a minute per robot and then blocks the robot for 10 minutes. Keep "Rate Limit Handling" on "Wait for a Free Slot", lower the message rate, or spread messages over several robots.',
		};
	}
	if (errcode === -1) {
		return {
			kind: 'transient',
			retryable: true,
			hint: 'DingTalk is busy (系统繁忙). Try again in a moment.',
		};
	}
	if (errcode === 310000) {
		if (message.includes('keyword')) {
			return {
				kind: 'security',
				retryable: false,
				hint: "The message contains none of the robot's keywords (关键词). Add the keywords to the credential so the node appends one, or include one in the message.",
			};
		}
		// Without a secret the request has no timestamp or sign, which DingTalk reports as a bad one.
		if (context.unsigned && (message.includes('timestamp') || message.includes('sign'))) {
			return {
				kind: 'security',
				retryable: false,
				hint: 'The robot has 加签 (signing) enabled but the credential has no Secret. Copy the SEC... value from the robot security settings into the credential.',
			};
		}
		if (message.includes('timestamp')) {
			return {
				kind: 'security',
				retryable: false,
				hint: "DingTalk refused the signature's timestamp: the clock of the n8n server is more than one hour off. Synchronise the server clock (NTP).",
			};
		}
		if (message.includes('sign')) {
			return {
				kind: 'security',
				retryable: false,
				hint: "The signature does not match: the credential's Secret must be the SEC... value shown under 加签 in the robot security settings of this same robot. Leave it empty if 加签 is off.",
			};
		}
		if (message.includes('ip')) {
			return {
				kind: 'security',
				retryable: false,
				hint: "The robot's IP allow-list does not include the public IP of the n8n server. Add it in the robot security settings.",
			};
		}
		return {
			kind: 'security',
			retryable: false,
			hint: 'A robot security check failed (keywords, 加签 signature or IP allow-list). Compare the credential with the robot security settings.',
		};
	}
	if (errcode === 300001 && /session/.test(message)) {
		return {
			kind: 'session',
			retryable: false,
			hint: 'The session webhook has expired (DingTalk keeps it for about 90 minutes after the message) or is not valid. Reply sooner, or post through a robot webhook instead.',
		};
	}
	if (TOKEN_CODES.has(errcode) && /token/.test(message)) {
		return { kind: 'token', retryable: false, hint: UNKNOWN_TOKEN_HINT };
	}
	if (errcode === 300001 || errcode === 300005 || errcode === 400101) {
		return { kind: 'token', retryable: false, hint: UNKNOWN_TOKEN_HINT };
	}
	if (errcode === 400102) {
		return {
			kind: 'robot',
			retryable: false,
			hint: 'The robot is disabled (机器人已停用). Enable it in the group settings.',
		};
	}
	if (errcode === 400106) {
		return {
			kind: 'robot',
			retryable: false,
			hint: 'The robot no longer exists in this group. Add it again and update the credential with its new webhook.',
		};
	}
	if (errcode === 400013) {
		return {
			kind: 'robot',
			retryable: false,
			hint: 'The group of this robot has been disbanded (群已被解散).',
		};
	}
	if (errcode >= 430101 && errcode <= 430104) {
		return {
			kind: 'content',
			retryable: false,
			hint: "DingTalk's content-safety check rejected the message (unsafe link, text, picture or content). Change the message.",
		};
	}
	if (errcode === 460101) {
		return {
			kind: 'content',
			retryable: false,
			hint: 'The message is longer than 20,000 bytes. Shorten it or split it into several messages.',
		};
	}
	if (errcode === 400105) {
		return {
			kind: 'content',
			retryable: false,
			hint: 'DingTalk does not support this message type through a robot webhook. Use text, link, markdown, actionCard or feedCard.',
		};
	}
	if (errcode === 40035 || errcode === 43004 || errcode === 43002) {
		return {
			kind: 'content',
			retryable: false,
			hint: 'DingTalk found a required field missing or the request malformed. Check the message fields.',
		};
	}
	return {
		kind: 'unknown',
		retryable: false,
		hint: 'DingTalk rejected the message with an errcode this node does not know. Look the code up in the DingTalk robot documentation.',
	};
}

// The robot OpenAPI (api.dingtalk.com/v1.0) answers {code, message}; /media/upload {errcode, errmsg}.

/** What an OpenAPI refusal means for the node and what the user can do about it. */
export interface OpenApiErrorInfo {
	kind: 'auth' | 'throttled' | 'permission' | 'robot' | 'target' | 'message' | 'media' | 'unknown';
	hint: string;
}

/** Codes of the new-style API and errcodes of /media/upload that mean "this token is not valid". */
const AUTH_CODES = new Set([
	'InvalidAuthentication',
	'invalidParameter.token.invalid',
	'token.notExisted',
]);
const OAPI_AUTH_ERRCODES = new Set([40014, 42001]);

/** Whether DingTalk refused the access token itself (so a fresh token may succeed). */
export function isAuthError(statusCode: number, code: unknown, errcode?: unknown): boolean {
	if (statusCode === 401) return true;
	if (typeof code === 'string' && AUTH_CODES.has(code)) return true;
	return OAPI_AUTH_ERRCODES.has(Number(errcode));
}

/** DingTalk's per-app and per-API call limits (Forbidden.AccessDenied.QpsLimitForApi and similar). */
export function isThrottled(statusCode: number, code: unknown): boolean {
	if (statusCode === 429) return true;
	const text = typeof code === 'string' ? code : '';
	return /QpsLimit|QpmLimit|QpdLimit|send\.too\.fast|tooFast|flowControl/i.test(text);
}

export function describeOpenApiError(code: string, statusCode: number): OpenApiErrorInfo {
	if (isAuthError(statusCode, code)) {
		return {
			kind: 'auth',
			hint: 'DingTalk refused the app access token even after the node fetched a new one. Check that the Client ID and Client Secret in the credential belong to the same app and that the app is not disabled.',
		};
	}
	if (code === 'invalidClientIdOrSecret') {
		return {
			kind: 'auth',
			hint: 'DingTalk rejected the Client ID or Client Secret. Copy both again from the app’s Credentials & Basic Info page (凭证与基础信息).',
		};
	}
	if (isThrottled(statusCode, code)) {
		return {
			kind: 'throttled',
			hint: 'DingTalk limits how often an app may call this API. The node retried and gave up; send fewer messages per second or raise "Max Retries".',
		};
	}
	if (code === 'Forbidden.AccessDenied.IpNotInWhiteList') {
		return {
			kind: 'permission',
			hint: 'The public IP of the n8n server is not in the app’s server IP allow-list (服务器出口IP). Add it in the developer console.',
		};
	}
	if (code.startsWith('Forbidden.AccessDenied') || statusCode === 403) {
		return {
			kind: 'permission',
			hint: 'The app lacks the permission for this API. In the developer console grant the robot permissions (e.g. 企业内机器人发送消息权限 qyapi_robot_sendmsg) and publish a new app version.',
		};
	}
	if (code.startsWith('invalidParameter.robotCode') || code.startsWith('robot.')) {
		return {
			kind: 'robot',
			hint: 'DingTalk does not know this robot code for the app. Leave "Robot Code" empty to use the Client ID (AppKey), and check that the app has a published robot.',
		};
	}
	if (code === 'invalid.openConversationId' || code === 'resource.unavailable') {
		return {
			kind: 'target',
			hint: 'The group does not exist or the robot is not a member. Use the conversation.id of a message the robot received in that group, and add the robot to the group.',
		};
	}
	if (code.startsWith('invalidParameter.openConversationId')) {
		return {
			kind: 'target',
			hint: 'Give the group’s openConversationId, e.g. the conversation.id of a message the robot received there.',
		};
	}
	if (code.startsWith('invalidParameter.userIds') || code === 'staffId.notExisted') {
		return {
			kind: 'target',
			hint: 'Give between 1 and 20 DingTalk user IDs (staff IDs) per request; the node splits longer lists for you.',
		};
	}
	if (code === 'invalidParameter.msgParam.tooLong') {
		return {
			kind: 'message',
			hint: 'The message parameters are longer than DingTalk accepts (15,000 bytes). Shorten the text.',
		};
	}
	if (code.startsWith('invalidParameter.msgKey')) {
		return {
			kind: 'message',
			hint: 'DingTalk does not know this message template (msgKey). Use one of sampleText, sampleMarkdown, sampleImageMsg, sampleLink, sampleActionCard, sampleActionCard2 to 6, sampleAudio, sampleFile or sampleVideo.',
		};
	}
	if (code.startsWith('invalidParameter.msgParam') || code.startsWith('miss.param')) {
		return {
			kind: 'message',
			hint: 'The message parameters (msgParam) do not match the template: every field of the template must be given, and media IDs must come from Upload Media with the matching type.',
		};
	}
	if (code.startsWith('invalidParameter.downloadCode')) {
		return {
			kind: 'media',
			hint: 'The download code is unknown, expired or belongs to another robot. Use a code from a message this robot received recently (downloadCodes of the DingTalk Trigger item).',
		};
	}
	if (statusCode >= 500) {
		return {
			kind: 'unknown',
			hint: 'DingTalk or a proxy in between failed. The node does not retry this, because the message may have been sent anyway; check the chat before you run it again.',
		};
	}
	return {
		kind: 'unknown',
		hint: 'Look the code up in the DingTalk OpenAPI documentation (错误码).',
	};
}

/** Errcodes of the older /media/upload endpoint. */
export function describeUploadError(errcode: number): string {
	switch (errcode) {
		case 40014:
		case 42001:
			return 'DingTalk refused the app access token even after the node fetched a new one. Check the Client ID and Client Secret of the credential.';
		case 40004:
			return 'The media type is not one DingTalk accepts: image, voice, video or file.';
		case 40005:
			return 'The file is empty or too large for this media type (voice up to 2 MB; image, video and file up to 20 MB).';
		case 40006:
			return 'DingTalk does not accept this file format for the media type: image jpg/png/gif/bmp, voice amr/mp3/wav/ogg, video mp4, file doc/docx/xls/xlsx/ppt/pptx/zip/pdf/rar. Check the file name extension.';
		case 40035:
			return 'DingTalk found no file in the upload. Check that the binary property holds the file.';
		default:
			return 'Look the errcode up in the DingTalk API documentation (上传媒体文件).';
	}
}

const CONTACT_SCOPE =
	'Check the app’s contact range (通讯录权限范围) in the developer console: DingTalk answers as if people and departments outside it did not exist.';

/**
 * Errcodes of the contact APIs (topapi/v2/user/..., topapi/v2/department/...). A missing
 * permission comes as errcode 88 (or 60011) with DingTalk naming it in sub_msg.
 */
export function describeContactError(errcode: number, subCode?: string, subMsg?: string): string {
	if (errcode === 60011 || subCode === '60011') {
		const named = subMsg ? ` DingTalk says: ${subMsg}.` : '';
		return `The app lacks a contacts read permission (通讯录读权限).${named} In the developer console open Permissions (权限管理), add it (成员信息读权限 qyapi_get_member, 根据手机号获取成员 qyapi_get_member_by_mobile, 通讯录部门成员读权限 qyapi_get_department_member, 通讯录部门信息读权限 qyapi_get_department_list), then publish a new app version.`;
	}
	switch (errcode) {
		case 40014:
		case 42001:
			return describeUploadError(errcode);
		case 60121:
			return `DingTalk knows no user with this ID, mobile or unionId in the organisation. User IDs (userid, staffId) are not unionIds; a mobile number is given without country code for mainland China. ${CONTACT_SCOPE}`;
		case 60003:
			return `The department does not exist. Department IDs are numbers (dept_id); the root department is 1. ${CONTACT_SCOPE}`;
		case 50004:
			return `The department is outside the app’s contact range. ${CONTACT_SCOPE}`;
		case 60020:
			return 'The public IP of the n8n server is not in the app’s server IP allow-list (服务器出口IP). Add it in the developer console.';
		case 40035:
			return 'DingTalk found a parameter missing or malformed. Check the IDs given to the node.';
		default:
			return 'Look the errcode up in the DingTalk API documentation (通讯录管理 错误码).';
	}
}
