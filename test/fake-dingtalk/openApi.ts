import { randomBytes } from 'node:crypto';

import type { FakeExtension, Reply, RequestContext, Route } from './routing';

/**
 * The enterprise-app side of DingTalk (api.dingtalk.com and the media part of oapi.dingtalk.com)
 * for an internal app with a robot: app access tokens, robot messages to groups and people,
 * media upload and the download of files users sent to the robot. Plug it into a FakeDingTalk
 * with `fake.use(openApi)`. New-style endpoints answer errors with HTTP 4xx and
 * `{code, message, requestid}`; the older /media/upload answers HTTP 200 with `{errcode, errmsg}`.
 *
 * The fake checks, in this order: method; token (header x-acs-dingtalk-access-token, known, not
 * expired); JSON body; robotCode (given, the token's app robot); msgKey (given, a template);
 * msgParam (a JSON *string*, at most 15 000 bytes, an object with every field of the template as
 * a non-empty string, media IDs uploaded with the right type); then the target.
 */

export interface FakeApp {
	appKey: string;
	appSecret: string;
	/** The app robot's code; DingTalk uses the AppKey for an internal app's robot. */
	robotCode?: string;
	/** openConversationIds of the groups the robot is in. */
	groups?: string[];
	/** userIds (staff IDs) of the organisation; any other comes back in invalidStaffIdList. */
	users?: string[];
	/** userIds answered in flowControlledStaffIdList (the robot messaged them too often). */
	flowControlledUsers?: string[];
	/** Every token of this app is refused with InvalidAuthentication, even a fresh one. */
	refuseTokens?: boolean;
	/**
	 * Permission codes granted in the developer console (e.g. qyapi_get_member). Without the list
	 * every permission is granted; with it, a contact API the app lacks answers errcode 88 / 60011.
	 */
	permissions?: string[];
}

/** A robot message the fake accepted: one per group send, one per delivered user of a batch. */
export interface AppRobotMessage {
	via: 'group' | 'single';
	appKey: string;
	robotCode: string;
	openConversationId?: string;
	userId?: string;
	msgKey: string;
	msgParam: Record<string, unknown>;
	processQueryKey: string;
	receivedAt: number;
	/** When the robot recalled it (robotRecall.ts); DingTalk then shows it as recalled. */
	recalledAt?: number;
}

export interface StoredMedia {
	mediaId: string;
	type: MediaType;
	fileName: string;
	contentType: string;
	data: Buffer;
	uploadedAt: number;
}

/** A file, picture, audio or video a user sent to the robot, fetched by its downloadCode. */
export interface IncomingFile {
	downloadCode: string;
	robotCode: string;
	data: Buffer;
	contentType: string;
}

export interface FakeOpenApiOptions {
	apps?: FakeApp[];
	/** Lifetime of an access token. Default 7200 s, as DingTalk. */
	tokenTtlSeconds?: number;
	/** Lifetime of a download URL. Default one hour. */
	downloadUrlTtlMs?: number;
}

type MediaType = 'image' | 'voice' | 'video' | 'file';

interface IssuedToken {
	appKey: string;
	expiresAt: number;
}

/** The fields each template needs in msgParam, as DingTalk documents them. */
const TEMPLATE_FIELDS: Record<string, string[]> = {
	sampleText: ['content'],
	sampleMarkdown: ['title', 'text'],
	sampleImageMsg: ['photoURL'],
	sampleLink: ['text', 'title', 'messageUrl'],
	sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
	sampleActionCard2: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2'],
	sampleActionCard3: [
		'title',
		'text',
		'actionTitle1',
		'actionURL1',
		'actionTitle2',
		'actionURL2',
		'actionTitle3',
		'actionURL3',
	],
	sampleActionCard4: [
		'title',
		'text',
		'actionTitle1',
		'actionURL1',
		'actionTitle2',
		'actionURL2',
		'actionTitle3',
		'actionURL3',
		'actionTitle4',
		'actionURL4',
	],
	sampleActionCard5: [
		'title',
		'text',
		'actionTitle1',
		'actionURL1',
		'actionTitle2',
		'actionURL2',
		'actionTitle3',
		'actionURL3',
		'actionTitle4',
		'actionURL4',
		'actionTitle5',
		'actionURL5',
	],
	sampleActionCard6: ['title', 'text', 'buttonTitle1', 'buttonUrl1', 'buttonTitle2', 'buttonUrl2'],
	sampleAudio: ['mediaId', 'duration'],
	sampleFile: ['mediaId', 'fileName', 'fileType'],
	sampleVideo: ['duration', 'videoMediaId', 'videoType', 'picMediaId'],
};

