/**
 * Every reason the trigger refuses a request, with the HTTP status it answers and the short
 * English text that goes into the JSON reply and the n8n log. None of them contains a secret or
 * echoes request data.
 */
const REJECTIONS = {
	// Malformed requests
	bodyTooLarge: [413, 'Request body is too large'],
	bodyNotJson: [400, 'Request body is not a JSON object'],
	badTimestamp: [400, 'Timestamp is not a number of milliseconds or seconds'],
	missingNonce: [400, 'Query parameter nonce is missing'],
	missingEncrypt: [400, 'Body has no encrypt field'],
	messageIdTooLong: [400, 'Message ID is too long'],
	missingMessageId: [400, 'Message has no msgId'],
	// One answer for every failure past a valid event signature: see EVENT_UNREADABLE_CAUSES.
	eventUnreadable: [400, 'Encrypted event could not be read'],
	// Authentication
	missingTimestamp: [401, 'Timestamp is missing'],
	missingSign: [401, 'Signature is missing'],
	staleTimestamp: [401, 'Timestamp is outside the allowed window'],
	signMismatch: [401, 'Signature does not match'],
	signatureReused: [401, 'Signature was already used for another message'],
	missingToken: [401, 'Token header is missing'],
	tokenMismatch: [401, 'Token does not match'],
	// Our side
	misconfigured: [500, 'Trigger is not configured correctly'],
	internalError: [500, 'Request could not be processed'],
} as const;

export type RejectionReason = keyof typeof REJECTIONS;

/**
 * Why a validly signed push could not be read. The caller always gets `eventUnreadable`: telling
 * these apart would be a padding oracle for anyone holding the event token. Only the log says
 * which one it was.
 */
const EVENT_UNREADABLE_CAUSES = {
	badBase64: 'Encrypted payload is not valid base64',
	notBlockMultiple: 'Encrypted payload is not a whole number of AES blocks',
	decryptFailed: 'Encrypted payload could not be decrypted',
	badPadding: 'Encrypted payload has invalid padding',
	plaintextTooShort: 'Decrypted payload is too short',
	lengthOutOfRange: 'Decrypted length field points past the end of the payload',
	badUtf8: 'Decrypted payload is not valid UTF-8',
	ownerKeyMismatch: 'Event was encrypted for another app',
	eventNotJson: 'Decrypted event is not a JSON object',
	eventIdTooLong: 'Event ID is too long',
} as const;

export type EventUnreadableCause = keyof typeof EVENT_UNREADABLE_CAUSES;

export interface Rejection {
	status: number;
	reason: RejectionReason;
	message: string;
}

/** Hints for the n8n log when the likely cause is the user's configuration, not the caller. */
const LOG_HINTS: Partial<Record<RejectionReason | EventUnreadableCause, string>> = {
	signMismatch:
		'If the request really came from DingTalk, check the Client Secret (robot) or the event token in the credential.',
	staleTimestamp: "Check the n8n server clock, or raise the node's timestamp tolerance.",
	decryptFailed: 'The signature was valid, so the aes_key in the credential is probably wrong.',
	badPadding: 'The signature was valid, so the aes_key in the credential is probably wrong.',
	lengthOutOfRange: 'The signature was valid, so the aes_key in the credential is probably wrong.',
	ownerKeyMismatch:
		'Set Owner Key in the credential: the AppKey for the console event subscription, the CorpId for the legacy API, the SuiteKey for third-party apps.',
	tokenMismatch: 'Check the Outgoing token in the credential.',
	signatureReused:
		'DingTalk signs only the timestamp, so a timestamp and sign seen before with another msgId is a replay of a captured request.',
	missingMessageId:
		'DingTalk gives every robot message a msgId; without one a message could not be told from its replay.',
};

export function rejection(reason: RejectionReason): Rejection {
	const [status, message] = REJECTIONS[reason];
	return { status, reason, message };
}

export function rejectionLogHint(reason: RejectionReason): string | undefined {
	return LOG_HINTS[reason];
}

/** The log line's account of an unreadable event: the precise cause and, if any, a hint. */
export function eventUnreadableLogDetail(cause: EventUnreadableCause): string {
	const hint = LOG_HINTS[cause];
	return `Cause (${cause}): ${EVENT_UNREADABLE_CAUSES[cause]}.${hint ? ` ${hint}` : ''}`;
}
