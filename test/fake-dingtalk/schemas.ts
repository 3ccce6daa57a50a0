import { dingTalkErrors, type DingTalkError } from './errors';

/**
 * Message schemas of the custom-robot webhook (protocol notes §1.3).
 *
 * Stricter than DingTalk on purpose: DingTalk silently ignores fields it does not know, so a
 * misspelled field (`messageURL` in link, `messageUrl` in feedCard, `picUrl` vs `picURL`) just
 * loses its value in production. Here an unknown field is an error (40035 naming it), and so are
 * optional fields sent empty, null or with the wrong type, so such mistakes fail tests instead.
 */

export const SUPPORTED_MSGTYPES = ['text', 'link', 'markdown', 'actionCard', 'feedCard'] as const;
export type MsgType = (typeof SUPPORTED_MSGTYPES)[number];

type ScalarKind = 'text' | 'url' | 'flag' | 'boolean' | 'stringList';

type FieldSpec =
	| { kind: ScalarKind; required: boolean }
	| { kind: 'objectList'; required: boolean; item: ObjectSchema };

type ObjectSchema = Record<string, FieldSpec>;

const required = (kind: ScalarKind): FieldSpec => ({ kind, required: true });
const optional = (kind: ScalarKind): FieldSpec => ({ kind, required: false });

const messageSchemas: Record<MsgType, ObjectSchema> = {
	text: { content: required('text') },
	link: {
		title: required('text'),
		text: required('text'),
		messageUrl: required('url'),
		picUrl: optional('url'),
	},
	markdown: { title: required('text'), text: required('text') },
	actionCard: {
		title: required('text'),
		text: required('text'),
		singleTitle: optional('text'),
		singleURL: optional('url'),
		btns: {
			kind: 'objectList',
			required: false,
			item: { title: required('text'), actionURL: required('url') },
		},
		btnOrientation: optional('flag'),
		hideAvatar: optional('flag'),
	},
	feedCard: {
		links: {
			kind: 'objectList',
			required: true,
			item: { title: required('text'), messageURL: required('url'), picURL: required('url') },
		},
	},
};

const atSchema: ObjectSchema = {
	atMobiles: optional('stringList'),
	atUserIds: optional('stringList'),
	isAtAll: optional('boolean'),
};

export interface RobotMessage {
	msgtype: MsgType;
	msgUuid?: string;
	at?: { atMobiles?: string[]; atUserIds?: string[]; isAtAll?: boolean };
	[typeObject: string]: unknown;
}

/** Validates a parsed webhook body. Returns the DingTalk error to answer, or the typed message. */
export function validateMessage(
	body: Record<string, unknown>,
): { error: DingTalkError } | { message: RobotMessage } {
	const msgtype = body.msgtype;
	if (typeof msgtype !== 'string' || !(SUPPORTED_MSGTYPES as readonly string[]).includes(msgtype)) {
		return { error: dingTalkErrors.unsupportedMsgtype };
	}
	const allowedTopLevel = new Set(['msgtype', msgtype, 'at', 'msgUuid']);
	for (const key of Object.keys(body)) {
		if (!allowedTopLevel.has(key)) return { error: unknownField(key) };
	}
	const typeProblem = validateObject(body[msgtype], messageSchemas[msgtype as MsgType], msgtype);
	if (typeProblem) return { error: typeProblem };
	if (msgtype === 'actionCard') {
		const buttonProblem = validateActionCardButtons(body.actionCard as Record<string, unknown>);
		if (buttonProblem) return { error: buttonProblem };
	}
	if (body.at === null) return { error: invalidField('at', 'omit the field instead of null') };
	if (body.at !== undefined) {
		const atProblem = validateObject(body.at, atSchema, 'at');
		if (atProblem) return { error: atProblem };
	}
	if (body.msgUuid !== undefined) {
		const uuidProblem = validateField(body.msgUuid, optional('text'), 'msgUuid');
		if (uuidProblem) return { error: uuidProblem };
	}
	return { message: body as RobotMessage };
}

