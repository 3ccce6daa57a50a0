import * as fs from 'node:fs';
import * as path from 'node:path';

import type { CredentialFixture, WorkflowFixture } from '../../../scripts/n8n-instance';

/** A workflow from test/e2e/workflows/<name>.json (fixed ids and webhookIds). */
export function loadWorkflow(name: string): WorkflowFixture {
	const file = path.join(__dirname, '..', 'workflows', `${name}.json`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowFixture;
}

/** The id and name the e2e workflows reference for the custom-robot credential. */
export const ROBOT_CREDENTIAL = { id: 'e2eRobotCred0001', name: 'DingTalk robot (fake server)' };

export function robotCredential(data: {
	accessToken: string;
	secret?: string;
	keywords?: string;
	baseUrl: string;
}): CredentialFixture {
	return {
		...ROBOT_CREDENTIAL,
		type: 'dingTalkRobotApi',
		data: { secret: '', keywords: '', ...data },
	};
}

/** A credential of any type (plain data; n8n encrypts it on import). */
export function credential(
	type: 'dingTalkRobotApi' | 'dingTalkAppApi',
	id: string,
	name: string,
	data: Record<string, unknown>,
): CredentialFixture {
	if (!/^[A-Za-z0-9]{16}$/.test(id))
		throw new Error(`Credential id ${id} is not 16 letters/digits`);
	return { id, name, type, data };
}
