import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	anchorsOf,
	brokenLinksOf,
	githubSlug,
	markdownFilesUnder,
	relativeLinksOf,
} from './markdownLinks';

/** Every relative link and anchor of the user-facing Markdown resolves, as on GitHub. */

const ROOT = path.join(__dirname, '..', '..');
const DOCUMENTS = [
	path.join(ROOT, 'README.md'),
	path.join(ROOT, 'CHANGELOG.md'),
	path.join(ROOT, 'examples', 'README.md'),
	path.join(ROOT, 'bench', 'README.md'),
	...markdownFilesUnder(path.join(ROOT, 'docs')),
];

describe('GitHub heading anchors', () => {
	it.each([
		['Installation', 'installation'],
		[
			"Any DingTalk API with n8n's HTTP Request node",
			'any-dingtalk-api-with-n8ns-http-request-node',
		],
		[
			'App Robot (enterprise robot, 企业内部应用机器人)',
			'app-robot-enterprise-robot-企业内部应用机器人',
		],
		['`npm run dev`', 'npm-run-dev'],
		['Stream: console setup', 'stream-console-setup'],
		['Send to Users: per-recipient report', 'send-to-users-per-recipient-report'],
		['Robot Messages vs. [Events](x.md) _fast_', 'robot-messages-vs-events-fast'],
		['snake_case_name', 'snake_case_name'],
	])('%s → #%s', (heading, slug) => {
		expect(githubSlug(heading)).toBe(slug);
	});

	it('numbers repeated headings and skips headings inside code blocks', () => {
		const anchors = anchorsOf('# Errors\n## Errors\n```\n# Not a heading\n```\n<a id="raw"></a>\n');
		expect([...anchors].sort()).toEqual(['errors', 'errors-1', 'raw']);
	});
});

describe('relative links', () => {
	it('are read from prose, reference definitions and href, not from code or other schemes', () => {
		const markdown = [
			'See [setup](docs/setup.md#app) and [top](#top "Title").',
			'`[not a link](nowhere.md)` and [web](https://example.com) and [mail](mailto:a@b.c)',
			'```',
			'[in a fence](nowhere.md)',
			'```',
			'[ref]: ../CHANGELOG.md',
			'<a href="examples/">examples</a>',
		].join('\n');
		expect(relativeLinksOf(markdown)).toEqual([
			{ line: 1, target: 'docs/setup.md#app' },
			{ line: 1, target: '#top' },
			{ line: 6, target: '../CHANGELOG.md' },
			{ line: 7, target: 'examples/' },
		]);
	});

	it('reports a missing file, a missing anchor and an anchor into a non-Markdown file', () => {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'links-'));
		fs.writeFileSync(path.join(folder, 'other.md'), '# Other page\n## Its part\n');
		fs.writeFileSync(path.join(folder, 'data.json'), '{}');
		const page = path.join(folder, 'page.md');
		fs.writeFileSync(
			page,
			[
				'# Page',
				'[ok](other.md#its-part) [ok](#page) [ok](data.json) [ok](./)',
				'[gone](missing.md) [bad anchor](other.md#no-such-part) [self](#nowhere)',
				'[json anchor](data.json#x)',
			].join('\n'),
		);
		expect(brokenLinksOf(page)).toEqual([
			`${page}:3 → missing.md: no such file`,
			`${page}:3 → other.md#no-such-part: no heading with that anchor`,
			`${page}:3 → #nowhere: no heading with that anchor`,
			`${page}:4 → data.json#x: an anchor into a file that is not Markdown`,
		]);
		fs.rmSync(folder, { recursive: true, force: true });
	});
});

describe('the documentation', () => {
	it('has the README, the changelog, the examples and bench pages and the docs pages', () => {
		for (const file of DOCUMENTS) expect(fs.existsSync(file)).toBe(true);
		expect(DOCUMENTS.length).toBeGreaterThan(3);
	});

	it.each(DOCUMENTS.map((file) => [path.relative(ROOT, file), file]))(
		'%s: every relative link and anchor resolves',
		(_name, file) => {
			expect(brokenLinksOf(file)).toEqual([]);
		},
	);
});
