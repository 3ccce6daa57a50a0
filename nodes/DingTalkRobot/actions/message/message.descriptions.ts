import type { INodeProperties } from 'n8n-workflow';

export const mentionProperties: INodeProperties[] = [
	{
		displayName: 'Mention Mobiles',
		name: 'atMobiles',
		type: 'string',
		default: '',
		placeholder: 'e.g. 13800000000, 13900000000',
		description:
			'Mobile numbers of group members to @, separated by commas or new lines (an expression may also give an array). Overseas numbers look like +1-2025550123. Numbers typed as @13800000000 in the text are added by themselves (see Options).',
	},
	{
		displayName: 'Mention User IDs',
		name: 'atUserIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. manager1234, user5678',
		description:
			'DingTalk user IDs (staff IDs) of group members to @, separated by commas or new lines (an expression may also give an array)',
	},
	{
		displayName: 'Mention Everyone',
		name: 'atAll',
		type: 'boolean',
		default: false,
		description: 'Whether to @ everyone in the group (@所有人)',
	},
];

export const noMentionNotice: INodeProperties = {
	displayName:
		'DingTalk does not notify anyone mentioned in link, feed card and action card messages. To @ people, send a text or markdown message.',
	name: 'noMentionNotice',
	type: 'notice',
	default: '',
};

const insertMentionsOption: INodeProperties = {
	displayName: 'Add Missing @ to Content',
	name: 'insertMentions',
	type: 'boolean',
	default: true,
	description:
		'Whether to append @mobile / @userId to the content for every mentioned person it does not name yet. DingTalk only notifies people whose @ appears in the content.',
};

const typedMobilesOption: INodeProperties = {
	displayName: 'Mention Numbers Typed in the Text',
	name: 'mentionTypedMobiles',
	type: 'boolean',
	default: true,
	description:
		'Whether to notify mobile numbers written as @13800000000 (or @+1-2025550123) in the text by adding them to Mention Mobiles. DingTalk notifies only the numbers listed there: typed alone, the @ reaches nobody.',
};

/** Options every send operation shares; `withMentions` adds the ones that only apply to @. */
export function sendOptions(withMentions: boolean): INodeProperties {
	const options: INodeProperties[] = [
		...(withMentions ? [insertMentionsOption] : []),
		{
			displayName: 'Include Sent Message',
			name: 'includeMessage',
			type: 'boolean',
			default: true,
			description: 'Whether to add the message as it was sent to the output item, under "message"',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description:
				'How many times to send again after DingTalk throttled the robot, was busy (-1), answered 5xx, or the connection failed. Retries reuse the message UUID, so DingTalk never posts twice.',
		},
		...(withMentions ? [typedMobilesOption] : []),
		{
			displayName: 'Message UUID',
			name: 'msgUuid',
			type: 'string',
			default: '',
			placeholder: 'e.g. {{ $json.alertId }}',
			description:
				'Idempotency key (msgUuid): DingTalk posts a message with the same UUID only once. Leave empty for a new random UUID per item.',
		},
		{
			displayName: 'Missing Keyword',
			name: 'missingKeyword',
			type: 'options',
			default: 'append',
			description:
				'What to do when the credential lists security keywords (关键词) and the message contains none of them',
			options: [
				{
					name: 'Append a Keyword',
					value: 'append',
					description: 'Add the first keyword at the end of the message',
				},
				{
					name: 'Fail the Item',
					value: 'fail',
					description: 'Do not send; report the item as failed',
				},
			],
		},
		{
			displayName: 'Rate Limit',
			name: 'rateLimit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 20,
			description:
				'Messages one robot may send per window. DingTalk allows 20 a minute and then blocks the robot for 10 minutes.',
		},
		{
			displayName: 'Processes Sending to This Robot',
			name: 'rateLimitProcesses',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: 1,
			description:
				'In queue mode, how many n8n processes (workers) may send to this robot at the same time. Each process paces on its own, so each then uses an equal share of the Rate Limit, and together they stay under it.',
		},
		{
			displayName: 'Rate Limit Handling',
			name: 'rateLimitHandling',
			type: 'options',
			default: 'wait',
			description: 'What to do when the robot already sent its limit in the current window',
			options: [
				{
					name: 'Fail the Item',
					value: 'fail',
					description: 'Do not send; report the item as failed at once',
				},
				{
					name: 'Wait for a Free Slot',
					value: 'wait',
					description: 'Hold the message until the robot may send again',
				},
			],
		},
		{
			displayName: 'Rate Window (Seconds)',
			name: 'rateWindow',
			type: 'number',
			typeOptions: { minValue: 0.001 },
			default: 60,
			description: 'Length of the rate-limit window in seconds (DingTalk: 60)',
		},
		{
			displayName: 'Retry Delay (Ms)',
			name: 'retryDelay',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 1000,
			description:
				'Wait before the first retry after a temporary failure; it doubles for each further retry',
		},
	];
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options,
	};
}
