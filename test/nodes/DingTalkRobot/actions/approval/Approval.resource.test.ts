import { NodeApiError } from 'n8n-workflow';

import type { FakeUser } from '../../../../fake-dingtalk';
import {
	addApp,
	bodyOf,
	requestsTo,
	run,
	runExpectingError,
	useFakeOpenApi,
} from '../../support/app';
import { expectFieldError } from '../../support/robot';

const people: FakeUser[] = [
	{ userid: 'staff0147', unionid: 'union-bob', name: '李四', dept_id_list: [20] },
	{ userid: 'manager4220', unionid: 'union-alice', name: '张三', dept_id_list: [20] },
	{ userid: 'cfo001', unionid: 'union-cfo', name: '王五', dept_id_list: [1] },
];
const EXPENSE = 'PROC-EXPENSE-01';

const server = useFakeOpenApi({
	contacts: { users: people },
	processes: [
		{
			processCode: EXPENSE,
			name: '报销',
			requiredFields: ['Reason', 'Amount'],
			approvers: ['manager4220'],
		},
	],
});

const approval = (operation: string, fields: Record<string, unknown> = {}) => ({
	resource: 'approval',
	operation,
	...fields,
	options: { maxRetries: 0 },
});

const START = '/v1.0/workflow/processInstances';

const startExpense = (extra: Record<string, unknown> = {}) =>
	approval('start', {
		processCode: EXPENSE,
		originatorUserId: 'staff0147',
		formInput: 'fields',
		formFields: {
			field: [
				{ name: 'Reason', value: 'Client visit' },
				{ name: 'Amount', value: '120' },
			],
		},
		...extra,
	});

describe('Approval → Start', () => {
	it('starts an approval with name/value pairs as formComponentValues', async () => {
		const app = addApp(server());
		const [item] = await run(app, startExpense());
		expect(bodyOf(requestsTo(server(), START)[0])).toEqual({
			processCode: EXPENSE,
			originatorUserId: 'staff0147',
			formComponentValues: [
				{ name: 'Reason', value: 'Client visit' },
				{ name: 'Amount', value: '120' },
			],
		});
		const [instance] = server().workflow.instances.values();
		expect(item.json).toMatchObject({
			instanceId: instance.processInstanceId,
			processCode: EXPENSE,
			originatorUserId: 'staff0147',
		});
		expect(instance.approverUserIds).toEqual(['manager4220']);
	});

	it('takes the form as a JSON object, turns lists into JSON text, and passes approvers and cc', async () => {
		const app = addApp(server());
		await run(
			app,
			approval('start', {
				processCode: EXPENSE,
				originatorUserId: 'staff0147',
				formInput: 'json',
				formJson: '={{ $json.form }}',
				additionalFields: { approvers: 'manager4220, cfo001', ccList: 'cfo001', deptId: 20 },
			}),
			{ items: [{ form: { Reason: 'Trip', Amount: 300, Days: ['2026-01-05', '2026-01-07'] } }] },
		);
		expect(bodyOf(requestsTo(server(), START)[0])).toEqual({
			processCode: EXPENSE,
			originatorUserId: 'staff0147',
			formComponentValues: [
				{ name: 'Reason', value: 'Trip' },
				{ name: 'Amount', value: '300' },
				{ name: 'Days', value: '["2026-01-05","2026-01-07"]' },
			],
			deptId: 20,
			approvers: [
				{ actionType: 'NONE', userIds: ['manager4220'] },
				{ actionType: 'NONE', userIds: ['cfo001'] },
			],
			ccList: ['cfo001'],
			ccPosition: 'FINISH',
		});
	});

	it('refuses a form without values or with bad JSON, naming the parameter', async () => {
		const app = addApp(server());
		const empty = await runExpectingError(app, startExpense({ formFields: {} }));
		expectFieldError(empty, { item: 0, parameter: 'formFields', message: /no values/ });
		const bad = await runExpectingError(
			app,
			startExpense({ formInput: 'json', formJson: '{"Reason": ' }),
		);
		expectFieldError(bad, { item: 0, parameter: 'formJson', message: /not valid JSON/ });
		expect(requestsTo(server(), START)).toHaveLength(0);
	});

	it('fails with DingTalk’s answer for a missing required field or an unknown process', async () => {
		const app = addApp(server());
		const missing = await runExpectingError(
			app,
			startExpense({ formFields: { field: [{ name: 'Reason', value: 'x' }] } }),
		);
		expect(missing).toBeInstanceOf(NodeApiError);
		expect(missing.message).toContain('Amount');
		const unknown = await runExpectingError(app, startExpense({ processCode: 'PROC-NONE' }));
		expect(unknown.message).toContain('(invalidParameter.processCode.notExist)');
	});

	it('names Workflow.Instance.Write when the app lacks it', async () => {
		const app = addApp(server(), { permissions: ['Workflow.Instance.Read'] });
		const error = await runExpectingError(app, startExpense());
		expect(error.description).toMatch(/Workflow\.Instance\.Write/);
	});
});

