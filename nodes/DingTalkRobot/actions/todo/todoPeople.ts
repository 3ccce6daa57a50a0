import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parseIdList } from '../../domain/idList';
import { MessageFieldError } from '../../domain/robotMessage';
import { getUser } from '../../transport/contacts';
import type { OpenApiClient, RetryOptions } from '../../transport/openApi';

export type PeopleBy = 'userId' | 'unionId';

/**
 * Turns people given by user ID into the unionIds the to-do API takes, one contacts lookup per
 * person, and remembers each so the output can say which was used.
 */
export class TodoPeople {
	private readonly unionIdOfUserId: Record<string, string> = {};

	constructor(
		readonly by: PeopleBy,
		private readonly client: OpenApiClient,
		private readonly retry: RetryOptions,
	) {}

	static read(
		context: IExecuteFunctions,
		itemIndex: number,
		client: OpenApiClient,
		retry: RetryOptions,
	): TodoPeople {
		const by = context.getNodeParameter('peopleBy', itemIndex, 'userId') === 'unionId';
		return new TodoPeople(by ? 'unionId' : 'userId', client, retry);
	}

	/** The unionIds of the people a parameter lists; `required` refuses an empty list. */
	async unionIds(
		value: unknown,
		parameter: { name: string; label: string; required: boolean },
	): Promise<string[]> {
		const ids = parseIdList(value);
		if (ids.length === 0 && parameter.required) {
			throw new MessageFieldError(
				parameter.name,
				`"${parameter.label}" is empty`,
				this.by === 'userId'
					? 'Give at least one DingTalk user ID, e.g. {{ $json.userId }}.'
					: 'Give at least one unionId, e.g. {{ $json.unionid }}.',
			);
		}
		if (this.by === 'unionId') return ids;
		const unionIds: string[] = [];
		for (const userId of ids) unionIds.push(await this.unionIdOf(userId, parameter.name));
		return [...new Set(unionIds)];
	}

	/** The one person a parameter names. */
	async unionId(value: unknown, parameter: { name: string; label: string }): Promise<string> {
		const [unionId] = await this.unionIds(value, { ...parameter, required: true });
		return unionId;
	}

	/** What the output says about the people: how they were given, and each lookup. */
	summary(): IDataObject {
		return this.by === 'userId'
			? { peopleBy: 'userId', unionIdOfUserId: { ...this.unionIdOfUserId } }
			: { peopleBy: 'unionId' };
	}

	private async unionIdOf(userId: string, field: string): Promise<string> {
		const known = this.unionIdOfUserId[userId];
		if (known) return known;
		const user = await getUser(this.client, userId, { ...this.retry, language: 'zh_CN' });
		const unionId = typeof user.unionid === 'string' ? user.unionid : '';
		if (!unionId) {
			throw new MessageFieldError(
				field,
				`DingTalk gave no unionId for the user ${userId}`,
				'Give the person’s unionId and set People By to Union ID.',
			);
		}
		this.unionIdOfUserId[userId] = unionId;
		return unionId;
	}
}
