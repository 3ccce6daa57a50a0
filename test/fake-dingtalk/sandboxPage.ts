import { createHash } from 'node:crypto';

import { CARDS_SCRIPT, CARDS_STYLE, cardsSection } from './sandboxCardsPage';
import { escapeHtml } from './sandboxMarkdown';
import type { SandboxPeople } from './types';

/**
 * The sandbox web page: one self-contained HTML document (no external assets, no framework).
 * It polls GET /sandbox/messages for server-rendered message HTML and drives the fire forms.
 * The inline script is allowed by its hash in the Content-Security-Policy, so nothing else
 * can run even if a message managed to smuggle markup in.
 */

const STYLE = `
:root { --blue: #3296fa; --ink: #171a1d; --muted: #747677; --line: #e5e6e8; --bg: #f2f3f5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: var(--bg); }
.topbar { display: flex; justify-content: space-between; align-items: center; padding: 10px 20px; background: var(--blue); color: #fff; }
.brand { font-size: 16px; font-weight: 600; }
.brand .hint { font-weight: 400; font-size: 12px; opacity: .85; margin-left: 8px; }
.status { display: flex; gap: 12px; align-items: center; font-size: 12px; }
.status button { background: rgba(255,255,255,.18); color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 4px; padding: 3px 10px; cursor: pointer; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 16px; padding: 16px 20px; align-items: start; }
.chat-header h1 { font-size: 16px; margin: 0; }
.chat-header p { margin: 2px 0 12px; color: var(--muted); font-size: 12px; }
.messages { display: flex; flex-direction: column; gap: 14px; }
.empty { color: var(--muted); background: #fff; border-radius: 8px; padding: 16px; }
.message { display: flex; gap: 10px; align-items: flex-start; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 8px; background: var(--blue); color: #fff; font-size: 12px; font-weight: 600; display: flex; align-items: center; justify-content: center; }
.avatar.hidden { visibility: hidden; }
.content { min-width: 0; max-width: 560px; flex: 1; }
.meta { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; color: var(--muted); font-size: 12px; margin-bottom: 4px; }
.meta .msgtype { background: #e8f3ff; color: var(--blue); border-radius: 3px; padding: 0 5px; }
.meta .notification::before { content: "Notification: "; }
.bubble.recalled { color: #8f959e; font-style: italic; background: #f2f3f5; }
.bubble { display: block; background: #fff; border-radius: 0 8px 8px 8px; padding: 10px 12px; box-shadow: 0 1px 2px rgba(0,0,0,.06); overflow-wrap: anywhere; }
.bubble.markdown h1, .bubble.markdown h2, .bubble.markdown h3, .card-text h1, .card-text h2, .card-text h3 { margin: 4px 0 6px; line-height: 1.3; }
.bubble.markdown h1, .card-text h1 { font-size: 20px; } .bubble.markdown h2, .card-text h2 { font-size: 18px; }
.bubble.markdown h3, .card-text h3 { font-size: 16px; }
.bubble h4, .bubble h5, .bubble h6 { font-size: 14px; margin: 4px 0; }
.bubble p { margin: 0 0 6px; } .bubble p:last-child { margin-bottom: 0; }
.bubble blockquote { margin: 4px 0; padding: 2px 10px; border-left: 3px solid #d0d3d6; color: #5c5f61; }
.bubble ul, .bubble ol { margin: 4px 0; padding-left: 22px; }
.bubble img { max-width: 100%; max-height: 240px; border-radius: 4px; }
.bubble a { color: var(--blue); text-decoration: none; }
.mention.notified { color: var(--blue); font-weight: 600; }
.mention.silent { color: var(--muted); text-decoration: line-through dotted; }
.mention.typed { text-decoration: underline dotted #b35c00; cursor: help; }
.mentions { display: flex; flex-direction: column; gap: 2px; font-size: 12px; margin-top: 4px; }
.notified-list { color: var(--blue); } .silent-list { color: #b35c00; }
.card { padding: 0; overflow: hidden; }
a.bubble, .card a { color: inherit; text-decoration: none; }
.link-card { padding: 12px; }
.link-title { display: block; font-weight: 600; margin-bottom: 6px; }
.link-body { display: flex; gap: 10px; }
.link-text { flex: 1; color: #5c5f61; font-size: 13px; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.link-picture { width: 56px; height: 56px; object-fit: cover; border-radius: 4px; flex: none; }
.no-picture { display: flex; align-items: center; justify-content: center; background: var(--bg); color: var(--muted); font-size: 10px; text-align: center; }
.card-text { padding: 12px; }
.card-buttons { display: flex; border-top: 1px solid var(--line); }
.card-buttons.vertical { flex-direction: column; }
.card-button { flex: 1; text-align: center; padding: 9px 8px; color: var(--blue) !important; }
.card-buttons.vertical .card-button + .card-button { border-top: 1px solid var(--line); }
.card-buttons.horizontal .card-button + .card-button { border-left: 1px solid var(--line); }
.feed-entry { display: flex; align-items: center; gap: 10px; padding: 10px 12px; border-top: 1px solid var(--line); }
.feed-entry.first { position: relative; display: block; padding: 0; border-top: none; }
.feed-cover { display: block; width: 100%; height: 160px; object-fit: cover; border-radius: 0; }
.feed-entry.first .feed-title { position: absolute; left: 0; right: 0; bottom: 0; padding: 8px 12px; color: #fff; background: linear-gradient(transparent, rgba(0,0,0,.65)); }
.feed-entry .feed-title { flex: 1; }
.feed-thumb { width: 40px; height: 40px; object-fit: cover; border-radius: 4px; flex: none; }
.raw { font-size: 12px; white-space: pre-wrap; margin: 0; }
.json { margin-top: 4px; font-size: 12px; color: var(--muted); }
.json pre { background: #fff; padding: 8px; border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
.panel { display: flex; flex-direction: column; gap: 16px; position: sticky; top: 16px; }
.fire { background: #fff; border-radius: 8px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
.fire h2 { font-size: 15px; margin: 0 0 4px; }
.fire .help { color: var(--muted); font-size: 12px; margin: 0 0 10px; }
.fire label { display: block; font-size: 12px; color: #5c5f61; margin-bottom: 8px; }
.fire input, .fire select, .fire textarea { display: block; width: 100%; margin-top: 2px; padding: 6px 8px; border: 1px solid #d0d3d6; border-radius: 4px; font: inherit; color: var(--ink); }
.fire .row { display: flex; gap: 8px; } .fire .row label { flex: 1; }
.fire .check { display: flex; gap: 6px; align-items: center; } .fire .check input { width: auto; margin: 0; }
.fire button { background: var(--blue); color: #fff; border: none; border-radius: 4px; padding: 7px 16px; font: inherit; cursor: pointer; }
.fire button:disabled { background: #a8cdf7; cursor: not-allowed; }
.fire details { margin-bottom: 8px; font-size: 12px; }
.unavailable { color: #b35c00; font-size: 12px; }
.result { margin-top: 10px; border-radius: 6px; padding: 8px 10px; font-size: 12px; background: var(--bg); }
.result.ok { border-left: 3px solid #00b365; } .result.rejected { border-left: 3px solid #f54a45; }
.result .headline { font-weight: 600; margin-bottom: 4px; }
.result pre { margin: 4px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.stream-live { font-size: 12px; margin: 0 0 10px; color: #5c5f61; }
.stream-live.none { color: #b35c00; }
.fire .actions { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; }
.people ul { list-style: none; margin: 0; padding: 0; font-size: 12px; }
.people li { padding: 6px 0; border-top: 1px solid var(--line); }
.people .name { display: block; font-weight: 600; }
.people .field { display: inline-block; margin-right: 10px; }
.people .role { display: block; color: #5c5f61; }
.pushes { margin: 8px 0 0; padding-left: 18px; font-size: 12px; color: #5c5f61; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } .panel { position: static; } }
`;

