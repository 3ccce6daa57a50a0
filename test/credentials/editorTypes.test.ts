/**
 * What n8n's editor learns about the credentials. n8n-core's loader gives each credential type a
 * toJSON that turns an `authenticate` function into `{}`; n8n's CLI then copies every type with
 * object spread (load-nodes-and-credentials.ts, postProcessLoaders) and writes the copies to
 * /types/credentials.json. The HTTP Request node's Predefined Credential Type list keeps the
 * types where `authenticate !== undefined` (its `has:authenticate`, CredentialsSelect.vue).
 */
import * as path from 'node:path';

import { CustomDirectoryLoader } from 'n8n-core';
import type { ICredentialType } from 'n8n-workflow';

const credentialsDir = path.resolve(__dirname, '..', '..', 'credentials');

/** A credential type as /types/credentials.json carries it to the editor. */
function asTheEditorSeesIt(file: string): Record<string, unknown> {
	const loader = new CustomDirectoryLoader(credentialsDir);
	loader.loadCredentialFromFile(path.join(credentialsDir, file));
	const [loaded] = loader.types.credentials as ICredentialType[];
	const copied = { ...loaded, supportedNodes: undefined };
	return JSON.parse(JSON.stringify(copied)) as Record<string, unknown>;
}

describe('credential types sent to the editor', () => {
	it('DingTalk App API keeps `authenticate`, so the HTTP Request node lists it', () => {
		const type = asTheEditorSeesIt('DingTalkAppApi.credentials.ts');
		expect(type.name).toBe('dingTalkAppApi');
		expect(type.authenticate).toEqual({});
	});
});
