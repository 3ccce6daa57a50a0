/**
 * Plaintexts of the events the sandbox can push, in the current flat HTTP-push shape
 * (protocol notes §4): envelope keys `EventType`, `EventTime`, `CorpId`, `eventId`, then the
 * event's own fields. The IDs are sandbox samples, not real DingTalk IDs.
 */

export const SANDBOX_CORP_ID = 'dingsandboxcorp0001';

type EventData = (now: number) => Record<string, unknown>;

const eventData: Record<string, EventData> = {
	user_add_org: (now) => ({ timeStamp: String(now), userId: ['sandbox-new-hire-01'] }),
	user_leave_org: (now) => ({ timeStamp: String(now), userId: ['sandbox-leaver-01'] }),
	bpms_instance_change: (now) => ({
		processInstanceId: 'sandbox-process-instance-0001',
		processCode: 'PROC-SANDBOX-LEAVE',
		bizCategoryId: '',
		businessId: '202601010001',
		title: 'Sandbox User submitted a leave request',
		type: 'finish',
		result: 'agree',
		createTime: now - 3_600_000,
		finishTime: now,
		staffId: 'sandbox-user-01',
		url: 'https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm',
	}),
	chat_add_member: (now) => ({
		timeStamp: String(now),
		chatId: 'chatsandbox0001',
		openConversationId: 'cidSandboxGroup0001==',
		operator: 'sandbox-user-01',
		operatorUnionId: 'sandboxUnionOperator01',
		userId: ['sandbox-new-member-01'],
		unionId: ['sandboxUnionMember01'],
	}),
};

/** Event types offered on the page; check_url is what the console sends when saving the URL. */
export const SANDBOX_EVENT_TYPES = ['check_url', ...Object.keys(eventData)];

/** The plaintext of a sample event; undefined for a type the sandbox has no sample for. */
export function sampleEvent(
	eventType: string,
	options: { eventId: string; now: number },
): Record<string, unknown> | undefined {
	if (eventType === 'check_url') return { EventType: 'check_url' };
	const data = eventData[eventType];
	if (!data) return undefined;
	return {
		EventType: eventType,
		EventTime: options.now,
		CorpId: SANDBOX_CORP_ID,
		eventId: options.eventId,
		...data(options.now),
	};
}
