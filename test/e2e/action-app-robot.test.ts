// The App Robot operations of the DingTalk Robot node inside a real n8n, against the fake DingTalk
// OpenAPI over real HTTP: the app access token exchange, what DingTalk receives for each
// operation, the session-webhook reply and its OpenAPI fallback, media upload and file download,
// and DingTalk's error codes as failed executions.
import type { IDataObject } from 'n8n-workflow';

import { buildRobotMessageItem } from '../../nodes/shared/robotMessage';
import { nodeOutput } from '../../scripts/n8n-executions';
import { FakeDingTalk, FakeOpenApi, FakeRobotRecall } from '../fake-dingtalk';
import { fakeAppCredentialData, randomAppKeys, robotMessageBody } from './support/dingtalk';
import { credential } from './support/fixtures';
import { useN8n } from './support/n8n';
import { failureOf, post, withExecution } from './support/runs';
import { robotNode, webhookWorkflow } from './support/workflows';

const keys = randomAppKeys();
const GROUP = 'cidE2eGroup0001==';
const STAFF = 'e2e-staff-01';

const APP = { id: 'e2eAppRobotCred1', name: 'E2E app robot (fake DingTalk)' };
const WRONG_APP = { id: 'e2eAppWrongSec01', name: 'E2E app robot with a wrong secret' };
const app = { type: 'dingTalkAppApi', data: {}, ...APP };
const wrongApp = { type: 'dingTalkAppApi', data: {}, ...WRONG_APP };

function appCredentials(baseUrl: string) {
	const data = fakeAppCredentialData(keys, baseUrl);
	return [
		credential('dingTalkAppApi', APP.id, APP.name, data),
		credential('dingTalkAppApi', WRONG_APP.id, WRONG_APP.name, {
			...data,
			appSecret: 'not-the-app-secret',
		}),
	];
}

const appRobot = (name: string, parameters: Record<string, unknown>, withCredential = app) =>
	robotNode(name, { resource: 'appRobot', ...parameters }, withCredential);

const WORKFLOWS = {
	group: webhookWorkflow({
		id: 'e2eAppToGroup001',
		path: 'e2e-app-group',
		then: [
			appRobot('DingTalk Robot', {
				operation: 'sendToGroup',
				openConversationId: '={{ $json.body.conversationId }}',
				msgKey: 'sampleMarkdown',
				title: 'e2e weekly report',
				text: '#### Done\n- 3 releases',
				options: { maxRetries: 0 },
			}),
		],
	}),
	users: webhookWorkflow({
		id: 'e2eAppToUsers001',
		path: 'e2e-app-users',
		then: [
			appRobot('DingTalk Robot', {
				operation: 'sendToUsers',
				userIds: '={{ $json.body.userIds }}',
				msgKey: 'sampleText',
				content: 'Your report is ready',
				options: {},
			}),
		],
	}),
	sendThenRecall: webhookWorkflow({
		id: 'e2eAppRecall0001',
		path: 'e2e-app-recall',
		then: [
			appRobot('Send', {
				operation: 'sendToGroup',
				openConversationId: GROUP,
				msgKey: 'sampleText',
				content: 'Sent by mistake',
				options: {},
			}),
			appRobot('Recall', {
				operation: 'recall',
				recallFrom: 'groupMessages',
				openConversationId: '={{ $json.openConversationId }}',
				processQueryKeys: '={{ $json.processQueryKey }}',
				options: {},
			}),
		],
	}),
	wrongSecret: webhookWorkflow({
		id: 'e2eAppWrongSec01',
		path: 'e2e-app-wrong-secret',
		then: [
			appRobot(
				'DingTalk Robot',
				{
					operation: 'sendToGroup',
					openConversationId: GROUP,
					msgKey: 'sampleText',
					content: 'Hello',
					options: { maxRetries: 0 },
				},
				wrongApp,
			),
		],
	}),
	reply: webhookWorkflow({
		id: 'e2eAppReply00001',
		path: 'e2e-app-reply',
		then: [
			appRobot('DingTalk Robot', {
				operation: 'reply',
				incomingMessage: '={{ $json.body.message }}',
				msgKey: 'sampleText',
				content: 'On it',
				options: {},
			}),
		],
	}),
	uploadAndSend: webhookWorkflow({
		id: 'e2eAppUpload0001',
		path: 'e2e-app-upload',
		then: [
			{
				name: 'To File',
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				parameters: {
					operation: 'toBinary',
					sourceProperty: 'body.file',
					options: { fileName: 'chart.png', mimeType: 'image/png' },
				},
			},
			appRobot('Upload Media', {
				operation: 'uploadMedia',
				binaryPropertyName: 'data',
				mediaType: 'image',
				options: {},
			}),
			appRobot('Send Picture', {
				operation: 'sendToGroup',
				openConversationId: GROUP,
				msgKey: 'sampleImageMsg',
				photoURL: '={{ $json.mediaId }}',
				options: {},
			}),
		],
	}),
	download: webhookWorkflow({
		id: 'e2eAppDownload01',
		path: 'e2e-app-download',
		response: 'binary',
		then: [
			appRobot('DingTalk Robot', {
				operation: 'downloadFile',
				downloadCode: '={{ $json.body.downloadCode }}',
				binaryPropertyName: 'data',
				options: { fileName: 'report.pdf' },
			}),
		],
	}),
};

