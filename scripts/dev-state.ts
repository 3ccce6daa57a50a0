// What `npm run dev` keeps between runs in .dev/state.json (git-ignored, mode 0600): the sandbox's
// secrets (so the imported credentials stay valid), n8n's encryption key and the owner login.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { generateSandboxSecrets, type SandboxSecrets } from '../test/fake-dingtalk/startSandbox';

export interface DevOwner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export interface DevState {
	secrets: SandboxSecrets;
	encryptionKey: string;
	owner: DevOwner;
	/** Hash of the credentials last imported; they are imported again only when it changes. */
	credentialsHash?: string;
}

/** n8n wants 8 to 64 characters with a digit and an upper-case letter. */
function newPassword(): string {
	return `Dev-${randomBytes(9).toString('base64url')}-7K`;
}

/**
 * n8n stores the key it started with in <user folder>/.n8n/config and refuses to start with
 * another one: reuse it when the state file was deleted but the user folder was not.
 */
function keyOfUserFolder(userFolder: string): string | undefined {
	try {
		const config = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'config'), 'utf8')) as {
			encryptionKey?: string;
		};
		return config.encryptionKey || undefined;
	} catch {
		return undefined;
	}
}

export function loadDevState(file: string, userFolder: string): DevState {
	let saved: Partial<DevState> = {};
	if (fs.existsSync(file)) saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DevState>;
	return {
		// A state file of an older version lacks the secrets added since.
		secrets: { ...generateSandboxSecrets(), ...saved.secrets },
		encryptionKey:
			saved.encryptionKey ?? keyOfUserFolder(userFolder) ?? randomBytes(24).toString('base64url'),
		owner: saved.owner ?? {
			email: 'dev@example.com',
			firstName: 'DingTalk',
			lastName: 'Developer',
			password: newPassword(),
		},
		credentialsHash: saved.credentialsHash,
	};
}

export function saveDevState(file: string, state: DevState): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
