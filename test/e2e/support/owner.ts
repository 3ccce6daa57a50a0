import { ensureOwner } from '../../../scripts/n8n-owner';
import type { N8nInstance } from '../../../scripts/n8n-instance';

const OWNER = {
	email: 'owner@e2e.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Passw0rd!',
};

/** The session cookie of the instance's owner (created on first use), for n8n's REST API. */
export async function ownerCookie(n8n: N8nInstance): Promise<string> {
	await ensureOwner(n8n.baseUrl, OWNER);
	const login = await fetch(`${n8n.baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	if (login.status !== 200) throw new Error(`n8n refused the owner's login: HTTP ${login.status}`);
	return (login.headers.get('set-cookie') ?? '').split(';')[0];
}
