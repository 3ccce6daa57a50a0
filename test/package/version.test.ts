// One version everywhere the package states it: package.json, its lockfile, and the user agent the
// Stream trigger sends DingTalk when it opens a connection.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { STREAM_USER_AGENT } from '../../nodes/DingTalkStreamTrigger/frames';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) =>
	JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as {
		name: string;
		version: string;
		packages?: Record<string, { version?: string }>;
	};

describe('the package version', () => {
	const manifest = read('package.json');

	it('is 0.2.0, the release the version history describes', () => {
		expect(manifest.version).toBe('0.2.0');
	});

	it("is the lockfile's own version", () => {
		const lock = read('package-lock.json');
		expect([lock.version, lock.packages?.['']?.version]).toEqual([
			manifest.version,
			manifest.version,
		]);
	});

	it('is in the user agent of the Stream connection', () => {
		expect(STREAM_USER_AGENT).toBe(`${manifest.name}/${manifest.version}`);
	});
});
