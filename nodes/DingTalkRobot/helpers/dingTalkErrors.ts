/** What went wrong when DingTalk answered with a non-zero errcode, and what the user can do. */
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
