/**
 * Credentials depend on nodes/shared only, so a node's internals can change without touching a
 * credential: every file a credential reaches through relative imports lies in credentials/ or
 * nodes/shared/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function relativeImports(file: string): string[] {
	const source = fs.readFileSync(file, 'utf8');
	const specifiers = [...source.matchAll(/\bfrom\s+'(\.[^']+)'/g)].map((match) => match[1]);
	return specifiers.map((specifier) => `${path.resolve(path.dirname(file), specifier)}.ts`);
}

function reachedFrom(start: string): Set<string> {
	const reached = new Set<string>();
	const pending = [start];
	while (pending.length > 0) {
		const file = pending.pop()!;
		if (reached.has(file)) continue;
		reached.add(file);
		pending.push(...relativeImports(file));
	}
	return reached;
}

const credentialFiles = fs
	.readdirSync(path.join(root, 'credentials'))
	.filter((name) => name.endsWith('.credentials.ts'));

describe('what the credentials import', () => {
	it.each(credentialFiles)('%s reaches only credentials/ and nodes/shared/', (name) => {
		const reached = [...reachedFrom(path.join(root, 'credentials', name))].map((file) =>
			path.relative(root, file),
		);
		for (const file of reached) expect(fs.existsSync(path.join(root, file))).toBe(true);
		expect(reached.filter((file) => !/^(credentials|nodes\/shared)\//.test(file))).toEqual([]);
	});
});
