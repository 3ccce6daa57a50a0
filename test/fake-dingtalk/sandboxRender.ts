import { escapeHtml, renderMarkdown, type TextDecorator } from './sandboxMarkdown';
import type { ReceivedMessage, SandboxAppRobotMessage } from './types';

/**
 * Renders a message the fake accepted roughly as a DingTalk group shows it. Runs on the server so
 * that the page only inserts finished, escaped HTML (and so that it can be unit-tested).
 */

type Fields = Record<string, unknown>;

/** Anything the page shows: a webhook message, or an app robot message in webhook clothes. */
interface ShownMessage {
	via: string;
	token?: string;
	/** Whom an app robot message went to. */
	recipient?: string;
	msgtype: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	notified: ReceivedMessage['notified'];
	receivedAt: number;
	/** An app robot message the robot recalled. */
	recalled?: boolean;
}

/** What the page lists for one message. */
export interface RenderedMessage {
	/** Unique in the listing: `webhook:<index in received>` or `app:<index in the app list>`. */
	id: string;
	via: string;
	msgtype: string;
	receivedAt: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	notified: ReceivedMessage['notified'];
	/** The robot recalled it; the page redraws when this changes. */
	recalled: boolean;
	html: string;
}

function rendered(id: string, message: ShownMessage): RenderedMessage {
	return {
		id,
		via: message.via,
		msgtype: message.msgtype,
		receivedAt: message.receivedAt,
		body: message.body,
		notified: message.notified,
		recalled: message.recalled === true,
		html: renderMessageHtml(message, id),
	};
}

export function renderReceived(message: ReceivedMessage, index: number): RenderedMessage {
	return rendered(`webhook:${index}`, message);
}

export function renderAppRobotMessage(
	message: SandboxAppRobotMessage,
	index: number,
): RenderedMessage {
	return rendered(`app:${index}`, {
		via: message.via === 'group' ? 'app-group' : 'app-single',
		recipient: message.via === 'group' ? message.openConversationId : message.userId,
		msgtype: message.msgKey,
		body: { msgKey: message.msgKey, msgParam: message.msgParam },
		notified: { mobiles: [], userIds: [], all: false },
		receivedAt: message.receivedAt,
		recalled: message.recalledAt !== undefined,
	});
}

function asFields(value: unknown): Fields {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Fields)
		: {};
}

function text(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
	return Array.isArray(value)
		? value.filter((entry): entry is string => typeof entry === 'string')
		: [];
}

function safeUrl(value: unknown, forImage = false): string | undefined {
	const url = text(value).trim();
	const pattern = forImage ? /^https?:\/\/\S+$/i : /^(https?|dingtalk):\/\/\S+$/i;
	return pattern.test(url) ? escapeHtml(url) : undefined;
}

function link(url: string | undefined, className: string, inner: string): string {
	return url
		? `<a class="${className}" href="${url}" target="_blank" rel="noopener noreferrer">${inner}</a>`
		: `<span class="${className}">${inner}</span>`;
}

function picture(url: string | undefined, className: string): string {
	return url
		? `<img class="${className}" src="${url}" alt="" loading="lazy" referrerpolicy="no-referrer">`
		: `<span class="${className} no-picture">No picture</span>`;
}

