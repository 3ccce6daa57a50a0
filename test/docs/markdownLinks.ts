import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Reads Markdown as GitHub renders it, as far as links are concerned: the headings' anchors
 * (GitHub's slugs) and the relative links, outside code blocks and inline code.
 */

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens (as github-slugger). */
export function githubSlug(heading: string): string {
	return plainText(heading)
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
		.replace(/ /g, '-');
}

/** The text GitHub renders for a heading: link texts kept, code and emphasis marks dropped. */
function plainText(markdown: string): string {
	return markdown
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]+>/g, '')
		.replace(/[`*]/g, '')
		.replace(/(^|\W)_+|_+(?=\W|$)/g, '$1');
}

/** The lines outside fenced code blocks: as written, and with inline code blanked out. */
function proseLines(markdown: string): Array<{ line: number; raw: string; text: string }> {
	const lines: Array<{ line: number; raw: string; text: string }> = [];
	let fence: string | undefined;
	markdown.split('\n').forEach((raw, index) => {
		const marker = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
		if (marker && (!fence || marker.startsWith(fence))) {
			fence = fence ? undefined : marker;
			return;
		}
		if (!fence) lines.push({ line: index + 1, raw, text: raw.replace(/(`+)[^`]*?\1/g, '``') });
	});
	return lines;
}

/** Every anchor a file offers: its headings' slugs (repeats get -1, -2, …) and HTML ids. */
export function anchorsOf(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	for (const { raw, text } of proseLines(markdown)) {
		const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(raw)?.[1];
		if (heading !== undefined) {
			const slug = githubSlug(heading);
			const count = seen.get(slug) ?? 0;
			seen.set(slug, count + 1);
			anchors.add(count === 0 ? slug : `${slug}-${count}`);
		}
		for (const match of text.matchAll(/<a\s[^>]*\b(?:id|name)="([^"]+)"/g)) anchors.add(match[1]);
	}
	return anchors;
}

export interface MarkdownLink {
	line: number;
	target: string;
}

/** The links of a file whose target is in this repository (no scheme, not protocol-relative). */
export function relativeLinksOf(markdown: string): MarkdownLink[] {
	const links: MarkdownLink[] = [];
	for (const { line, text } of proseLines(markdown)) {
		const targets = [
			...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
			...[...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/g)].map((m) => m[1]),
			...[...text.matchAll(/\bhref="([^"]+)"/g)].map((m) => m[1]),
		];
		for (const target of targets) {
			if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
			links.push({ line, target });
		}
	}
	return links;
}

/** What is wrong with each relative link of a Markdown file: a missing file or a missing anchor. */
export function brokenLinksOf(file: string): string[] {
	const markdown = fs.readFileSync(file, 'utf8');
	const problems: string[] = [];
	for (const { line, target } of relativeLinksOf(markdown)) {
		const [rawPath, anchor] = target.split('#', 2);
		const where = `${file}:${line} → ${target}`;
		const resolved = rawPath ? path.resolve(path.dirname(file), decodeURI(rawPath)) : file;
		if (!fs.existsSync(resolved)) {
			problems.push(`${where}: no such file`);
			continue;
		}
		if (anchor === undefined) continue;
		if (!resolved.endsWith('.md')) {
			problems.push(`${where}: an anchor into a file that is not Markdown`);
			continue;
		}
		const anchors = anchorsOf(fs.readFileSync(resolved, 'utf8'));
		if (!anchors.has(decodeURIComponent(anchor)))
			problems.push(`${where}: no heading with that anchor`);
	}
	return problems;
}

/** The Markdown files under a folder, recursively. */
export function markdownFilesUnder(folder: string): string[] {
	if (!fs.existsSync(folder)) return [];
	return fs
		.readdirSync(folder, { withFileTypes: true })
		.flatMap((entry) => {
			const full = path.join(folder, entry.name);
			if (entry.isDirectory()) return markdownFilesUnder(full);
			return entry.name.endsWith('.md') ? [full] : [];
		})
		.sort();
}