const SCRIPT = `
'use strict';
const byId = (id) => document.getElementById(id);
let shown = '';

async function refresh() {
	try {
		const response = await fetch('/sandbox/messages', { cache: 'no-store' });
		const data = await response.json();
		const newest = data.messages[0];
		const recalled = data.messages.filter((message) => message.recalled).length;
		const signature =
			data.total + ':' + recalled + ':' + (newest ? newest.id + ':' + newest.receivedAt : '');
		if (signature !== shown) {
			shown = signature;
			byId('messages').innerHTML = data.messages.length
				? data.messages.map((message) => message.html).join('')
				: '<p class="empty">No messages yet. Run a workflow with the DingTalk Robot node, or fire a robot message on the right.</p>';
		}
		byId('count').textContent = data.total === 1 ? '1 message' : data.total + ' messages';
		byId('live').textContent = 'Live';
	} catch (error) {
		byId('live').textContent = 'Sandbox not reachable';
	}
	refreshStream();
}

function ackText(acks) {
	if (!acks || acks.length === 0) return 'no ACK yet';
	const ack = acks[acks.length - 1];
	const status = ack.data && ack.data.status ? ' ' + ack.data.status : '';
	return 'ACK ' + ack.code + status;
}

async function refreshStream() {
	try {
		const response = await fetch('/sandbox/stream', { cache: 'no-store' });
		const data = await response.json();
		if (!data.ready) return;
		const count = data.connections.length;
		const live = byId('stream-connections');
		live.dataset.count = String(count);
		live.className = 'stream-live' + (count === 0 ? ' none' : '');
		live.textContent = count === 0
			? 'No live Stream connection: publish a workflow with a DingTalk Stream Trigger.'
			: count === 1
				? '1 live Stream connection'
				: count + ' live Stream connections (DingTalk gives each push to one of them)';
		byId('stream-pushes').replaceChildren(
			...data.pushes.map((push) => {
				const item = document.createElement('li');
				item.textContent = (push.kind === 'event' ? 'Event ' : 'Message ') + push.summary + ': ' + ackText(push.acks);
				return item;
			}),
		);
	} catch (error) {
		// the topbar already says the sandbox is not reachable
	}
}

async function postJson(path, body) {
	const response = await fetch(path, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: response.status, data: await response.json() };
}

function addLine(parent, className, text, tag) {
	const element = document.createElement(tag || 'div');
	if (className) element.className = className;
	element.textContent = text;
	parent.appendChild(element);
	return element;
}

/** Empties a result box; says why when the sandbox refused to send, and then returns false. */
function openResult(box, outcome) {
	box.hidden = false;
	box.replaceChildren();
	if (outcome.status === 200) return true;
	box.className = 'result rejected';
	addLine(box, 'headline', 'Not sent: ' + (outcome.data.error || 'HTTP ' + outcome.status));
	return false;
}

function showResult(box, outcome, extra) {
	if (!openResult(box, outcome)) return;
	const result = outcome.data;
	const accepted = result.status >= 200 && result.status < 300;
	box.className = 'result ' + (accepted ? 'ok' : 'rejected');
	const headline = result.status === 0
		? 'The trigger did not answer (' + result.error + ')'
		: 'Trigger answered HTTP ' + result.status + (accepted ? ' (accepted)' : ' (rejected)');
	addLine(box, 'headline', headline);
	if (extra) extra(box, result);
	if (result.body) addLine(box, 'answer', result.body, 'pre');
	const details = document.createElement('details');
	addLine(details, '', 'What was sent', 'summary');
	addLine(details, '', JSON.stringify(result.sent, null, 2), 'pre');
	box.appendChild(details);
}

function formValues(form) {
	const values = {};
	for (const [name, value] of new FormData(form)) values[name] = value;
	return values;
}

function guard(form, ready, problem) {
	if (ready) return;
	for (const control of form.querySelectorAll('input, select, textarea, button')) control.disabled = true;
	addLine(form, 'unavailable', problem);
}

async function loadConfig() {
	const response = await fetch('/sandbox/config', { cache: 'no-store' });
	const config = await response.json();
	byId('robot-url').value = config.robot.triggerUrl || '';
	byId('event-url').value = config.event.triggerUrl || '';
	const select = byId('event-type');
	for (const type of config.event.eventTypes) addLine(select, '', type, 'option').value = type;
	guard(byId('robot-form'), config.robot.ready, config.robot.problem);
	guard(byId('event-form'), config.event.ready, config.event.problem);
	const streamType = byId('stream-event-type');
	for (const type of config.stream.eventTypes) addLine(streamType, '', type, 'option').value = type;
	guard(byId('stream-form'), config.stream.ready, config.stream.problem);
}

function showStreamResult(outcome) {
	const box = byId('stream-result');
	if (!openResult(box, outcome)) return;
	const result = outcome.data;
	const ack = result.ack;
	const success = ack && ack.code === 200 && (!ack.data || ack.data.status !== 'LATER');
	box.className = 'result ' + (success ? 'ok' : 'rejected');
	addLine(box, 'headline', ack
		? 'Trigger ACKed ' + ack.code + ' ' + (ack.data && ack.data.status ? ack.data.status : ack.message)
		: 'Pushed, but no ACK within 10 s');
	addLine(box, 'answer', 'messageId ' + result.messageId, 'pre');
	const details = document.createElement('details');
	addLine(details, '', 'What was pushed', 'summary');
	addLine(details, '', JSON.stringify(result.sent, null, 2), 'pre');
	box.appendChild(details);
}

async function pushStream(path, body) {
	const buttons = [byId('stream-robot-send'), byId('stream-event-send')];
	for (const button of buttons) button.disabled = true;
	try {
		showStreamResult(await postJson(path, body));
		refresh();
	} finally {
		for (const button of buttons) button.disabled = false;
	}
}

byId('robot-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const button = byId('robot-send');
	button.disabled = true;
	try {
		const outcome = await postJson('/sandbox/fire/robot', formValues(event.target));
		showResult(byId('robot-result'), outcome);
		refresh();
	} finally {
		button.disabled = false;
	}
});

async function fireEvent(retry) {
	const values = formValues(byId('event-form'));
	values.retry = retry;
	const outcome = await postJson('/sandbox/fire/event', values);
	showResult(byId('event-result'), outcome, (box, result) => {
		if (result.reply) {
			addLine(box, result.reply.success ? 'reply ok' : 'reply', 'Reply: ' + result.reply.detail);
		}
	});
}

byId('event-form').addEventListener('submit', (event) => {
	event.preventDefault();
	fireEvent(false);
});
byId('event-retry').addEventListener('click', () => fireEvent(true));
byId('stream-form').addEventListener('submit', (event) => {
	event.preventDefault();
	const values = formValues(event.target);
	pushStream('/sandbox/stream/robot', { text: values.text, senderNick: values.senderNick, chatType: values.chatType });
});
byId('stream-event-send').addEventListener('click', () =>
	pushStream('/sandbox/stream/event', { eventType: byId('stream-event-type').value }),
);
byId('clear').addEventListener('click', async () => {
	await postJson('/sandbox/clear', {});
	refresh();
});

loadConfig();
// A section listing what the app created (approvals, to-dos): present only when plugged in,
// hidden while empty, redrawn when the list changes.
function pollSection(path, sectionId, listId) {
	const section = byId(sectionId);
	if (!section) return undefined;
	let shown = '';
	const poll = async () => {
		try {
			const response = await fetch(path, { cache: 'no-store' });
			if (!response.ok) return;
			const data = await response.json();
			section.hidden = data.total === 0;
			if (data.html !== shown) {
				shown = data.html;
				byId(listId).innerHTML = data.html;
			}
		} catch (error) {
			// The sandbox stopped; the next poll tries again.
		}
	};
	poll();
	setInterval(poll, 2000);
	return poll;
}
const approvalsSection = byId('approvals');
const refreshApprovals = pollSection('/sandbox/approvals', 'approvals', 'approval-list');
pollSection('/sandbox/todos', 'todos', 'todo-list');
if (approvalsSection) byId('approval-list').addEventListener('click', async (event) => {
	const button = event.target.closest('button[data-approval]');
	if (!button) return;
	button.disabled = true;
	const outcome = await postJson('/sandbox/approvals/act', {
		processInstanceId: button.dataset.approval,
		decision: button.dataset.decision,
	});
	const result = byId('approval-result');
	result.hidden = false;
	result.textContent = JSON.stringify(outcome.data.deliveries || outcome.data, null, 2);
	refreshApprovals();
});

refresh();
setInterval(refresh, 1000);
`;

