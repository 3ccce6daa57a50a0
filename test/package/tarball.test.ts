// What `npm pack` would publish: no build leftovers, and no source map pointing at a file the
// tarball lacks (a stack trace mapped through it would name a file that does not exist).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

interface PackedFile {
	path: string;
}

function packedFiles(): string[] {
	const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [pack] = JSON.parse(json) as Array<{ files: PackedFile[] }>;
	return pack.files.map((file) => file.path).sort();
}

/** Files a source map names, as tarball paths. */
function mapSources(mapPath: string): string[] {
	const map = JSON.parse(fs.readFileSync(path.join(root, mapPath), 'utf8')) as {
		sourceRoot?: string;
		sources: string[];
	};
	const dir = path.posix.dirname(mapPath);
	return map.sources.map((source) =>
		path.posix.normalize(path.posix.join(dir, map.sourceRoot ?? '', source)),
	);
}

describe('the npm tarball', () => {
	let files: string[];

	beforeAll(() => {
		// A fresh clone has no dist yet; the tarball is only meaningful with one.
		if (!fs.existsSync(path.join(root, 'dist'))) {
			execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
		}
		files = packedFiles();
	}, 300_000);

	it('holds every node and credential n8n loads (run npm run build if dist is stale)', () => {
		const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
			n8n: { nodes: string[]; credentials: string[] };
		};
		const entries = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
		expect(entries.length).toBeGreaterThan(0);
		expect(entries.filter((entry) => !files.includes(entry))).toEqual([]);
	});

	it('ships no TypeScript build info and no copy of package.json under dist', () => {
		expect(files.filter((file) => file.endsWith('.tsbuildinfo'))).toEqual([]);
		expect(
			files.filter((file) => file.startsWith('dist/') && file.endsWith('package.json')),
		).toEqual([]);
	});

	it('ships each source map only with the sources it names', () => {
		const missing = files
			.filter((file) => file.endsWith('.map'))
			.flatMap((map) =>
				mapSources(map)
					.filter((source) => !files.includes(source))
					.map((source) => `${map} -> ${source}`),
			);
		expect(missing).toEqual([]);
	});

	it('has no compiled file that points at a source map it does not ship', () => {
		const dangling = files
			.filter((file) => file.endsWith('.js'))
			.flatMap((file) => {
				const match = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(
					fs.readFileSync(path.join(root, file), 'utf8'),
				);
				if (!match || match[1].startsWith('data:')) return [];
				const map = path.posix.join(path.posix.dirname(file), match[1]);
				return files.includes(map) ? [] : [`${file} -> ${map}`];
			});
		expect(dangling).toEqual([]);
	});
});
