import type { FakeDepartment, FakeUser } from './contacts';
import type { SandboxPeople, SandboxPerson } from './types';

/**
 * The sandbox organisation of `npm run dev`: the people its robot messages and sample events
 * name, as the fake contacts (通讯录) hold them and the sandbox page lists them. The leaver of the
 * user_leave_org sample left the company, so only the stand-in HR directory still has a row for him.
 */

export const SANDBOX_USER_ID = 'sandbox-user-01';

export const SANDBOX_DEPARTMENTS: FakeDepartment[] = [
	{ dept_id: 1, name: 'Company' },
	{ dept_id: 2, name: 'Engineering', parent_id: 1, dept_manager_userid_list: [SANDBOX_USER_ID] },
];

export function sandboxUsers(now = Date.now()): FakeUser[] {
	return [
		{
			userid: SANDBOX_USER_ID,
			unionid: 'sandboxUnionUser01',
			name: 'Sandbox User',
			mobile: '13800000000',
			title: 'Engineering Manager',
			dept_id_list: [2],
			hired_date: now - 3 * 365 * 86_400_000,
		},
		{
			userid: 'sandbox-new-hire-01',
			unionid: 'sandboxUnionNewHire01',
			name: 'Wang Xiaoming',
			mobile: '13800000001',
			email: 'xiaoming.wang@example.com',
			job_number: 'SBX-0042',
			title: 'Frontend Engineer',
			dept_id_list: [2],
			manager_userid: SANDBOX_USER_ID,
			hired_date: now,
		},
	];
}

export const SANDBOX_HR_ROWS = [
	{
		userid: 'sandbox-leaver-01',
		name: 'Li Lei',
		title: 'Backend Engineer',
		dept_id_list: [2],
		manager_userid: SANDBOX_USER_ID,
	},
];

const ROLES: Record<string, string> = {
	[SANDBOX_USER_ID]:
		'Engineering Manager, manages department 2; sends the robot @-messages fired from this page; an app robot can message them 1:1 (Send to Users)',
	'sandbox-new-hire-01':
		'Frontend Engineer who joined today: the user_add_org sample event names them',
	'sandbox-leaver-01':
		'Backend Engineer who left: the user_leave_org sample event names him; not in the contacts any more, only in the stand-in HR directory',
};

function departmentsOf(ids: number[]): string {
	return ids
		.map(
			(id) => `${SANDBOX_DEPARTMENTS.find((d) => d.dept_id === id)?.name ?? 'Department'} (${id})`,
		)
		.join(', ');
}

/** What the sandbox page lists: the people in the contacts, the leaver, and the departments. */
export function sandboxPeople(): SandboxPeople {
	const list: SandboxPerson[] = [
		...sandboxUsers().map((user) => ({
			name: user.name,
			userId: user.userid,
			mobile: user.mobile,
			unionId: user.unionid,
			departments: departmentsOf(user.dept_id_list),
			role: ROLES[user.userid] ?? '',
		})),
		...SANDBOX_HR_ROWS.map((row) => ({
			name: row.name,
			userId: row.userid,
			departments: departmentsOf(row.dept_id_list),
			role: ROLES[row.userid] ?? '',
		})),
	];
	const departments = SANDBOX_DEPARTMENTS.map((d) => `${d.dept_id} ${d.name}`).join(', ');
	return { list, departments };
}