const BODY = `
<header class="topbar">
	<div class="brand">DingTalk sandbox<span class="hint">a local stand-in for oapi.dingtalk.com</span></div>
	<div class="status"><span id="live">Connecting…</span><span id="count"></span><button id="clear" type="button">Clear messages</button></div>
</header>
<main>
	<section class="chat" aria-label="Received messages">
		<div class="chat-header">
			<h1>Sandbox group</h1>
			<p>Messages the robot webhook and the session webhooks accepted, newest first.</p>
		</div>
		<div id="messages" class="messages" aria-live="polite"></div>
	</section>
	<aside class="panel">
		<form id="robot-form" class="fire" autocomplete="off">
			<h2>Fire a robot @-message</h2>
			<p class="help">Signed with the app's Client Secret like DingTalk does, and sent to a DingTalk Trigger in Robot Messages mode. Replies through the message's session webhook appear on the left.</p>
			<label>Trigger URL<input id="robot-url" name="triggerUrl" type="url" required placeholder="http://127.0.0.1:5678/webhook/…/webhook"></label>
			<label>Message<textarea id="robot-text" name="text" rows="2" required>/help</textarea></label>
			<div class="row">
				<label>Sender<input id="robot-sender" name="senderNick" value="Sandbox User"></label>
				<label>Chat<select id="robot-chat" name="chatType"><option value="group">Group (@robot)</option><option value="single">Single chat</option></select></label>
			</div>
			<label>Signature<select id="robot-signature" name="signature">
				<option value="valid">Valid</option>
				<option value="wrong">Wrong signature (rejected)</option>
				<option value="stale">Timestamp two hours old (rejected)</option>
			</select></label>
			<button id="robot-send" type="submit">Send</button>
			<div id="robot-result" class="result" hidden></div>
		</form>
		<form id="event-form" class="fire" autocomplete="off">
			<h2>Fire an encrypted event</h2>
			<p class="help">Encrypted with the event aes_key and signed with the event token like DingTalk's HTTP push, and sent to a DingTalk Trigger in Event Subscription mode. check_url is what the console sends when you save the URL.</p>
			<label>Trigger URL<input id="event-url" name="triggerUrl" type="url" required placeholder="http://127.0.0.1:5678/webhook/…/webhook"></label>
			<div class="row">
				<label>Event type<select id="event-type" name="eventType"></select></label>
				<label>Signature<select id="event-signature" name="signature">
					<option value="valid">Valid</option>
					<option value="wrong">Wrong signature</option>
					<option value="stale">Two hours old</option>
				</select></label>
			</div>
			<details><summary>Send your own event JSON instead</summary>
				<label>Event JSON<textarea id="event-json" name="event" rows="4" placeholder='{"EventType":"user_add_org","eventId":"…","userId":["…"]}'></textarea></label>
			</details>
			<button id="event-send" type="submit">Send</button>
			<button id="event-retry" type="button" title="Send the previous event again with the same eventId, as DingTalk does when it retries">Retry previous event</button>
			<div id="event-result" class="result" hidden></div>
		</form>
		<form id="stream-form" class="fire" autocomplete="off">
			<h2>Send over Stream</h2>
			<p class="help">Pushed through the sandbox's Stream gateway to a DingTalk Stream Trigger connected with the app's Client ID, as DingTalk does in Stream mode: no URL needed. Replies through the message's session webhook appear on the left.</p>
			<p id="stream-connections" class="stream-live none" data-count="0">No live Stream connection yet.</p>
			<label>Message<textarea id="stream-text" name="text" rows="2" required>/help</textarea></label>
			<div class="row">
				<label>Sender<input id="stream-sender" name="senderNick" value="Sandbox User"></label>
				<label>Chat<select id="stream-chat" name="chatType"><option value="group">Group (@robot)</option><option value="single">Single chat</option></select></label>
			</div>
			<div class="actions"><button id="stream-robot-send" type="submit">Send robot @-message</button></div>
			<div class="row">
				<label>Event type<select id="stream-event-type" name="eventType"></select></label>
			</div>
			<div class="actions"><button id="stream-event-send" type="button">Send event</button></div>
			<div id="stream-result" class="result" hidden></div>
			<ol id="stream-pushes" class="pushes" reversed></ol>
		</form>
		<!--approvals-->
		<!--todos-->
		<!--people-->
	</aside>
</main>
`;

