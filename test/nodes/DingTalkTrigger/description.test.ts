import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
	NodeOperationError,
	Workflow,
	type INode,
	type INodeType,
	type INodeTypes,
	type IWebhookDescription,
} from 'n8n-workflow';

import { DingTalkAppApi } from '../../../credentials/DingTalkAppApi.credentials';
import { DingTalkTrigger } from '../../../nodes/DingTalkTrigger/DingTalkTrigger.node';
import { generateCredentials } from './support/requests';
import { createHookContext } from './support/webhookContext';

const trigger = new DingTalkTrigger();
const description = trigger.description;
const credentials = generateCredentials();
const root = join(__dirname, '..', '..', '..');

describe('trigger description', () => {
	it('follows the n8n trigger conventions', () => {
		expect(description.name).toBe('dingTalkTrigger');
		expect(description.displayName).toBe('DingTalk Trigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.outputs).toEqual(['main']);
		expect(description.subtitle).toEqual(expect.stringContaining('$parameter["mode"]'));
		expect(description).not.toHaveProperty('usableAsTool');
		expect(description.credentials).toEqual([{ name: 'dingTalkAppApi', required: true }]);
		expect(description.webhooks).toHaveLength(1);
		expect(description.webhooks![0]).toMatchObject({
			name: 'default',
			httpMethod: 'POST',
			path: 'webhook',
		});
	});

	it('has a notice for each mode telling where the URL goes', () => {
		const notices = description.properties.filter((property) => property.type === 'notice');
		expect(notices.map((notice) => notice.displayOptions?.show?.mode)).toEqual([
			['robot'],
			['event'],
		]);
		expect(notices[0].displayName).toContain('消息接收地址');
		expect(notices[1].displayName).toContain('请求网址');
	});

	it('ships light and dark icons that exist and differ', () => {
		expect(description.icon).toEqual({
			light: 'file:dingtalk.svg',
			dark: 'file:dingtalk.dark.svg',
		});
		const folder = join(root, 'nodes', 'DingTalkTrigger');
		const light = readFileSync(join(folder, 'dingtalk.svg'), 'utf8');
		const dark = readFileSync(join(folder, 'dingtalk.dark.svg'), 'utf8');
		expect(light).toContain('<svg');
		expect(dark).toContain('<svg');
		expect(light).not.toBe(dark);
	});

	it('has a codex in Communication', () => {
		const codex = JSON.parse(
			readFileSync(join(root, 'nodes', 'DingTalkTrigger', 'DingTalkTrigger.node.json'), 'utf8'),
		);
		expect(codex).toMatchObject({
			node: 'n8n-nodes-dingtalk-robot.dingTalkTrigger',
			nodeVersion: '1.0',
			codexVersion: '1.0',
			categories: ['Communication'],
		});
	});
});

describe('response mode and data, evaluated by n8n-workflow itself', () => {
	const nodeTypes = {
		getByName: () => trigger as INodeType,
		getByNameAndVersion: () => trigger as INodeType,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	const webhook = description.webhooks![0] as IWebhookDescription;

	function evaluate(parameters: INode['parameters']) {
		const node: INode = {
			id: '1',
			name: 'DingTalk Trigger',
			type: 'n8n-nodes-dingtalk-robot.dingTalkTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters,
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		return {
			responseMode: workflow.expression.getSimpleParameterValue(
				node,
				webhook.responseMode,
				'webhook',
				{},
			),
			// n8n substitutes "firstEntryJson" only when the description has no responseData at all.
			responseData: workflow.expression.getComplexParameterValue(
				node,
				webhook.responseData,
				'webhook',
				{},
				undefined,
				'firstEntryJson',
			),
		};
	}

	it.each([
		[{ mode: 'robot' }, 'onReceived', ''],
		[{ mode: 'robot', replyMode: 'acknowledge' }, 'onReceived', ''],
		[{ mode: 'robot', replyMode: 'lastNode' }, 'lastNode', 'firstEntryJson'],
		[{ mode: 'event' }, 'onReceived', ''],
		[{ mode: 'event', replyMode: 'lastNode' }, 'onReceived', ''],
	])('%o → %s / %o', (parameters, responseMode, responseData) => {
		expect(evaluate(parameters)).toEqual({ responseMode, responseData });
	});
});

describe('webhook lifecycle (manual registration)', () => {
	const methods = trigger.webhookMethods.default;

	it('create and delete have nothing to do', async () => {
		const context = createHookContext({ parameters: { mode: 'robot' }, credentials });
		await expect(methods.create.call(context)).resolves.toBe(true);
		await expect(methods.delete.call(context)).resolves.toBe(true);
	});

	it.each([
		['robot', { mode: 'robot' }],
		['robot with the Outgoing token', { mode: 'robot', robotVerification: 'outgoingToken' }],
		['event', { mode: 'event' }],
	])('checkExists accepts a complete %s configuration', async (_name, parameters) => {
		await expect(
			methods.checkExists.call(createHookContext({ parameters, credentials })),
		).resolves.toBe(true);
	});

	it.each([
		['robot', { mode: 'robot' }, { appSecret: '' }, 'Client Secret'],
		[
			'robot',
			{ mode: 'robot', robotVerification: 'outgoingToken' },
			{ outgoingToken: '' },
			'Outgoing Token',
		],
		['robot', { mode: 'robot', options: { textPattern: '(' } }, {}, 'Text Pattern'],
		['event', { mode: 'event' }, { eventAesKey: 'tooShort' }, 'exactly 43'],
		['event', { mode: 'event' }, { eventToken: '' }, 'Event Token'],
		['event', { mode: 'event' }, { appKey: '', ownerKey: '' }, 'Owner Key'],
	])(
		'checkExists refuses to activate %s mode with %o / %o',
		async (_mode, parameters, change, message) => {
			const context = createHookContext({ parameters, credentials: { ...credentials, ...change } });
			const activation = methods.checkExists.call(context);
			await expect(activation).rejects.toBeInstanceOf(NodeOperationError);
			await expect(methods.checkExists.call(context)).rejects.toThrow(message);
		},
	);

	it('never puts the aes key itself into the activation error', async () => {
		const badKey = `${credentials.eventAesKey}Z`;
		const context = createHookContext({
			parameters: { mode: 'event' },
			credentials: { ...credentials, eventAesKey: badKey },
		});
		const error = await methods.checkExists.call(context).catch((caught: Error) => caught);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(/it has 44\.$/);
		expect(JSON.stringify(error)).not.toContain(badKey);
	});
});

describe('DingTalk App API credential', () => {
	const credential = new DingTalkAppApi();
	const byName = Object.fromEntries(
		credential.properties.map((property) => [property.name, property]),
	);

	it('has the fields of the issue, secrets masked', () => {
		expect(credential.name).toBe('dingTalkAppApi');
		expect(credential.displayName).toBe('DingTalk App API');
		expect(Object.keys(byName)).toEqual([
			'appKey',
			'appSecret',
			'eventToken',
			'eventAesKey',
			'ownerKey',
			'outgoingToken',
			'apiBaseUrl',
			'oapiBaseUrl',
			'accessToken',
			'refreshAt',
			'issuedFor',
		]);
		for (const hidden of ['accessToken', 'refreshAt', 'issuedFor']) {
			expect(byName[hidden].type).toBe('hidden');
		}
		expect(byName.accessToken.typeOptions).toEqual({ expirable: true, password: true });
		for (const secret of ['appSecret', 'eventToken', 'eventAesKey', 'outgoingToken']) {
			expect(byName[secret].typeOptions).toEqual({ password: true });
		}
		expect(byName.appKey.typeOptions).toBeUndefined();
		expect(byName.apiBaseUrl.default).toBe('https://api.dingtalk.com');
		expect(byName.eventAesKey.description).toContain('43');
	});

	it('tests the Client ID and Secret by fetching an app access token', () => {
		expect(credential.test.request).toMatchObject({
			url: '/v1.0/oauth2/accessToken',
			method: 'POST',
			body: { appKey: '={{$credentials.appKey}}', appSecret: '={{$credentials.appSecret}}' },
		});
		expect(credential.test.request.baseURL).toContain('$credentials.apiBaseUrl');
		expect(credential.test.rules?.map((rule) => rule.properties)).toEqual([
			expect.objectContaining({
				key: 'code',
				value: 'invalidClientIdOrSecret',
				message: expect.stringContaining('凭证与基础信息'),
			}),
			expect.objectContaining({ key: 'code', value: 'Forbidden.AccessDenied.IpNotInWhiteList' }),
			expect.objectContaining({ key: 'accessToken', value: undefined }),
		]);
	});

	it('uses the themed icon pair, both files present', () => {
		expect(credential.icon).toEqual({ light: 'file:dingtalk.svg', dark: 'file:dingtalk.dark.svg' });
		expect(existsSync(join(root, 'credentials', 'dingtalk.svg'))).toBe(true);
		expect(existsSync(join(root, 'credentials', 'dingtalk.dark.svg'))).toBe(true);
	});
});