/** msgParam fields that name uploaded media, and the media type they must have. */
const MEDIA_FIELDS: Record<string, Record<string, MediaType>> = {
	sampleAudio: { mediaId: 'voice' },
	sampleFile: { mediaId: 'file' },
	sampleVideo: { videoMediaId: 'video', picMediaId: 'image' },
};

export const MAX_MSG_PARAM_BYTES = 15000;
export const MAX_BATCH_USERS = 20;

const MEDIA_LIMITS: Record<MediaType, { maxBytes: number; extensions: string[] }> = {
	image: { maxBytes: 20 * 1024 * 1024, extensions: ['jpg', 'jpeg', 'png', 'gif', 'bmp'] },
	voice: { maxBytes: 2 * 1024 * 1024, extensions: ['amr', 'mp3', 'wav', 'ogg'] },
	video: { maxBytes: 20 * 1024 * 1024, extensions: ['mp4'] },
	file: {
		maxBytes: 20 * 1024 * 1024,
		extensions: ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'zip', 'pdf', 'rar'],
	},
};

const TOKEN_HEADER = 'x-acs-dingtalk-access-token';
const DOWNLOAD_PATH = '/fake-oss/download';

function randomId(bytes = 12): string {
	return randomBytes(bytes).toString('base64url');
}

/** A new-style OpenAPI error: HTTP 4xx with `{code, message, requestid}`. */
export function apiError(status: number, code: string, message: string): Reply {
	return {
		status,
		json: { code, message, requestid: randomBytes(8).toString('hex').toUpperCase() },
	};
}

/** An older oapi error: HTTP 200 with a non-zero errcode. */
function oapiError(errcode: number, errmsg: string): Reply {
	return { status: 200, json: { errcode, errmsg } };
}

/**
 * DingTalk's refusal of an API the app has no permission for, when the fake app lists its
 * permissions and `permission` is not among them: HTTP 403 naming the permission.
 */
export function permissionRefusal(app: FakeApp, permission: string): Reply | undefined {
	if (!app.permissions || app.permissions.includes(permission)) return undefined;
	const reply = apiError(
		403,
		'Forbidden.AccessDenied.AccessTokenPermissionDenied',
		`应用尚未开通所需的权限：[${permission}]`,
	) as { status: number; json: Record<string, unknown> };
	reply.json.accessdenieddetail = { requiredScopes: [permission] };
	return reply;
}