/** Single-button cards need singleTitle and singleURL together; otherwise at least one entry in btns. */
function validateActionCardButtons(card: Record<string, unknown>): DingTalkError | undefined {
	const hasSingleTitle = card.singleTitle !== undefined;
	const hasSingleUrl = card.singleURL !== undefined;
	if (hasSingleTitle && !hasSingleUrl) return missingField('actionCard.singleURL');
	if (hasSingleUrl && !hasSingleTitle) return missingField('actionCard.singleTitle');
	if (hasSingleTitle) return undefined;
	if (!Array.isArray(card.btns) || card.btns.length === 0) return missingField('actionCard.btns');
	return undefined;
}

function validateObject(
	value: unknown,
	schema: ObjectSchema,
	path: string,
): DingTalkError | undefined {
	if (value === undefined || value === null) return missingField(path);
	if (!isPlainObject(value)) return invalidField(path, 'must be an object');
	for (const key of Object.keys(value)) {
		if (!(key in schema)) return unknownField(`${path}.${key}`);
	}
	for (const [name, spec] of Object.entries(schema)) {
		const problem = validateField(value[name], spec, `${path}.${name}`);
		if (problem) return problem;
	}
	return undefined;
}

function validateField(value: unknown, spec: FieldSpec, path: string): DingTalkError | undefined {
	if (value === undefined) return spec.required ? missingField(path) : undefined;
	if (value === null) {
		return spec.required
			? missingField(path)
			: invalidField(path, 'omit the field instead of null');
	}
	switch (spec.kind) {
		case 'text':
			if (typeof value !== 'string') return invalidField(path, 'must be a string');
			return value.trim() === '' ? emptyField(path, spec.required) : undefined;
		case 'url':
			if (typeof value !== 'string') return invalidField(path, 'must be a string');
			if (value.trim() === '') return emptyField(path, spec.required);
			return isSupportedUrl(value)
				? undefined
				: invalidField(path, 'must be an http(s):// or dingtalk:// URL');
		case 'flag':
			return value === '0' || value === '1'
				? undefined
				: invalidField(path, 'must be the string "0" or "1"');
		case 'boolean':
			return typeof value === 'boolean' ? undefined : invalidField(path, 'must be a boolean');
		case 'stringList':
			if (!Array.isArray(value)) return invalidField(path, 'must be an array of strings');
			for (const [index, entry] of value.entries()) {
				if (typeof entry !== 'string') return invalidField(`${path}[${index}]`, 'must be a string');
				if (entry.trim() === '') return emptyField(`${path}[${index}]`, true);
			}
			return undefined;
		case 'objectList':
			if (!Array.isArray(value)) return invalidField(path, 'must be an array');
			if (spec.required && value.length === 0) return missingField(path);
			for (const [index, entry] of value.entries()) {
				const problem = validateObject(entry, spec.item, `${path}[${index}]`);
				if (problem) return problem;
			}
			return undefined;
	}
}

function isSupportedUrl(value: string): boolean {
	const match = /^(https?|dingtalk):\/\/[^\s/?#]+/i.exec(value);
	if (!match) return false;
	try {
		new URL(value);
		return true;
	} catch {
		return false;
	}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function missingField(path: string): DingTalkError {
	return { errcode: 40035, errmsg: `缺少参数 ${path}` };
}

/** An empty required field counts as missing; an empty optional one should have been left out. */
function emptyField(path: string, isRequired: boolean): DingTalkError {
	return isRequired ? missingField(path) : invalidField(path, 'empty; omit the field instead');
}

function unknownField(path: string): DingTalkError {
	return { errcode: 40035, errmsg: `未知参数 ${path}` };
}

function invalidField(path: string, detail: string): DingTalkError {
	return { errcode: 40035, errmsg: `参数格式错误 ${path}: ${detail}` };
}
