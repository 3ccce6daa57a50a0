import type { FakeUser } from '../../../../fake-dingtalk';
import {
	addApp,
	bodyOf,
	requestsTo,
	run,
	runExpectingError,
	TOKEN_PATH,
	useFakeOpenApi,
} from '../../support/app';

const alice: FakeUser = {
	userid: 'manager4220',
	unionid: 'union-alice',
	name: '张三',
	mobile: '13800138000',
	email: 'zhangsan@example.com',
	job_number: 'E0001',
	title: 'Engineering Manager',
	dept_id_list: [1, 20],
	hired_date: 1700000000000,
	active: true,
};
const bob: FakeUser = {
	userid: 'staff0147',
	unionid: 'union-bob',
	name: '李四',
	mobile: '13900139000',
	title: 'Engineer',
	dept_id_list: [20],
	manager_userid: 'manager4220',
	hired_date: 1760000000000,
};

const server = useFakeOpenApi({
	contacts: {
		users: [alice, bob],
		departments: [
			{ dept_id: 20, name: 'Engineering', parent_id: 1, dept_manager_userid_list: ['manager4220'] },
			{ dept_id: 21, name: 'Platform', parent_id: 20 },
			{ dept_id: 22, name: 'Mobile', parent_id: 20 },
		],
	},
});

const contact = (operation: string, fields: Record<string, unknown> = {}) => ({
	resource: 'contact',
	operation,
	...fields,
	options: {},
});

const USER_GET = '/topapi/v2/user/get';