describe('Approval → Get, List IDs, Add Comment', () => {
	async function started(app: ReturnType<typeof addApp>) {
		const [item] = await run(app, startExpense());
		return item.json.instanceId as string;
	}

	it('gets the status, result, form values, tasks and who acted, in DingTalk’s field names', async () => {
		const app = addApp(server());
		const id = await started(app);
		server().workflow.act(id, 'manager4220', 'agree', Date.now(), 'OK');
		const [item] = await run(app, approval('get', { processInstanceId: id }));
		const [get] = requestsTo(server(), START).filter((request) => request.method === 'GET');
		expect(get.query).toEqual({ processInstanceId: id });
		expect(item.json).toMatchObject({
			processInstanceId: id,
			status: 'COMPLETED',
			result: 'agree',
			originatorUserId: 'staff0147',
			formComponentValues: [
				expect.objectContaining({ name: 'Reason', value: 'Client visit' }),
				expect.objectContaining({ name: 'Amount', value: '120' }),
			],
			tasks: [expect.objectContaining({ userId: 'manager4220', result: 'AGREE' })],
			operationRecords: [
				expect.objectContaining({ type: 'START_PROCESS_INSTANCE', userId: 'staff0147' }),
				expect.objectContaining({ type: 'EXECUTE_TASK_NORMAL', userId: 'manager4220' }),
			],
		});
	});

	it('lists instance IDs of a process page by page, one item per ID', async () => {
		const app = addApp(server());
		const ids: string[] = [];
		for (let i = 0; i < 23; i++) ids.push(await started(app));
		const output = await run(
			app,
			approval('listIds', {
				processCode: EXPENSE,
				startTime: new Date(Date.now() - 3_600_000).toISOString(),
				returnAll: true,
			}),
		);
		expect(output.map((item) => item.json.processInstanceId)).toEqual(ids);
		const pages = requestsTo(server(), '/v1.0/workflow/processes/instanceIds/query').map(bodyOf);
		expect(pages.map((page) => [page.nextToken, page.maxResults])).toEqual([
			[0, 20],
			[20, 20],
		]);
		const limited = await run(
			app,
			approval('listIds', {
				processCode: EXPENSE,
				startTime: new Date(Date.now() - 3_600_000).toISOString(),
				returnAll: false,
				limit: 5,
				filters: { statuses: ['RUNNING'], userIds: 'staff0147' },
			}),
		);
		expect(limited).toHaveLength(5);
		expect(
			bodyOf(requestsTo(server(), '/v1.0/workflow/processes/instanceIds/query')[2]),
		).toMatchObject({ maxResults: 5, statuses: ['RUNNING'], userIds: ['staff0147'] });
	});

	it('refuses a list without a start time', async () => {
		const app = addApp(server());
		const error = await runExpectingError(
			app,
			approval('listIds', { processCode: EXPENSE, startTime: '', returnAll: true }),
		);
		expectFieldError(error, { item: 0, parameter: 'startTime' });
	});

	it('adds a comment as a person', async () => {
		const app = addApp(server());
		const id = await started(app);
		const [item] = await run(
			app,
			approval('addComment', {
				processInstanceId: id,
				commentUserId: 'manager4220',
				text: 'Receipt?',
			}),
		);
		expect(item.json).toEqual({
			processInstanceId: id,
			commentUserId: 'manager4220',
			text: 'Receipt?',
			result: true,
			success: true,
		});
		expect(server().workflow.instances.get(id)!.operationRecords.at(-1)).toMatchObject({
			type: 'ADD_REMARK',
			remark: 'Receipt?',
		});
	});

	it('fails for an unknown approval with DingTalk’s code', async () => {
		const app = addApp(server());
		const error = await runExpectingError(app, approval('get', { processInstanceId: 'nope' }));
		expect(error.message).toContain('(invalidParameter.processInstanceId.notExist)');
	});
});