describe('DingTalk Robot in a real n8n: app robot operations', () => {
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [
			{
				appKey: keys.appKey,
				appSecret: keys.appSecret,
				robotCode: keys.appKey,
				groups: [GROUP],
				users: [STAFF],
			},
		],
	});
	fake.use(openApi);
	fake.use(new FakeRobotRecall(openApi));
	const n8n = useN8n(async () => ({
		name: 'action-app-robot',
		credentials: appCredentials(await fake.start()),
		workflows: Object.values(WORKFLOWS),
	}));
	beforeEach(() => fake.reset());
	afterAll(async () => await fake.stop());

	async function run(workflow: keyof typeof WORKFLOWS, body: object) {
		const fixture = WORKFLOWS[workflow];
		const path = fixture.nodes[0].parameters.path as string;
		return await withExecution(
			n8n(),
			fixture.id,
			async () => await post(n8n().webhookUrl(path), body),
		);
	}

	/** The requests of a path, with their JSON bodies. */
	const requestsTo = (path: string) =>
		fake.requests
			.filter((request) => request.path === path)
			.map((request) => ({ ...request, json: JSON.parse(request.rawBody || 'null') }));

	/** The app exchanged its Client ID and Secret for the token the later requests carry. */
	function issuedToken(): string {
		const exchanges = requestsTo('/v1.0/oauth2/accessToken');
		expect(exchanges.length).toBeGreaterThanOrEqual(1);
		const last = exchanges[exchanges.length - 1];
		expect(last.json).toEqual({ appKey: keys.appKey, appSecret: keys.appSecret });
		expect(last.status).toBe(200);
		return last.response.accessToken as string;
	}

	it('sends a markdown template to a group with the app’s access token', async () => {
		const { execution } = await run('group', { conversationId: GROUP });

		expect(failureOf(execution).status).toBe('success');
		const [send] = requestsTo('/v1.0/robot/groupMessages/send');
		expect(send.headers['x-acs-dingtalk-access-token']).toBe(issuedToken());
		expect(send.json).toEqual({
			robotCode: keys.appKey,
			openConversationId: GROUP,
			msgKey: 'sampleMarkdown',
			// DingTalk wants the parameters as a JSON string.
			msgParam: JSON.stringify({ title: 'e2e weekly report', text: '#### Done\n- 3 releases' }),
		});
		expect(openApi.messages).toMatchObject([
			{ via: 'group', openConversationId: GROUP, msgKey: 'sampleMarkdown' },
		]);
		expect(nodeOutput(execution.data, 'DingTalk Robot')).toEqual([
			expect.objectContaining({
				sentTo: 'groupMessages',
				processQueryKey: openApi.messages[0].processQueryKey,
				openConversationId: GROUP,
			}),
		]);
	});

	it('sends to a group and recalls the message by its processQueryKey', async () => {
		const { execution } = await run('sendThenRecall', {});

		expect(failureOf(execution).status).toBe('success');
		const [message] = openApi.messages;
		expect(requestsTo('/v1.0/robot/groupMessages/recall').map((request) => request.json)).toEqual([
			{
				robotCode: keys.appKey,
				openConversationId: GROUP,
				processQueryKeys: [message.processQueryKey],
			},
		]);
		expect(message.recalledAt).toEqual(expect.any(Number));
		expect(nodeOutput(execution.data, 'Recall')).toEqual([
			expect.objectContaining({
				recalledFrom: 'groupMessages',
				successResult: [message.processQueryKey],
				failedResult: {},
				allRecalled: true,
			}),
		]);
	});

	it('fails with DingTalk’s code when the robot is not in the group', async () => {
		const { execution } = await run('group', { conversationId: 'cidNotMyGroup==' });

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			node: 'DingTalk Robot',
			code: 'invalid.openConversationId',
			message: expect.stringContaining('(invalid.openConversationId)'),
		});
		expect(openApi.messages).toHaveLength(0);
	});

	it('fails with invalidClientIdOrSecret when the Client Secret is wrong', async () => {
		const { execution } = await run('wrongSecret', {});

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			code: 'invalidClientIdOrSecret',
		});
		expect(requestsTo('/v1.0/oauth2/accessToken')).toMatchObject([{ status: 400 }]);
		expect(requestsTo('/v1.0/robot/groupMessages/send')).toHaveLength(0);
	});

	it('sends to users in their 1:1 chats and reports the unknown ones', async () => {
		const { execution } = await run('users', { userIds: `${STAFF}, e2e-nobody` });

		expect(failureOf(execution).status).toBe('success');
		const [send] = requestsTo('/v1.0/robot/oToMessages/batchSend');
		expect(send.json).toEqual({
			robotCode: keys.appKey,
			userIds: [STAFF, 'e2e-nobody'],
			msgKey: 'sampleText',
			msgParam: JSON.stringify({ content: 'Your report is ready' }),
		});
		expect(openApi.messages).toMatchObject([{ via: 'single', userId: STAFF }]);
		const [output] = nodeOutput(execution.data, 'DingTalk Robot');
		expect(output).toMatchObject({ sentTo: 'oToMessages', invalidStaffIdList: ['e2e-nobody'] });
	});

	/** A DingTalk Trigger item of a group @-message whose session webhook lives until `expiresAt`. */
	function incomingMessage(expiresAt: number): IDataObject {
		return buildRobotMessageItem(
			robotMessageBody('status please', {
				robotCode: keys.appKey,
				conversationId: GROUP,
				senderStaffId: STAFF,
				sessionWebhook: fake.addSession(expiresAt),
				sessionWebhookExpiredTime: expiresAt,
			}) as IDataObject,
		) as unknown as IDataObject;
	}

	it('replies through the session webhook while it is valid, @-mentioning the sender', async () => {
		const { execution } = await run('reply', { message: incomingMessage(Date.now() + 3_600_000) });

		expect(failureOf(execution).status).toBe('success');
		expect(nodeOutput(execution.data, 'DingTalk Robot')[0]).toMatchObject({
			sentTo: 'sessionWebhook',
		});
		expect(fake.received).toHaveLength(1);
		expect(fake.received[0]).toMatchObject({
			via: 'session',
			body: {
				msgtype: 'text',
				text: { content: `On it @${STAFF}` },
				at: { atUserIds: [STAFF] },
			},
		});
		expect(openApi.messages).toHaveLength(0);
	});

	it('falls back to the group OpenAPI once the session webhook has expired', async () => {
		const { execution } = await run('reply', { message: incomingMessage(Date.now() - 1000) });

		expect(failureOf(execution).status).toBe('success');
		expect(nodeOutput(execution.data, 'DingTalk Robot')[0]).toMatchObject({
			sentTo: 'groupMessages',
			fallbackReason: 'sessionExpired',
			openConversationId: GROUP,
		});
		expect(fake.received).toHaveLength(0);
		expect(openApi.messages).toMatchObject([
			{
				via: 'group',
				openConversationId: GROUP,
				msgKey: 'sampleText',
				msgParam: { content: 'On it' },
			},
		]);
	});

	it('uploads a picture and sends it to a group by its mediaId', async () => {
		const picture = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
		const { execution } = await run('uploadAndSend', { file: picture.toString('base64') });

		expect(failureOf(execution).status).toBe('success');
		const [uploaded] = nodeOutput(execution.data, 'Upload Media');
		expect(uploaded).toMatchObject({
			mediaType: 'image',
			fileName: 'chart.png',
			mimeType: 'image/png',
			fileSize: picture.length,
		});
		const stored = openApi.media.get(String(uploaded.mediaId));
		expect(stored?.data.equals(picture)).toBe(true);
		expect(stored).toMatchObject({ type: 'image', fileName: 'chart.png' });
		expect(openApi.messages).toMatchObject([
			{ via: 'group', msgKey: 'sampleImageMsg', msgParam: { photoURL: uploaded.mediaId } },
		]);
	});

	it('downloads a file a user sent to the robot', async () => {
		const file = Buffer.from('%PDF-1.4 e2e report\n', 'utf8');
		const downloadCode = openApi.addIncomingFile({
			robotCode: keys.appKey,
			data: file,
			contentType: 'application/pdf',
		});
		const { result, execution } = await withExecution(n8n(), WORKFLOWS.download.id, async () => {
			const response = await fetch(n8n().webhookUrl('e2e-app-download'), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ downloadCode }),
			});
			return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
		});

		expect(failureOf(execution).status).toBe('success');
		// The Webhook node answers with the node's binary output: the file itself.
		expect(result.status).toBe(200);
		expect(result.body.equals(file)).toBe(true);
		expect(requestsTo('/v1.0/robot/messageFiles/download')[0].json).toEqual({
			downloadCode,
			robotCode: keys.appKey,
		});
	});
});