/** Started approvals and their Approve / Reject buttons, filled in by the page's script. */
const APPROVALS_SECTION = `<section id="approvals" class="fire people" hidden>
			<h2>Approvals (审批)</h2>
			<p class="help">Approvals started with the DingTalk Robot node's Approval actions. Approve or Reject as the person whose turn it is: the sandbox pushes bpms_task_change and, when the approval is finished, bpms_instance_change to the DingTalk Trigger and to a connected Stream Trigger.</p>
			<ul id="approval-list"></ul>
			<pre id="approval-result" class="result" hidden></pre>
		</section>`;

/** The to-dos the app created, filled in by the page's script. */
const TODOS_SECTION = `<section id="todos" class="fire people" hidden>
			<h2>To-dos (待办)</h2>
			<p class="help">To-dos created with the DingTalk Robot node's To-Do actions, newest first, with their assignees and whether they are done.</p>
			<ul id="todo-list"></ul>
		</section>`;

/** Who the sandbox's contacts hold: names, user IDs, mobiles, for trying the Contact actions. */
function peopleSection(people: SandboxPeople): string {
	const field = (label: string, value: string | undefined) =>
		value ? `<span class="field">${label} <code>${escapeHtml(value)}</code></span>` : '';
	const entries = people.list.map(
		(person) =>
			`<li><span class="name">${escapeHtml(person.name)}</span>` +
			field('user ID', person.userId) +
			field('mobile', person.mobile) +
			field('unionId', person.unionId) +
			`<span class="field">${escapeHtml(person.departments)}</span>` +
			`<span class="role">${escapeHtml(person.role)}</span></li>`,
	);
	return `<section id="people" class="fire people">
			<h2>People in the sandbox</h2>
			<p class="help">The sandbox's contacts (通讯录): try the DingTalk Robot node's Contact actions with these user IDs, mobiles and unionIds. Departments: ${escapeHtml(people.departments)}.</p>
			<ul>${entries.join('')}</ul>
		</section>`;
}

