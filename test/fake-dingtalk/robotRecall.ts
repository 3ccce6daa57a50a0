import { apiError, permissionRefusal } from './openApi';
import type { AppRobotMessage, FakeApp, FakeOpenApi } from './openApi';
import type { FakeExtension, Reply, RequestContext, Route } from './routing';

/**
 * Recalling app robot messages (撤回): a group message by its processQueryKey and the group it
 * went to, 1:1 messages by the processQueryKey of their batchSend. Plug it in next to the
 * FakeOpenApi that recorded the sends: `fake.use(new FakeRobotRecall(openApi))`.
 *
 * Checks, in this order: token and JSON body (FakeOpenApi); the robot permission
 * qyapi_robot_sendmsg when the app lists its permissions; robotCode; for a group the
 * openConversationId (given, a group of the robot); processQueryKeys (a non-empty list). Each
 * key then lands in `successResult` or, with a reason, in `failedResult`: unknown, sent to
 * another group or to people instead, or already recalled. The reasons are the fake's own words.
 */
export const ROBOT_SEND_PERMISSION = 'qyapi_robot_sendmsg';

export const RECALL_FAILURES = {
	unknown: 'processQueryKey not found',
	otherConversation: 'message not in this conversation',
	alreadyRecalled: 'message already recalled',
} as const;

interface RecallAnswer {
	successResult: string[];
	failedResult: Record<string, string>;
}

export class FakeRobotRecall implements FakeExtension {
	constructor(private readonly openApi: FakeOpenApi) {}

	routes(): Route[] {
		return [
			{
				path: '/v1.0/robot/groupMessages/recall',
				methods: ['POST'],
				handle: (context) =>
					this.openApi.withApp(context, (app, body) => this.recall(context, app, body, 'group')),
			},
			{
				path: '/v1.0/robot/otoMessages/batchRecall',
				methods: ['POST'],
				handle: (context) =>
					this.openApi.withApp(context, (app, body) => this.recall(context, app, body, 'single')),
			},
		];
	}

	private recall(
		context: RequestContext,
		app: FakeApp,
		body: Record<string, unknown>,
		via: AppRobotMessage['via'],
	): Reply {
		const refused = permissionRefusal(app, ROBOT_SEND_PERMISSION);
		if (refused) return refused;
		const robotError = this.openApi.checkRobotCode(app, body.robotCode);
		if (robotError) return robotError;
		const conversationId = body.openConversationId;
		if (via === 'group') {
			if (typeof conversationId !== 'string' || conversationId === '') {
				return apiError(
					400,
					'invalidParameter.openConversationId.empty',
					'openConversationId 不能为空',
				);
			}
			if (!(app.groups ?? []).includes(conversationId)) {
				return apiError(400, 'invalid.openConversationId', '群不存在或机器人不在群中');
			}
		}
		const keys = body.processQueryKeys;
		if (!Array.isArray(keys) || keys.length === 0 || keys.some((key) => typeof key !== 'string')) {
			return apiError(400, 'invalidParameter.processQueryKeys.empty', 'processQueryKeys 不能为空');
		}
		const answer: RecallAnswer = { successResult: [], failedResult: {} };
		for (const key of keys as string[]) {
			const sent = this.openApi.messages.filter(
				(message) =>
					message.processQueryKey === key &&
					message.appKey === app.appKey &&
					message.robotCode === body.robotCode,
			);
			const reason = this.refusal(sent, via, conversationId);
			if (reason) {
				answer.failedResult[key] = reason;
				continue;
			}
			for (const message of sent) message.recalledAt = context.now;
			answer.successResult.push(key);
		}
		return { status: 200, json: answer };
	}

	private refusal(
		sent: AppRobotMessage[],
		via: AppRobotMessage['via'],
		conversationId: unknown,
	): string | undefined {
		if (sent.length === 0 || sent[0].via !== via) return RECALL_FAILURES.unknown;
		if (via === 'group' && sent[0].openConversationId !== conversationId) {
			return RECALL_FAILURES.otherConversation;
		}
		if (sent.every((message) => message.recalledAt !== undefined)) {
			return RECALL_FAILURES.alreadyRecalled;
		}
		return undefined;
	}
}
