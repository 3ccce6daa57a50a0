import { FakeContacts, FakeDingTalk, FakeOpenApi, FakeTodo } from './index';
import { sandboxPage } from './sandboxPage';
import { generateSandboxSecrets } from './startSandbox';
import { sandboxTodos } from './sandboxTodos';
import { postJson } from './testClient';

const secrets = generateSandboxSecrets();

describe('the sandbox page’s to-dos', () => {
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [{ appKey: secrets.appKey, appSecret: secrets.appSecret }],
	});
	const contacts = new FakeContacts(openApi, {
		users: [{ userid: 'u1', unionid: 'union1', name: 'Wang <Wei>', dept_id_list: [1] }],
	});
	const todo = new FakeTodo(openApi, contacts);
	let base: string;

	beforeAll(async () => {
		fake.use(openApi).use(contacts).use(todo).use(sandboxTodos({ todo, contacts }));
		base = await fake.start();
	});
	afterAll(() => fake.stop());

	async function create(body: Record<string, unknown>): Promise<string> {
		const token = (await postJson(`${base}/v1.0/oauth2/accessToken`, secrets)).json
			.accessToken as string;
		const answer = await fetch(`${base}/v1.0/todo/users/union1/tasks`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': token },
			body: JSON.stringify(body),
		});
		expect(answer.status).toBe(200);
		return ((await answer.json()) as { id: string }).id;
	}

	const list = async () =>
		(await (await fetch(`${base}/sandbox/todos`)).json()) as { total: number; html: string };

	it('lists nothing before the app creates a to-do', async () => {
		expect(await list()).toEqual({ total: 0, html: '' });
	});

	it('lists a created to-do escaped, people by name, with its due time, priority and link', async () => {
		const id = await create({
			subject: '<script>alert(1)</script>',
			description: 'Sign & "return"',
			executorIds: ['union1'],
			dueTime: Date.UTC(2026, 0, 2, 3, 4, 5),
			priority: 40,
			detailUrl: { pcUrl: 'https://example.com/a?b=1&c=2' },
		});
		const { total, html } = await list();
		expect(total).toBe(1);
		expect(html).toContain(`data-id="${id}" data-done="false"`);
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).not.toContain('<script>');
		expect(html).toContain('Sign &amp; &quot;return&quot;');
		expect(html).toContain('by Wang &lt;Wei&gt;');
		expect(html).toContain('for Wang &lt;Wei&gt;');
		expect(html).toContain('due 2026-01-02T03:04:05.000Z');
		expect(html).toContain('priority very urgent');
		expect(html).toContain(
			'<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">',
		);
		expect(html).toContain('<strong class="state">open</strong>');
	});

	it('shows a to-do marked done, and a non-http detail URL as text only', async () => {
		const id = await create({ subject: 'Risky', detailUrl: { appUrl: 'javascript:alert(1)' } });
		const task = todo.tasks.get(id)!;
		task.done = true;
		const { total, html } = await list();
		expect(total).toBe(2);
		expect(html.indexOf(id)).toBeLessThan(html.indexOf('&lt;script&gt;'));
		expect(html).toContain(`data-id="${id}" data-done="true"`);
		expect(html).toContain('<strong class="state">done</strong>');
		expect(html).toContain('link javascript:alert(1)');
		expect(html).not.toContain('href="javascript:');
	});

	it('shows the To-dos section only when to-dos are plugged in', () => {
		expect(sandboxPage(undefined, false, false, true).html).toContain('<section id="todos"');
		expect(sandboxPage().html).not.toContain('<section id="todos"');
	});
});