function sha256Base64(text: string): string {
	return createHash('sha256').update(text, 'utf8').digest('base64');
}

export interface SandboxPage {
	html: string;
	headers: Record<string, string>;
}

export function sandboxPage(
	people?: SandboxPeople,
	cards = false,
	approvals = false,
	todos = false,
): SandboxPage {
	const body = BODY.replace(
		'<!--people-->',
		(cards ? cardsSection(people) : '') + (people ? peopleSection(people) : ''),
	)
		.replace('<!--approvals-->', approvals ? APPROVALS_SECTION : '')
		.replace('<!--todos-->', todos ? TODOS_SECTION : '');
	const script = cards ? SCRIPT + CARDS_SCRIPT : SCRIPT;
	const style = cards ? STYLE + CARDS_STYLE : STYLE;
	const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DingTalk sandbox</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body>${body}<script>${script}</script>
</body>
</html>
`;
	return {
		html,
		headers: {
			'Content-Security-Policy': [
				"default-src 'none'",
				`script-src 'sha256-${sha256Base64(script)}'`,
				"style-src 'unsafe-inline'",
				'img-src http: https: data:',
				"connect-src 'self'",
				"base-uri 'none'",
				"form-action 'none'",
				"frame-ancestors 'none'",
			].join('; '),
			'Cache-Control': 'no-store',
			'Referrer-Policy': 'no-referrer',
			'X-Content-Type-Options': 'nosniff',
		},
	};
}
