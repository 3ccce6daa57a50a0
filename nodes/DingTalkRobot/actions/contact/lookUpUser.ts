import type { IDataObject } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import { getUser } from '../../transport/contacts';
import type { ContactOptions } from '../../transport/contacts';
import type { OpenApiClient } from '../../transport/openApi';

/** The whole record of a person found by another key (mobile, unionId), or a clear miss. */
export async function userFoundBy(
	client: OpenApiClient,
	find: () => Promise<string | undefined>,
	miss: { field: string; what: string; fix: string },
	options: ContactOptions,
): Promise<IDataObject> {
	const userId = await find();
	if (!userId)
		throw new MessageFieldError(miss.field, `DingTalk knows no user with ${miss.what}`, miss.fix);
	return await getUser(client, userId, options);
}
