/**
 * A tiny markdown renderer for the sandbox page, limited to what DingTalk renders in robot
 * messages: headings, quotes, bold, italic, links, images, ordered and unordered lists, and the
 * `<font color>` tag of the mobile app. Everything is HTML-escaped first; markup is only ever
 * produced from the escaped text, and links and images must be http(s) (links also dingtalk://).
 */

const HTML_ESCAPES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;',
};

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** Turns plain escaped text into HTML, e.g. highlights @-mentions. Sees no URLs. */
export type TextDecorator = (escapedText: string) => string;

// Placeholders keep finished HTML (links, images) away from later passes. The input cannot
// contain them: NUL characters are removed before rendering.
const SLOT = '\u0000';
const SLOT_PATTERN = new RegExp(`${SLOT}(\\d+)${SLOT}`, 'g');

/** Whether an escaped URL may become a link (http, https, dingtalk) or an image (http, https). */
function isSafeUrl(escapedUrl: string, forImage: boolean): boolean {
	return forImage
		? /^https?:\/\/[^\s]+$/i.test(escapedUrl)
		: /^(https?|dingtalk):\/\/[^\s]+$/i.test(escapedUrl);
}

function emphasis(html: string): string {
	return html
		.replace(/\*\*(?=\S)(.+?)\*\*/g, '<strong>$1</strong>')
		.replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?!\*)/g, '$1<em>$2</em>');
}

/** Renders one line of inline markdown. */
export function renderInline(text: string, decorate?: TextDecorator): string {
	const slots: string[] = [];
	const keep = (html: string) => `${SLOT}${slots.push(html) - 1}${SLOT}`;
	let html = escapeHtml(text.split(SLOT).join(''));

	html = html.replace(/!\[([^\]]*)\]\(([^()\s]+)\)/g, (whole, alt: string, url: string) =>
		isSafeUrl(url, true)
			? keep(`<img src="${url}" alt="${alt}" loading="lazy" referrerpolicy="no-referrer">`)
			: keep(whole),
	);
	html = html.replace(/\[([^\]]+)\]\(([^()\s]+)\)/g, (whole, label: string, url: string) =>
		isSafeUrl(url, false)
			? keep(`<a href="${url}" target="_blank" rel="noopener noreferrer">${emphasis(label)}</a>`)
			: keep(whole),
	);
	html = html.replace(
		/&lt;font color=(?:&quot;|&#39;)?(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})(?:&quot;|&#39;)?&gt;([\s\S]*?)&lt;\/font&gt;/g,
		(_whole, color: string, inner: string) =>
			`${keep(`<span class="font-color" style="color:${color}">`)}${inner}${keep('</span>')}`,
	);
	html = emphasis(html);
	if (decorate) html = decorate(html);
	return html.replace(SLOT_PATTERN, (_whole, index: string) => slots[Number(index)]);
}

type Block =
	| { kind: 'paragraph'; lines: string[] }
	| { kind: 'quote'; lines: string[] }
	| { kind: 'ul'; items: string[] }
	| { kind: 'ol'; items: string[]; start: number };

/** Renders a whole markdown text (a markdown message, or the body of an action card). */
export function renderMarkdown(source: string, decorate?: TextDecorator): string {
	const output: string[] = [];
	let open: Block | undefined;
	const inline = (line: string) => renderInline(line, decorate);
	const close = () => {
		if (!open) return;
		if (open.kind === 'paragraph') output.push(`<p>${open.lines.map(inline).join('<br>')}</p>`);
		if (open.kind === 'quote') {
			output.push(`<blockquote>${open.lines.map(inline).join('<br>')}</blockquote>`);
		}
		if (open.kind === 'ul') {
			output.push(`<ul>${open.items.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`);
		}
		if (open.kind === 'ol') {
			const start = open.start === 1 ? '' : ` start="${open.start}"`;
			output.push(
				`<ol${start}>${open.items.map((item) => `<li>${inline(item)}</li>`).join('')}</ol>`,
			);
		}
		open = undefined;
	};

	for (const line of source.replace(/\r\n?/g, '\n').split('\n')) {
		const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
		const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
		const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
		const numbered = /^\s*(\d{1,9})[.)]\s+(.*)$/.exec(line);
		if (line.trim() === '') {
			close();
		} else if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
			close();
			output.push('<hr>');
		} else if (heading) {
			close();
			const level = heading[1].length;
			output.push(`<h${level}>${inline(heading[2])}</h${level}>`);
		} else if (quote) {
			if (open?.kind !== 'quote') close();
			open ??= { kind: 'quote', lines: [] };
			(open as { lines: string[] }).lines.push(quote[1]);
		} else if (bullet) {
			if (open?.kind !== 'ul') close();
			open ??= { kind: 'ul', items: [] };
			(open as { items: string[] }).items.push(bullet[1]);
		} else if (numbered) {
			if (open?.kind !== 'ol') close();
			open ??= { kind: 'ol', items: [], start: Number(numbered[1]) };
			(open as { items: string[] }).items.push(numbered[2]);
		} else {
			if (open?.kind !== 'paragraph') close();
			open ??= { kind: 'paragraph', lines: [] };
			(open as { lines: string[] }).lines.push(line);
		}
	}
	close();
	return output.join('\n');
}
