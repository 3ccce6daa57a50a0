import { deriveEventAesKey, buildEncryptedSuccessReply } from '../../nodes/shared/eventCrypto';
import { generateCredentials } from '../nodes/DingTalkTrigger/support/requests';
import { checkEventReply, loopbackTarget, type EventKeys } from './sandboxFire';
import { escapeHtml, renderInline, renderMarkdown } from './sandboxMarkdown';
import { renderAppRobotMessage, renderReceived } from './sandboxRender';
import type { ReceivedMessage } from './types';

function received(
	body: Record<string, unknown>,
	extra: Partial<ReceivedMessage> = {},
): ReceivedMessage {
	return {
		via: 'robot',
		token: 'token-abcd',
		body,
		msgtype: String(body.msgtype),
		notified: { mobiles: [], userIds: [], all: false },
		receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
		...extra,
	};
}

describe('sandbox markdown renderer', () => {
	it('renders the markdown DingTalk supports', () => {
		const html = renderMarkdown(
			[
				'# Title',
				'###### Small',
				'Some **bold** and *italic* text',
				'second line',
				'',
				'> quoted [link](https://example.com/a?b=1&c=2)',
				'',
				'- one',
				'- two',
				'',
				'3. three',
				'4. four',
				'',
				'![cover](https://example.com/cover.png)',
				'---',
			].join('\n'),
		);
		expect(html).toBe(
			[
				'<h1>Title</h1>',
				'<h6>Small</h6>',
				'<p>Some <strong>bold</strong> and <em>italic</em> text<br>second line</p>',
				'<blockquote>quoted <a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">link</a></blockquote>',
				'<ul><li>one</li><li>two</li></ul>',
				'<ol start="3"><li>three</li><li>four</li></ol>',
				'<p><img src="https://example.com/cover.png" alt="cover" loading="lazy" referrerpolicy="no-referrer"></p>',
				'<hr>',
			].join('\n'),
		);
	});

	it('escapes HTML before anything else', () => {
		expect(renderInline('<script>alert(1)</script> & "quotes"')).toBe(
			'&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;',
		);
		expect(renderMarkdown('<img src=x onerror=alert(1)>')).toBe(
			'<p>&lt;img src=x onerror=alert(1)&gt;</p>',
		);
	});

	it.each([
		['[click](javascript:alert(1))', '[click](javascript:alert(1))'],
		['[click](data:text/html,x)', '[click](data:text/html,x)'],
		['![x](javascript:alert(1))', '![x](javascript:alert(1))'],
		['![x](dingtalk://dingtalkclient/page)', '![x](dingtalk://dingtalkclient/page)'],
	])('leaves %s as text', (source, text) => {
		expect(renderInline(source)).toBe(escapeHtml(text));
	});

	it('cannot be talked out of an attribute', () => {
		const html = renderInline('[x](https://a.example/"onmouseover="alert(1))');
		expect(html).not.toMatch(/"\s*onmouseover=/);
		expect(html).toContain('&quot;onmouseover=&quot;');
	});

	it('accepts dingtalk:// links, which open the client', () => {
		expect(renderInline('[open](dingtalk://dingtalkclient/page/link?url=x)')).toContain(
			'href="dingtalk://dingtalkclient/page/link?url=x"',
		);
	});

	it('keeps the font colour tag of the mobile app, and only with a plain colour', () => {
		expect(renderInline('<font color="#ff0000">red **bold**</font>')).toBe(
			'<span class="font-color" style="color:#ff0000">red <strong>bold</strong></span>',
		);
		expect(renderInline('<font color=blue>b</font>')).toContain('style="color:blue"');
		expect(renderInline('<font color="red;background:url(x)">r</font>')).not.toContain('<span');
	});

	it('ignores NUL characters that could imitate its placeholders', () => {
		expect(renderInline('a\u00000\u0000b [l](https://x.example)')).toBe(
			'a0b <a href="https://x.example" target="_blank" rel="noopener noreferrer">l</a>',
		);
	});

	it('does not decorate text inside URLs', () => {
		const decorate = (html: string) => html.replace(/@u1/g, '<b>@u1</b>');
		expect(renderInline('hi @u1 [x](https://a.example/@u1)', decorate)).toBe(
			'hi <b>@u1</b> <a href="https://a.example/@u1" target="_blank" rel="noopener noreferrer">x</a>',
		);
	});
});

describe('sandbox message rendering', () => {
	it('shows text with @-mentions marked as notified or not', () => {
		const html = renderReceived(
			received(
				{
					msgtype: 'text',
					text: { content: 'Hi @13800000000 and @u2\n<b>not bold</b> @all' },
					at: { atMobiles: ['13800000000'], atUserIds: ['u2', 'u3'], isAtAll: true },
				},
				{ notified: { mobiles: ['13800000000'], userIds: [], all: true } },
			),
			0,
		).html;
		expect(html).toContain('<span class="mention notified" title="notified">@13800000000</span>');
		expect(html).toContain('<span class="mention silent" title="not notified">@u2</span>');
		expect(html).toContain('<br>&lt;b&gt;not bold&lt;/b&gt; <span class="mention notified"');
		expect(html).toContain('Notified: everyone (@所有人), @13800000000');
		expect(html).toContain('Not notified: @u2 (not a member of the group)');
		expect(html).toContain('Not notified: @u3 (@u3 is not in the content)');
		expect(html).toContain('Robot webhook …abcd');
		expect(html).toContain('03:04:05 UTC');
	});

	it('shows an @ typed in the text without an at list as plain text and says why nobody was notified', () => {
		const html = renderReceived(
			received(
				{
					msgtype: 'text',
					text: { content: 'Disk full, @13800000000 and @u1 please look (ops@example.com)' },
					at: { atUserIds: ['u1'] },
				},
				{ notified: { mobiles: [], userIds: ['u1'], all: false } },
			),
			0,
		).html;
		expect(html).toContain(
			'<span class="mention typed" title="not notified: not in at.atMobiles / at.atUserIds">@13800000000</span>',
		);
		expect(html).toContain('<span class="mention notified" title="notified">@u1</span>');
		expect(html).toContain(
			'Not notified: @13800000000 (typed in the text only; DingTalk notifies only people listed in at.atMobiles / at.atUserIds)',
		);
		expect(html).not.toContain('Not notified: @example');
		expect(html).toContain('(ops@example.com)');
	});

	it('gives the same hint for an @ typed into a markdown message', () => {
		const html = renderReceived(
			received({
				msgtype: 'markdown',
				markdown: { title: 'Incident', text: '#### Incident\n**@13900000000** look' },
			}),
			0,
		).html;
		expect(html).toContain('<span class="mention typed"');
		expect(html).toContain('Not notified: @13900000000 (typed in the text only;');
	});

	it('shows a link card with its picture and target', () => {
		const html = renderReceived(
			received({
				msgtype: 'link',
				link: {
					title: 'Release <2.0>',
					text: 'Notes',
					messageUrl: 'https://example.com/notes',
					picUrl: 'https://example.com/p.png',
				},
			}),
			0,
		).html;
		expect(html).toContain('<a class="bubble card link-card" href="https://example.com/notes"');
		expect(html).toContain('<span class="link-title">Release &lt;2.0&gt;</span>');
		expect(html).toContain('<img class="link-picture" src="https://example.com/p.png"');
	});

	it.each([
		['0', 'vertical'],
		['1', 'horizontal'],
	])('lays out action card buttons (btnOrientation %s: %s)', (btnOrientation, layout) => {
		const html = renderReceived(
			received({
				msgtype: 'actionCard',
				actionCard: {
					title: 'Approve?',
					text: '### Release 2.0',
					btns: [
						{ title: 'Approve', actionURL: 'https://example.com/yes' },
						{ title: 'Reject', actionURL: 'javascript:alert(1)' },
					],
					btnOrientation,
					hideAvatar: '1',
				},
			}),
			0,
		).html;
		expect(html).toContain(`<div class="card-buttons ${layout}">`);
		expect(html).toContain('<a class="card-button" href="https://example.com/yes"');
		expect(html).toContain('<span class="card-button">Reject</span>');
		expect(html).not.toMatch(/href="javascript:/);
		expect(html).toContain('<h3>Release 2.0</h3>');
		expect(html).toContain('<div class="avatar hidden">');
		expect(html).toContain('<span class="notification"');
	});

	it('shows a single-button action card', () => {
		const html = renderReceived(
			received({
				msgtype: 'actionCard',
				actionCard: {
					title: 'T',
					text: 'Body',
					singleTitle: 'Read more',
					singleURL: 'https://example.com/r',
				},
			}),
			0,
		).html;
		expect(html).toContain('<a class="card-button single" href="https://example.com/r"');
		expect(html).toContain('<div class="avatar">Bot</div>');
	});

	it('shows a feed card with a cover for the first entry', () => {
		const html = renderReceived(
			received({
				msgtype: 'feedCard',
				feedCard: {
					links: [
						{
							title: 'First',
							messageURL: 'https://example.com/1',
							picURL: 'https://example.com/1.png',
						},
						{
							title: 'Second',
							messageURL: 'https://example.com/2',
							picURL: 'https://example.com/2.png',
						},
					],
				},
			}),
			0,
		).html;
		expect(html).toMatch(
			/class="feed-entry first"[^>]*><img class="feed-cover"[^>]*><span class="feed-title">First/,
		);
		expect(html).toMatch(
			/class="feed-entry"[^>]*><span class="feed-title">Second<\/span><img class="feed-thumb"/,
		);
	});

	it('falls back to escaped JSON for kinds it does not know', () => {
		const html = renderReceived(received({ msgtype: 'interactiveCard', card: '<x>' }), 0).html;
		expect(html).toContain('<pre class="bubble raw">');
		expect(html).toContain('&quot;card&quot;: &quot;&lt;x&gt;&quot;');
	});

	it('shows app robot (OpenAPI) messages like their webhook counterparts', () => {
		const markdown = renderAppRobotMessage(
			{
				via: 'group',
				msgKey: 'sampleMarkdown',
				msgParam: { title: 'T', text: '**hi**' },
				openConversationId: 'cid1',
				receivedAt: 0,
			},
			2,
		);
		expect(markdown.id).toBe('app:2');
		expect(markdown.html).toContain('<strong>hi</strong>');
		expect(markdown.html).toContain('App robot (OpenAPI) → group cid1');
		const buttons = renderAppRobotMessage(
			{
				via: 'single',
				msgKey: 'sampleActionCard6',
				msgParam: JSON.stringify({
					title: 'T',
					text: 'x',
					buttonTitle1: 'Yes',
					buttonUrl1: 'https://example.com/y',
					buttonTitle2: 'No',
					buttonUrl2: 'https://example.com/n',
				}),
				userId: 'u1',
				receivedAt: 0,
			},
			0,
		);
		expect(buttons.html).toContain('<div class="card-buttons horizontal">');
		expect(buttons.html).toContain('>No</a>');
		const unknown = renderAppRobotMessage(
			{ via: 'single', msgKey: 'sampleFile', msgParam: { mediaId: '@m' }, receivedAt: 0 },
			0,
		);
		expect(unknown.html).toContain('<pre class="bubble raw">');
	});
});

describe('sandbox firing helpers', () => {
	const credentials = generateCredentials(77);
	const aesKey = deriveEventAesKey(credentials.eventAesKey);
	if (!aesKey.ok) throw new Error('generated aes key is invalid');
	const keys: EventKeys = {
		token: credentials.eventToken,
		aesKey: aesKey.value,
		ownerKey: credentials.appKey,
	};

	it('recognises a correct success reply and explains a wrong one', () => {
		const good = buildEncryptedSuccessReply({ ...keys });
		expect(checkEventReply(JSON.stringify(good), keys).success).toBe(true);
		const otherOwner = buildEncryptedSuccessReply({ ...keys, ownerKey: 'someone-else' });
		expect(checkEventReply(JSON.stringify(otherOwner), keys)).toEqual({
			success: false,
			detail: 'The answer does not decrypt (ownerKeyMismatch).',
		});
		const otherToken = buildEncryptedSuccessReply({ ...keys, token: 'another-token' });
		expect(checkEventReply(JSON.stringify(otherToken), keys).detail).toMatch(/msg_signature/);
		expect(checkEventReply('{"msgtype":"empty"}', keys).detail).toMatch(/lacks msg_signature/);
		expect(checkEventReply('not json', keys).success).toBe(false);
	});

	it.each([
		['http://127.0.0.1:5678/webhook/x/webhook', true],
		['http://localhost:5678/webhook', true],
		['https://[::1]:8443/x', true],
		['http://127.1/x', true],
		['http://localhost.example.com/x', false],
		['http://192.168.1.2/x', false],
		['ws://127.0.0.1/x', false],
	])('treats %s as loopback: %s', (url, allowed) => {
		expect('url' in loopbackTarget(url)).toBe(allowed);
	});
});
