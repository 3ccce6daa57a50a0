// n8n's editor asks for an owner account before anything else. `npm run dev` creates one through the
// same REST endpoint the setup page posts to, so a newcomer can log in straight away.

export interface OwnerAccount {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

interface FrontendSettings {
	data?: { userManagement?: { showSetupOnFirstLoad?: boolean } };
}

/** Creates the owner unless the instance already has one; says which happened. */
export async function ensureOwner(
	baseUrl: string,
	owner: OwnerAccount,
): Promise<'created' | 'existing'> {
	const settings = (await (await fetch(`${baseUrl}/rest/settings`)).json()) as FrontendSettings;
	if (settings.data?.userManagement?.showSetupOnFirstLoad === false) return 'existing';
	const response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(owner),
	});
	const answer = await response.text();
	if (!response.ok) {
		throw new Error(`n8n refused to set up the owner account (HTTP ${response.status}): ${answer}`);
	}
	return 'created';
}