function header(context: RequestContext, name: string): string | undefined {
	const value = context.headers[name];
	return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJsonBody(context: RequestContext): Record<string, unknown> | undefined {
	try {
		const body: unknown = JSON.parse(context.rawBody.toString('utf8'));
		return isObject(body) ? body : undefined;
	} catch {
		return undefined;
	}
}

export class FakeOpenApi implements FakeExtension {
	/** Accepted robot messages, oldest first. */
	readonly messages: AppRobotMessage[] = [];
	/** Uploaded media by mediaId. */
	readonly media = new Map<string, StoredMedia>();

	private readonly apps = new Map<string, FakeApp>();
	private readonly tokens = new Map<string, IssuedToken>();
	private readonly files = new Map<string, IncomingFile>();
	private readonly downloads = new Map<string, { file: IncomingFile; expiresAt: number }>();
	private readonly tokenTtlSeconds: number;
	private readonly downloadUrlTtlMs: number;

	constructor(options: FakeOpenApiOptions = {}) {
		this.tokenTtlSeconds = options.tokenTtlSeconds ?? 7200;
		this.downloadUrlTtlMs = options.downloadUrlTtlMs ?? 3_600_000;
		for (const app of options.apps ?? []) this.addApp(app);
	}

	/** Adds an app, or replaces the app with the same AppKey. */
	addApp(app: FakeApp): void {
		if (!app.appKey || !app.appSecret) throw new Error('A fake app needs an appKey and appSecret');
		this.apps.set(app.appKey, { ...app });
	}

	/** Registers a file a user sent to the robot and returns its downloadCode. */
	addIncomingFile(file: Omit<IncomingFile, 'downloadCode'> & { downloadCode?: string }): string {
		const downloadCode = file.downloadCode ?? `dc_${randomId(18)}`;
		this.files.set(downloadCode, { ...file, downloadCode });
		return downloadCode;
	}

	/** A user forwards uploaded media to the robot: returns the downloadCode of that message. */
	incomingFileFromMedia(mediaId: string, robotCode: string): string {
		const media = this.media.get(mediaId);
		if (!media) throw new Error(`no uploaded media ${mediaId}`);
		return this.addIncomingFile({ robotCode, data: media.data, contentType: media.contentType });
	}

	/** Every access token issued so far stops working, as after its two hours. */
	expireTokens(): void {
		for (const token of this.tokens.values()) token.expiresAt = Number.NEGATIVE_INFINITY;
	}

	/** Messages, tokens, media and files go; apps stay. */
	reset(): void {
		this.messages.length = 0;
		this.media.clear();
		this.tokens.clear();
		this.files.clear();
		this.downloads.clear();
	}

	routes(): Route[] {
		return [
			{
				path: '/v1.0/oauth2/accessToken',
				methods: ['POST'],
				handle: (context) => this.issueToken(context),
			},
			{
				path: '/v1.0/robot/groupMessages/send',
				methods: ['POST'],
				handle: (context) =>
					this.withApp(context, (app, body) => this.sendToGroup(context, app, body)),
			},
			{
				path: '/v1.0/robot/oToMessages/batchSend',
				methods: ['POST'],
				handle: (context) =>
					this.withApp(context, (app, body) => this.batchSend(context, app, body)),
			},
			{
				path: '/v1.0/robot/messageFiles/download',
				methods: ['POST'],
				handle: (context) =>
					this.withApp(context, (app, body) => this.downloadUrl(context, app, body)),
			},
			{ path: '/media/upload', methods: ['POST'], handle: (context) => this.upload(context) },
			{ path: DOWNLOAD_PATH, methods: ['GET'], handle: (context) => this.serveFile(context) },
		];
	}

	private issueToken(context: RequestContext): Reply {
		const body = parseJsonBody(context);
		if (!body) return apiError(400, 'InvalidParameter', '请求体不是合法的JSON');
		const app = typeof body.appKey === 'string' ? this.apps.get(body.appKey) : undefined;
		if (!app || body.appSecret !== app.appSecret) {
			return apiError(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
		}
		const expiresAt = context.now + this.tokenTtlSeconds * 1000;
		// Within its validity DingTalk hands out the same token again and extends it.
		for (const [value, token] of this.tokens) {
			if (token.appKey === app.appKey && token.expiresAt > context.now) {
				token.expiresAt = expiresAt;
				return { status: 200, json: { accessToken: value, expireIn: this.tokenTtlSeconds } };
			}
		}
		const value = randomBytes(16).toString('hex');
		this.tokens.set(value, { appKey: app.appKey, expiresAt });
		return { status: 200, json: { accessToken: value, expireIn: this.tokenTtlSeconds } };
	}

	/**
	 * The app of an older-API request (token in the access_token query parameter), or its error
	 * answer: errcode 40014 for an unknown token, 42001 for an expired one, with HTTP 200.
	 */
	appOfQueryToken(context: RequestContext): FakeApp | Reply {
		const token = context.query.access_token;
		const issued = token ? this.tokens.get(token) : undefined;
		const app = issued ? this.apps.get(issued.appKey) : undefined;
		if (!issued || !app || app.refuseTokens) return oapiError(40014, '不合法的access_token');
		if (issued.expiresAt <= context.now) return oapiError(42001, 'access_token超时');
		return app;
	}

	/** The app of a valid token, or why there is none. */
	private appOfToken(token: string | undefined, now: number): FakeApp | 'missing' | 'invalid' {
		if (!token) return 'missing';
		const issued = this.tokens.get(token);
		const app = issued ? this.apps.get(issued.appKey) : undefined;
		if (!issued || !app || issued.expiresAt <= now || app.refuseTokens) return 'invalid';
		return app;
	}

	/** The app of a new-style request (token in the x-acs-dingtalk-access-token header), or the refusal. */
	appOfHeaderToken(context: RequestContext): FakeApp | Reply {
		const app = this.appOfToken(header(context, TOKEN_HEADER), context.now);
		if (app === 'missing') {
			return apiError(400, 'AuthenticationFailed.MissingParameter', `缺少参数 ${TOKEN_HEADER}`);
		}
		if (app === 'invalid') return apiError(400, 'InvalidAuthentication', '不合法的access_token');
		return app;
	}

	/**
	 * Runs `handle` for the app of the token in the x-acs-dingtalk-access-token header and the
	 * JSON body, or answers the error DingTalk gives for a missing or bad token or body.
	 */
	withApp(
		context: RequestContext,
		handle: (app: FakeApp, body: Record<string, unknown>) => Reply,
	): Reply {
		const app = this.appOfHeaderToken(context);
		if ('status' in app) return app;
		const body = parseJsonBody(context);
		if (!body) return apiError(400, 'InvalidParameter', '请求体不是合法的JSON');
		return handle(app, body);
	}

	checkRobotCode(app: FakeApp, robotCode: unknown): Reply | undefined {
		if (typeof robotCode !== 'string' || robotCode === '') {
			return apiError(400, 'invalidParameter.robotCode.empty', 'robotCode 不能为空');
		}
		if (robotCode !== (app.robotCode ?? app.appKey)) {
			return apiError(400, 'invalidParameter.robotCode.notExsit', '机器人不存在');
		}
		return undefined;
	}

	/** Checks msgKey and msgParam; returns the parsed msgParam or the error answer. */
	private checkMessage(body: Record<string, unknown>): Reply | Record<string, unknown> {
		const { msgKey, msgParam } = body;
		if (typeof msgKey !== 'string' || msgKey === '') {
			return apiError(400, 'invalidParameter.msgKey.empty', 'msgKey 不能为空');
		}
		const fields = TEMPLATE_FIELDS[msgKey];
		if (!fields) return apiError(400, 'invalidParameter.msgKey.invalid', `msgKey ${msgKey} 不存在`);
		if (typeof msgParam !== 'string') {
			return apiError(400, 'invalidParameter.msgParam.invalid', 'msgParam 必须是JSON字符串');
		}
		if (Buffer.byteLength(msgParam, 'utf8') > MAX_MSG_PARAM_BYTES) {
			return apiError(400, 'invalidParameter.msgParam.tooLong', 'msgParam 超过最大长度');
		}
		let param: unknown;
		try {
			param = JSON.parse(msgParam);
		} catch {
			return apiError(400, 'invalidParameter.msgParam.invalid', 'msgParam 不是合法的JSON');
		}
		if (!isObject(param)) {
			return apiError(400, 'invalidParameter.msgParam.invalid', 'msgParam 不是JSON对象');
		}
		for (const field of fields) {
			const value = param[field];
			if (typeof value !== 'string' || value.trim() === '') {
				return apiError(400, 'invalidParameter.msgParam.invalid', `msgParam 缺少参数 ${field}`);
			}
		}
		for (const [field, type] of Object.entries(MEDIA_FIELDS[msgKey] ?? {})) {
			if (this.media.get(String(param[field]))?.type !== type) {
				return apiError(
					400,
					'invalidParameter.msgParam.invalid',
					`msgParam ${field} 不是有效的${type}类型mediaId`,
				);
			}
		}
		if (msgKey === 'sampleImageMsg') {
			const photo = String(param.photoURL);
			const isUrl = /^https?:\/\//.test(photo);
			if (!isUrl && this.media.get(photo)?.type !== 'image') {
				return apiError(400, 'invalidParameter.msgParam.invalid', 'photoURL 不是图片URL或mediaId');
			}
		}
		return param;
	}

	private sendToGroup(context: RequestContext, app: FakeApp, body: Record<string, unknown>): Reply {
		const robotError = this.checkRobotCode(app, body.robotCode);
		if (robotError) return robotError;
		const param = this.checkMessage(body);
		if ('status' in param) return param as Reply;
		const conversationId = body.openConversationId;
		if (typeof conversationId !== 'string' || conversationId === '') {
			return apiError(
				400,
				'invalidParameter.openConversationId.empty',
				'openConversationId 不能为空',
			);
		}
		if (!(app.groups ?? []).includes(conversationId)) {
			return apiError(400, 'invalid.openConversationId', '群不存在或机器人不在群中');
		}
		const processQueryKey = randomId();
		this.messages.push({
			via: 'group',
			appKey: app.appKey,
			robotCode: String(body.robotCode),
			openConversationId: conversationId,
			msgKey: String(body.msgKey),
			msgParam: param,
			processQueryKey,
			receivedAt: context.now,
		});
		return { status: 200, json: { processQueryKey } };
	}

	private batchSend(context: RequestContext, app: FakeApp, body: Record<string, unknown>): Reply {
		const robotError = this.checkRobotCode(app, body.robotCode);
		if (robotError) return robotError;
		const { userIds } = body;
		if (!Array.isArray(userIds) || userIds.length === 0) {
			return apiError(400, 'invalidParameter.userIds.empty', 'userIds 不能为空');
		}
		if (userIds.length > MAX_BATCH_USERS) {
			return apiError(
				400,
				'invalidParameter.userIds.overMax',
				`userIds 超过最大限制${MAX_BATCH_USERS}`,
			);
		}
		const param = this.checkMessage(body);
		if ('status' in param) return param as Reply;

		const processQueryKey = randomId();
		const invalidStaffIdList: string[] = [];
		const flowControlledStaffIdList: string[] = [];
		for (const userId of userIds.map(String)) {
			if (!(app.users ?? []).includes(userId)) {
				invalidStaffIdList.push(userId);
			} else if ((app.flowControlledUsers ?? []).includes(userId)) {
				flowControlledStaffIdList.push(userId);
			} else {
				this.messages.push({
					via: 'single',
					appKey: app.appKey,
					robotCode: String(body.robotCode),
					userId,
					msgKey: String(body.msgKey),
					msgParam: param,
					processQueryKey,
					receivedAt: context.now,
				});
			}
		}
		return {
			status: 200,
			json: { processQueryKey, invalidStaffIdList, flowControlledStaffIdList },
		};
	}

	private downloadUrl(context: RequestContext, app: FakeApp, body: Record<string, unknown>): Reply {
		const robotError = this.checkRobotCode(app, body.robotCode);
		if (robotError) return robotError;
		const { downloadCode } = body;
		if (typeof downloadCode !== 'string' || downloadCode === '') {
			return apiError(400, 'invalidParameter.downloadCode.empty', 'downloadCode 不能为空');
		}
		const file = this.files.get(downloadCode);
		if (!file || file.robotCode !== body.robotCode) {
			return apiError(400, 'invalidParameter.downloadCode.invalid', 'downloadCode 无效或已过期');
		}
		const id = randomId(18);
		this.downloads.set(id, { file, expiresAt: context.now + this.downloadUrlTtlMs });
		const host = header(context, 'host') ?? '127.0.0.1';
		return { status: 200, json: { downloadUrl: `http://${host}${DOWNLOAD_PATH}?id=${id}` } };
	}

	private serveFile(context: RequestContext): Reply {
		const download = this.downloads.get(context.query.id ?? '');
		if (!download || download.expiresAt <= context.now) {
			return {
				status: 403,
				text: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code></Error>',
				contentType: 'application/xml',
			};
		}
		return { status: 200, text: download.file.data, contentType: download.file.contentType };
	}

	private async upload(context: RequestContext): Promise<Reply> {
		const app = this.appOfQueryToken(context);
		if ('status' in app) return app;

		const type = context.query.type as MediaType;
		const limits = MEDIA_LIMITS[type];
		if (!limits) return oapiError(40004, '不合法的媒体文件类型');

		const contentType = header(context, 'content-type') ?? '';
		if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
			return oapiError(40035, '缺少参数 media');
		}
		let media: File | string | null = null;
		try {
			const form = await new Response(context.rawBody, {
				headers: { 'content-type': contentType },
			}).formData();
			media = form.get('media');
		} catch {
			return oapiError(40035, '缺少参数 media');
		}
		if (!media || typeof media === 'string') return oapiError(40035, '缺少参数 media');

		const data = Buffer.from(await media.arrayBuffer());
		const extension = /\.([A-Za-z0-9]+)$/.exec(media.name)?.[1]?.toLowerCase() ?? '';
		if (!limits.extensions.includes(extension)) return oapiError(40006, '不合法的文件格式');
		if (data.length === 0 || data.length > limits.maxBytes) {
			return oapiError(40005, '不合法的媒体文件大小');
		}
		const mediaId = `@lA${randomId(18)}`;
		this.media.set(mediaId, {
			mediaId,
			type,
			fileName: media.name,
			contentType: media.type || 'application/octet-stream',
			data,
			uploadedAt: context.now,
		});
		return {
			status: 200,
			json: { errcode: 0, errmsg: 'ok', type, media_id: mediaId, created_at: context.now },
		};
	}
}
