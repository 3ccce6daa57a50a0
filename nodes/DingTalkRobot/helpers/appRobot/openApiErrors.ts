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