function escapeRegExp(value: string): string {
	return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Who is @-mentioned in a text or markdown message, and whether DingTalk really notified them. */
interface Mentions {
	listed: { id: string; notified: boolean; named: boolean }[];
	/** @s in the content for nobody in the at lists: DingTalk shows them as plain text. */
	typed: string[];
	all: boolean;
}

// An @ and what could be a mobile or a user ID, not inside an e-mail address or a URL.
const TYPED_AT = /(?<![\w./:@+-])@([\w+-]+)/g;

const TYPED_TITLE = 'not notified: not in at.atMobiles / at.atUserIds';

function mentionsOf(message: ShownMessage, content: string): Mentions {
	const at = asFields(message.body.at);
	const notified = new Set([...message.notified.mobiles, ...message.notified.userIds]);
	const ids = [...new Set([...strings(at.atMobiles), ...strings(at.atUserIds)])].filter(
		(id) => id.trim() !== '',
	);
	const all = message.notified.all;
	const typed = [...new Set([...content.matchAll(TYPED_AT)].map((match) => match[1]))].filter(
		(id) => !ids.includes(id) && !(all && id === 'all'),
	);
	return {
		listed: ids.map((id) => ({
			id,
			notified: notified.has(id),
			named: content.includes(`@${id}`),
		})),
		typed,
		all,
	};
}

/**
 * Highlights `@id` for everyone in the at lists, and `@all` / `@所有人` when everyone is notified;
 * an @ typed for nobody listed stays plain, with a hint.
 */
function mentionDecorator(mentions: Mentions): TextDecorator | undefined {
	const byId = new Map(mentions.listed.map((entry) => [escapeHtml(entry.id), entry]));
	const typed = new Set(mentions.typed.map(escapeHtml));
	const names = [...byId.keys(), ...typed].sort((a, b) => b.length - a.length).map(escapeRegExp);
	if (mentions.all) names.push('all', '所有人');
	if (names.length === 0) return undefined;
	const pattern = new RegExp(`@(${names.join('|')})`, 'g');
	return (html) =>
		html.replace(pattern, (whole, id: string) => {
			if (typed.has(id))
				return `<span class="mention typed" title="${TYPED_TITLE}">${whole}</span>`;
			const entry = byId.get(id);
			const notified = entry ? entry.notified : mentions.all;
			const title = notified ? 'notified' : 'not notified';
			return `<span class="mention ${notified ? 'notified' : 'silent'}" title="${title}">${whole}</span>`;
		});
}

function mentionSummary(mentions: Mentions): string {
	const parts: string[] = [];
	const notified = mentions.listed.filter((entry) => entry.notified).map((entry) => `@${entry.id}`);
	if (mentions.all) notified.unshift('everyone (@所有人)');
	if (notified.length > 0) {
		parts.push(`<span class="notified-list">Notified: ${escapeHtml(notified.join(', '))}</span>`);
	}
	const silent = [
		...mentions.listed
			.filter((entry) => !entry.notified)
			.map((entry) => ({
				id: entry.id,
				reason: entry.named ? 'not a member of the group' : `@${entry.id} is not in the content`,
			})),
		...mentions.typed.map((id) => ({
			id,
			reason:
				'typed in the text only; DingTalk notifies only people listed in at.atMobiles / at.atUserIds',
		})),
	];
	for (const { id, reason } of silent) {
		parts.push(
			`<span class="silent-list">Not notified: @${escapeHtml(id)} (${escapeHtml(reason)})</span>`,
		);
	}
	return parts.length > 0 ? `<div class="mentions">${parts.join('')}</div>` : '';
}

function renderText(message: ShownMessage): string {
	const content = text(asFields(message.body.text).content);
	const mentions = mentionsOf(message, content);
	const decorate = mentionDecorator(mentions);
	const html = escapeHtml(content)
		.split('\n')
		.map((line) => (decorate ? decorate(line) : line))
		.join('<br>');
	return `<div class="bubble text">${html}</div>${mentionSummary(mentions)}`;
}

function renderMarkdownMessage(message: ShownMessage): string {
	const markdown = asFields(message.body.markdown);
	const content = text(markdown.text);
	const mentions = mentionsOf(message, content);
	const body = renderMarkdown(content, mentionDecorator(mentions));
	return `<div class="bubble markdown">${body}</div>${mentionSummary(mentions)}`;
}

function renderLink(body: Fields): string {
	const card = asFields(body.link);
	const inner =
		`<span class="link-title">${escapeHtml(text(card.title))}</span>` +
		`<span class="link-body"><span class="link-text">${escapeHtml(text(card.text))}</span>` +
		`${picture(safeUrl(card.picUrl, true), 'link-picture')}</span>`;
	return link(safeUrl(card.messageUrl), 'bubble card link-card', inner);
}

function renderActionCard(body: Fields): string {
	const card = asFields(body.actionCard);
	const markdown = `<div class="card-text markdown">${renderMarkdown(text(card.text))}</div>`;
	const horizontal = text(card.btnOrientation) === '1';
	let buttons: string;
	if (card.singleTitle !== undefined) {
		buttons = link(
			safeUrl(card.singleURL),
			'card-button single',
			escapeHtml(text(card.singleTitle)),
		);
	} else {
		buttons = (Array.isArray(card.btns) ? card.btns : [])
			.map(asFields)
			.map((button) =>
				link(safeUrl(button.actionURL), 'card-button', escapeHtml(text(button.title))),
			)
			.join('');
	}
	const layout = horizontal ? 'horizontal' : 'vertical';
	return `<div class="bubble card action-card">${markdown}<div class="card-buttons ${layout}">${buttons}</div></div>`;
}

function renderFeedCard(body: Fields): string {
	const links = (
		Array.isArray(asFields(body.feedCard).links) ? (asFields(body.feedCard).links as unknown[]) : []
	).map(asFields);
	const entries = links.map((entry, position) => {
		const title = `<span class="feed-title">${escapeHtml(text(entry.title))}</span>`;
		const image = picture(
			safeUrl(entry.picURL, true),
			position === 0 ? 'feed-cover' : 'feed-thumb',
		);
		const className = position === 0 ? 'feed-entry first' : 'feed-entry';
		return link(
			safeUrl(entry.messageURL),
			className,
			position === 0 ? image + title : title + image,
		);
	});
	return `<div class="bubble card feed-card">${entries.join('')}</div>`;
}

/**
 * Messages sent through the enterprise robot OpenAPI carry `msgKey` and a JSON-encoded
 * `msgParam`; the common templates are shown like their webhook counterparts.
 */
function appRobotAsWebhookBody(body: Fields): Fields | undefined {
	if (typeof body.msgKey !== 'string') return undefined;
	let param: Fields = asFields(body.msgParam);
	if (typeof body.msgParam === 'string') {
		try {
			param = asFields(JSON.parse(body.msgParam));
		} catch {
			return undefined;
		}
	}
	switch (body.msgKey) {
		case 'sampleText':
			return { msgtype: 'text', text: { content: param.content } };
		case 'sampleMarkdown':
			return { msgtype: 'markdown', markdown: { title: param.title, text: param.text } };
		case 'sampleLink':
			return { msgtype: 'link', link: param };
		case 'sampleImageMsg':
			return {
				msgtype: 'markdown',
				markdown: { title: 'Image', text: `![image](${text(param.photoURL)})` },
			};
		case 'sampleActionCard':
			return { msgtype: 'actionCard', actionCard: param };
		default: {
			const numbered = /^sampleActionCard([2-6])$/.exec(body.msgKey);
			if (!numbered) return undefined;
			const [titleKey, urlKey] =
				numbered[1] === '6' ? ['buttonTitle', 'buttonUrl'] : ['actionTitle', 'actionURL'];
			const btns = [1, 2, 3, 4, 5]
				.filter((n) => typeof param[`${titleKey}${n}`] === 'string')
				.map((n) => ({ title: param[`${titleKey}${n}`], actionURL: param[`${urlKey}${n}`] }));
			return {
				msgtype: 'actionCard',
				actionCard: {
					title: param.title,
					text: param.text,
					btns,
					btnOrientation: numbered[1] === '6' ? '1' : '0',
				},
			};
		}
	}
}

function renderBubble(message: ShownMessage): string {
	const body = asFields(message.body);
	switch (message.msgtype) {
		case 'text':
			return renderText(message);
		case 'markdown':
			return renderMarkdownMessage(message);
		case 'link':
			return renderLink(body);
		case 'actionCard':
			return renderActionCard(body);
		case 'feedCard':
			return renderFeedCard(body);
	}
	const converted = appRobotAsWebhookBody(body);
	if (converted) {
		return renderBubble({ ...message, msgtype: String(converted.msgtype), body: converted });
	}
	return `<pre class="bubble raw">${escapeHtml(JSON.stringify(message.body, null, 2))}</pre>`;
}

/** The notification line DingTalk shows for cards and markdown (their title is not in the body). */
function notificationTitle(message: ShownMessage): string {
	const typed = asFields(asFields(message.body)[message.msgtype]);
	const title = text(typed.title);
	return title
		? `<span class="notification" title="Shown in the chat list and the notification">${escapeHtml(title)}</span>`
		: '';
}

function senderLabel(message: ShownMessage): string {
	if (message.via === 'robot') {
		const suffix = message.token ? ` …${message.token.slice(-4)}` : '';
		return `Robot webhook${suffix}`;
	}
	if (message.via === 'session') return 'Reply through the session webhook';
	const recipient = message.recipient ? ` ${message.recipient}` : '';
	if (message.via === 'app-group') return `App robot (OpenAPI) → group${recipient}`;
	if (message.via === 'app-single') return `App robot (OpenAPI) → user${recipient}`;
	return message.via;
}

function timeOf(receivedAt: number): string {
	return new Date(receivedAt).toISOString().slice(11, 19);
}

export function renderMessageHtml(message: ShownMessage, id: string): string {
	const hideAvatar =
		message.msgtype === 'actionCard' && asFields(message.body.actionCard).hideAvatar === '1';
	const avatar = hideAvatar ? '<div class="avatar hidden"></div>' : '<div class="avatar">Bot</div>';
	const meta =
		`<div class="meta"><span class="sender">${escapeHtml(senderLabel(message))}</span>` +
		`<span class="msgtype">${escapeHtml(message.msgtype)}</span>` +
		`<time datetime="${new Date(message.receivedAt).toISOString()}">${timeOf(message.receivedAt)} UTC</time>` +
		`${notificationTitle(message)}</div>`;
	const bubble = message.recalled
		? '<div class="bubble recalled">The robot recalled this message (已撤回)</div>'
		: renderBubble(message);
	const recalled = message.recalled ? ' data-recalled="true"' : '';
	const json = `<details class="json"><summary>JSON</summary><pre>${escapeHtml(JSON.stringify(message.body, null, 2))}</pre></details>`;
	return (
		`<article class="message" data-id="${escapeHtml(id)}" data-msgtype="${escapeHtml(message.msgtype)}" data-via="${escapeHtml(message.via)}"${recalled}>` +
		`${avatar}<div class="content">${meta}${bubble}${json}</div></article>`
	);
}
