/**
 * The one send path of the App Robot (sendToTarget.ts), as the operations that share it reach it:
 * Send to Group and Send and Wait for Response put the same request on the wire and read their
 * targets the same way. Replies are in reply.operation.test.ts, people in
 * sendToUsers.operation.test.ts and Contact.resource.test.ts (by mobile number).
 */
import {
	addApp,
	appParams,
	bodyOf,
	GROUP_PATH,
	requestsTo,
	run,
	runExpectingError,
	useFakeOpenApi,
} from '../../support/app';

const server = useFakeOpenApi();
const GROUP = 'cidSendPathGroup==';

describe('App Robot send path', () => {
	it('Send to Group passes the Cool App Code and Robot Code options on and outputs the send', async () => {
		const app = addApp(server(), { groups: [GROUP], robotCode: 'dingrobot-7' });
		const output = await run(
			app,
			appParams(
				'sendToGroup',
				{ openConversationId: ` ${GROUP} `, msgKey: 'sampleText', content: 'Deployed' },
				{ coolAppCode: 'COOLAPP-1-42', robotCode: 'dingrobot-7' },
			),
		);
		const [request] = requestsTo(server(), GROUP_PATH);
		expect(bodyOf(request)).toEqual({
			robotCode: 'dingrobot-7',
			openConversationId: GROUP,
			msgKey: 'sampleText',
			msgParam: '{"content":"Deployed"}',
			coolAppCode: 'COOLAPP-1-42',
		});
		expect(output[0].json).toEqual({
			sentTo: 'groupMessages',
			processQueryKey: server().openApi.messages[0].processQueryKey,
			openConversationId: GROUP,
			robotCode: 'dingrobot-7',
			msgKey: 'sampleText',
			msgParam: { content: 'Deployed' },
		});
	});

	it('Send and Wait to a group sends its card through the same group send', async () => {
		const app = addApp(server(), { groups: [GROUP] });
		await run(app, {
			resource: 'appRobot',
			operation: 'sendAndWait',
			sendAndWaitTo: 'group',
			openConversationId: GROUP,
			cardTitle: 'Deploy?',
			message: 'Deploy **v2.3**?',
			approvalOptions: { values: { approvalType: 'double' } },
			options: {},
		});
		const [request] = requestsTo(server(), GROUP_PATH);
		const body = bodyOf(request);
		expect(body).toMatchObject({
			robotCode: app.appKey,
			openConversationId: GROUP,
			msgKey: 'sampleActionCard2',
		});
		expect(body).not.toHaveProperty('coolAppCode');
		expect(JSON.parse(body.msgParam as string)).toMatchObject({
			title: 'Deploy?',
			text: 'Deploy **v2.3**?',
			actionTitle1: 'Approve',
			actionTitle2: 'Decline',
		});
	});

	it.each([
		[
			'sendToGroup',
			{ openConversationId: ' ' },
			'"Conversation ID" is empty',
			'openConversationId',
		],
		['sendToUsers', { userIds: ' , ' }, '"User IDs" is empty', 'userIds'],
	])(
		'%s and Send and Wait refuse an empty target alike and send nothing',
		async (operation, target, message, parameter) => {
			const app = addApp(server(), { groups: [GROUP] });
			const to = operation === 'sendToGroup' ? 'group' : 'users';
			for (const parameters of [
				appParams(operation as 'sendToGroup', { ...target, msgKey: 'sampleText', content: 'x' }),
				{
					resource: 'appRobot',
					operation: 'sendAndWait',
					sendAndWaitTo: to,
					...target,
					cardTitle: 'Deploy?',
					message: 'Deploy?',
					options: {},
				},
			]) {
				const error = await runExpectingError(app, parameters);
				expect(error.message).toContain(message);
				expect(error.description).toContain(`parameter: ${parameter}`);
			}
			expect(server().openApi.messages).toHaveLength(0);
		},
	);
});