describe('Contact → Get User', () => {
	it('returns the person’s record with DingTalk’s field names, asking with the token in the query', async () => {
		const app = addApp(server());
		const [item] = await run(app, contact('getUser', { userId: 'staff0147' }));
		expect(item.json).toMatchObject({
			userid: 'staff0147',
			name: '李四',
			mobile: '13900139000',
			title: 'Engineer',
			dept_id_list: [20],
			manager_userid: 'manager4220',
			hired_date: 1760000000000,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		const [request] = requestsTo(server(), USER_GET);
		expect(request.query.access_token).toBe(
			requestsTo(server(), TOKEN_PATH)[0].response.accessToken,
		);
		expect(bodyOf(request)).toEqual({ userid: 'staff0147', language: 'zh_CN' });
	});

	it('names the errcode and the cause when DingTalk knows no such user, and Continue On Fail keeps the item', async () => {
		const app = addApp(server());
		const error = await runExpectingError(app, contact('getUser', { userId: 'nobody' }));
		expect(error.message).toContain('nobody');
		expect(error.message).toContain('errcode 60121');
		expect(error.description).toContain('contact range');

		const output = await run(app, contact('getUser', { userId: 'nobody' }), {
			continueOnFail: true,
			items: [{ n: 1 }],
		});
		expect(output).toEqual([
			expect.objectContaining({
				json: expect.objectContaining({ code: 'errcode 60121' }),
				pairedItem: { item: 0 },
			}),
		]);
	});

	it('names the missing contacts permission DingTalk reports (errcode 88, sub_code 60011)', async () => {
		const app = addApp(server(), { permissions: ['qyapi_get_department_list'] });
		const error = await runExpectingError(app, contact('getUser', { userId: 'staff0147' }));
		expect(error.message).toContain('errcode 88');
		expect(error.description).toContain('qyapi_get_member');
		expect(error.description).toContain('通讯录');
	});

	it('fetches a new token once when DingTalk says the old one expired (errcode 42001)', async () => {
		const app = addApp(server());
		await run(app, contact('getUser', { userId: 'staff0147' }));
		server().openApi.expireTokens();
		const [item] = await run(app, contact('getUser', { userId: 'manager4220' }));
		expect(item.json.name).toBe('张三');
		expect(requestsTo(server(), TOKEN_PATH)).toHaveLength(2);
		expect(requestsTo(server(), USER_GET).map((request) => request.response.errcode)).toEqual([
			0, 42001, 0,
		]);
	});

	it('refuses an empty user ID naming the parameter, without asking DingTalk', async () => {
		const app = addApp(server());
		const error = await runExpectingError(app, contact('getUser', { userId: ' ' }));
		expect(error.message).toContain('User ID');
		expect(requestsTo(server(), USER_GET)).toHaveLength(0);
	});
});

describe('Contact → Get User by Mobile / by Union ID', () => {
	it('finds the user ID by mobile (+86 and spaces removed) and returns the whole record', async () => {
		const app = addApp(server());
		const [item] = await run(app, contact('getUserByMobile', { mobile: '+86 138-0013-8000' }));
		expect(item.json).toMatchObject({ userid: 'manager4220', email: 'zhangsan@example.com' });
		const [lookup] = requestsTo(server(), '/topapi/v2/user/getbymobile');
		expect(bodyOf(lookup)).toEqual({ mobile: '13800138000' });
	});

	it('says which mobile number DingTalk does not know, naming the parameter', async () => {
		const app = addApp(server());
		const error = await runExpectingError(
			app,
			contact('getUserByMobile', { mobile: '13700000000' }),
		);
		expect(error.message).toContain('13700000000');
		expect(error.description).toContain('parameter: mobile');
		expect(requestsTo(server(), USER_GET)).toHaveLength(0);
	});

	it('finds a user by unionId', async () => {
		const app = addApp(server());
		const [item] = await run(app, contact('getUserByUnionId', { unionId: 'union-bob' }));
		expect(item.json.userid).toBe('staff0147');
		const miss = await runExpectingError(
			app,
			contact('getUserByUnionId', { unionId: 'staff0147' }),
		);
		expect(miss.message).toContain('unionId staff0147');
	});
});

describe('Contact → List Department Users', () => {
	const many = (count: number): FakeUser[] =>
		Array.from({ length: count }, (_, index) => ({
			userid: `u${String(index).padStart(3, '0')}`,
			unionid: `union-u${index}`,
			name: `User ${index}`,
			dept_id_list: [30],
		}));

	const withBigDepartment = () => {
		server().contacts.addDepartment({ dept_id: 30, name: 'Sales', parent_id: 1 });
		for (const user of many(250)) server().contacts.addUser(user);
	};

	it('Return All reads every page (100 per page) and gives one item per person', async () => {
		withBigDepartment();
		const app = addApp(server());
		const output = await run(
			app,
			contact('listDepartmentUsers', { departmentId: 30, returnAll: true }),
		);
		expect(output).toHaveLength(250);
		expect(new Set(output.map((item) => item.json.userid)).size).toBe(250);
		expect(output.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		const pages = requestsTo(server(), '/topapi/v2/user/list').map(bodyOf);
		expect(pages.map((page) => [page.cursor, page.size])).toEqual([
			[0, 100],
			[100, 100],
			[200, 100],
		]);
	});

	it('Limit stops at that many people and asks for no more than needed', async () => {
		withBigDepartment();
		const app = addApp(server());
		const output = await run(
			app,
			contact('listDepartmentUsers', { departmentId: 30, returnAll: false, limit: 120 }),
		);
		expect(output).toHaveLength(120);
		const pages = requestsTo(server(), '/topapi/v2/user/list').map(bodyOf);
		expect(pages.map((page) => page.size)).toEqual([100, 20]);
	});

	it('pairs each person with the input item whose department it lists', async () => {
		const app = addApp(server());
		const output = await run(
			app,
			contact('listDepartmentUsers', { departmentId: '={{ $json.dept }}', returnAll: true }),
			{ items: [{ dept: 20 }, { dept: 1 }] },
		);
		expect(output.map((item) => [item.json.userid, item.pairedItem])).toEqual([
			['manager4220', { item: 0 }],
			['staff0147', { item: 0 }],
			['manager4220', { item: 1 }],
		]);
	});

	it('refuses a department ID that is not a whole number, naming the parameter', async () => {
		const app = addApp(server());
		const error = await runExpectingError(
			app,
			contact('listDepartmentUsers', { departmentId: '={{ "sales" }}', returnAll: true }),
		);
		expect(error.message).toContain('Department ID');
		expect(requestsTo(server(), '/topapi/v2/user/list')).toHaveLength(0);
	});

	it.each([['={{ "abc" }}'], [1.5], [0], [-3], ['={{ "" }}']])(
		'refuses a Limit of %p before reading any page, naming the field',
		async (limit) => {
			withBigDepartment();
			const app = addApp(server());
			const error = await runExpectingError(
				app,
				contact('listDepartmentUsers', { departmentId: 30, returnAll: false, limit }),
			);
			expect(error.message).toContain('"Limit" must be a whole number of 1 or more');
			expect(error.message).toContain('[item 0]');
			expect(requestsTo(server(), '/topapi/v2/user/list')).toHaveLength(0);
		},
	);

	it('takes a Limit given as a whole number in text, e.g. from an expression', async () => {
		withBigDepartment();
		const app = addApp(server());
		const output = await run(
			app,
			contact('listDepartmentUsers', { departmentId: 30, returnAll: false, limit: '={{ "3" }}' }),
		);
		expect(output).toHaveLength(3);
	});
});

describe('Contact → departments', () => {
	it('gets a department with its managers', async () => {
		const app = addApp(server());
		const [item] = await run(app, contact('getDepartment', { departmentId: 20 }));
		expect(item.json).toMatchObject({
			dept_id: 20,
			name: 'Engineering',
			parent_id: 1,
			dept_manager_userid_list: ['manager4220'],
		});
	});

	it('lists the direct sub-departments, one item each', async () => {
		const app = addApp(server());
		const output = await run(app, contact('listSubDepartments', { departmentId: 20 }));
		expect(output.map((item) => item.json.name)).toEqual(['Platform', 'Mobile']);
	});

	it('explains an unknown department (errcode 60003)', async () => {
		const app = addApp(server());
		const error = await runExpectingError(app, contact('getDepartment', { departmentId: 999 }));
		expect(error.message).toContain('errcode 60003');
		expect(error.description).toContain('root department is 1');
	});
});

describe('App Robot → Send to Users by mobile number', () => {
	const sendByMobile = (mobiles: string) => ({
		resource: 'appRobot',
		operation: 'sendToUsers',
		recipientsBy: 'mobiles',
		mobiles,
		msgKey: 'sampleText',
		content: 'Welcome aboard',
		options: {},
	});

	it('looks up each number’s user ID and messages those people, listing numbers DingTalk does not know', async () => {
		const app = addApp(server(), { users: ['manager4220', 'staff0147'] });
		const [item] = await run(app, sendByMobile('+86 13800138000, 13900139000\n13700000000'));
		expect(item.json).toMatchObject({
			userIdsByMobile: { '13800138000': 'manager4220', '13900139000': 'staff0147' },
			unknownMobiles: ['13700000000'],
			deliveredUserIds: ['manager4220', 'staff0147'],
		});
		expect(server().openApi.messages.map((message) => message.userId)).toEqual([
			'manager4220',
			'staff0147',
		]);
	});

	it('sends nothing and names the parameter when no number is known', async () => {
		const app = addApp(server(), { users: ['manager4220'] });
		const error = await runExpectingError(app, sendByMobile('13700000000'));
		expect(error.message).toContain('13700000000');
		expect(error.description).toContain('parameter: mobiles');
		expect(server().openApi.messages).toHaveLength(0);
	});

	it('keeps sending by user ID when Recipients By is not set (saved workflows)', async () => {
		const app = addApp(server(), { users: ['staff0147'] });
		const [item] = await run(app, {
			resource: 'appRobot',
			operation: 'sendToUsers',
			userIds: 'staff0147',
			msgKey: 'sampleText',
			content: 'hi',
			options: {},
		});
		expect(item.json.deliveredUserIds).toEqual(['staff0147']);
		expect(requestsTo(server(), '/topapi/v2/user/getbymobile')).toHaveLength(0);
	});
});
