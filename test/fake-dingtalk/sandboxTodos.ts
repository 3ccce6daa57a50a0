import type { FakeContacts } from './contacts';
import type { FakeExtension, Route } from './routing';
import { guarded, json } from './sandboxGuard';
import { escapeHtml } from './sandboxMarkdown';
import type { FakeTodo, FakeTodoTask } from './todo';

/**
 * The sandbox page's to-dos (待办): the to-dos the app created with the DingTalk Robot node's
 * To-Do actions, newest first, people by name when the sandbox's contacts know them. Plug it in
 * next to the FakeTodo.
 */

export interface SandboxTodosOptions {
	todo: FakeTodo;
	contacts: FakeContacts;
}

const PRIORITY: Record<number, string> = {
	10: 'low',
	20: 'normal',
	30: 'urgent',
	40: 'very urgent',
};

/** A link only for an http(s) URL; anything else (javascript:, junk) stays text. */
function detailLink(url: string): string {
	let safe = false;
	try {
		safe = ['http:', 'https:'].includes(new URL(url).protocol);
	} catch {
		safe = false;
	}
	const text = escapeHtml(url);
	return safe ? `<a href="${text}" target="_blank" rel="noopener noreferrer">${text}</a>` : text;
}

/** A to-do as the page lists it; `nameOf` turns a unionId into a name when it can. */
export function renderTodo(task: FakeTodoTask, nameOf: (unionId: string) => string): string {
	const field = (label: string, value: string) => `<span class="field">${label} ${value}</span>`;
	const people = (ids: string[]) => ids.map((id) => escapeHtml(nameOf(id))).join(', ');
	const url = task.detailUrl?.pcUrl || task.detailUrl?.appUrl;
	const details = [
		field('by', escapeHtml(nameOf(task.creatorId))),
		task.executorIds.length > 0 ? field('for', people(task.executorIds)) : '',
		task.dueTime !== undefined
			? field('due', escapeHtml(new Date(task.dueTime).toISOString()))
			: '',
		task.priority !== undefined
			? field('priority', escapeHtml(PRIORITY[task.priority] ?? String(task.priority)))
			: '',
		url ? field('link', detailLink(url)) : '',
	].join('');
	const description = task.description
		? `<p class="description">${escapeHtml(task.description)}</p>`
		: '';
	const state = task.done ? 'done' : 'open';
	return (
		`<li class="todo" data-id="${escapeHtml(task.id)}" data-done="${task.done}">` +
		`<span class="name">${escapeHtml(task.subject)}</span> <span class="field"><strong class="state">${state}</strong></span>` +
		`${details}${description}</li>`
	);
}

export function sandboxTodos(options: SandboxTodosOptions): FakeExtension {
	const nameOf = (unionId: string) =>
		[...options.contacts.users.values()].find((user) => user.unionid === unionId)?.name ?? unionId;
	return {
		routes: (): Route[] => [
			{
				path: '/sandbox/todos',
				methods: ['GET'],
				quiet: true,
				handle: guarded(() => {
					const todos = [...options.todo.tasks.values()].reverse();
					return json(200, {
						total: todos.length,
						html: todos.map((task) => renderTodo(task, nameOf)).join(''),
					});
				}),
			},
		],
	};
}
