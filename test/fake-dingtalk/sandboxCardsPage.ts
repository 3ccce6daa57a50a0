import { escapeHtml } from './sandboxMarkdown';
import type { SandboxPeople } from './types';

/**
 * The interactive cards part of the sandbox page: each card the app sent with what it shows
 * (public variables, and each person's private ones), and a button that clicks it as a stand-in
 * person: POST /sandbox/cards/click, a real card callback over the sandbox's Stream gateway. A
 * Send and Wait card is shown as its template shows it (sandboxCardView.ts), with its own buttons.
 * Card data reaches the page through textContent only.
 */

export const CARDS_STYLE = `
.cards-list { display: flex; flex-direction: column; gap: 10px; margin-top: 8px; }
.icard { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; font-size: 12px; }
.icard .icard-head { font-weight: 600; overflow-wrap: anywhere; }
.icard .icard-meta { color: var(--muted); overflow-wrap: anywhere; }
.icard dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 8px; margin: 6px 0; }
.icard dt { color: #5c5f61; } .icard dd { margin: 0; overflow-wrap: anywhere; }
.icard .icard-private { color: #5c5f61; }
.swcard { border: 1px solid var(--line); border-radius: 6px; background: #fff; margin: 6px 0; }
.swcard .swcard-title { font-weight: 600; font-size: 14px; padding: 8px 10px 0; }
.swcard .swcard-content { padding: 4px 10px 8px; }
.swcard .swcard-inputs { display: flex; flex-direction: column; gap: 6px; padding: 0 10px 8px; }
.swcard .swcard-inputs label { display: flex; flex-direction: column; gap: 2px; }
.swcard .swcard-buttons { display: flex; border-top: 1px solid var(--line); }
.swcard .swcard-button { flex: 1; padding: 9px 8px; border: 0; background: none; color: var(--blue); cursor: pointer; }
.swcard .swcard-button + .swcard-button { border-left: 1px solid var(--line); }
.swcard .swcard-result { font-weight: 600; padding: 8px 10px; border-top: 1px solid var(--line); }
.swcard .swcard-problem { color: #d54941; padding: 0 10px 8px; }
.swcard .swcard-notice { color: #5c5f61; padding: 0 10px 8px; }
`;

export const CARDS_SCRIPT = `
let shownCards = '';
let shownViews = {};
function variableList(variables) {
	const list = document.createElement('dl');
	for (const [name, value] of Object.entries(variables)) {
		addLine(list, '', name, 'dt');
		addLine(list, '', value, 'dd');
	}
	return list;
}
// A Send and Wait card as its template shows it (view from GET /sandbox/cards): its inputs and
// buttons only while it waits, then the result; each person's private notice.
function renderSendAndWaitCard(card) {
	const view = card.view;
	const box = document.createElement('div');
	box.className = 'swcard';
	box.dataset.status = view.status;
	addLine(box, 'swcard-title', view.title);
	// Rendered and escaped by the sandbox, as the messages' markdown is.
	addLine(box, 'swcard-content', '').innerHTML = view.contentHtml;
	if (view.problem) addLine(box, 'swcard-problem', view.problem);
	if (view.waiting && view.inputs.length) {
		const inputs = addLine(box, 'swcard-inputs', '');
		for (const input of view.inputs) {
			const label = addLine(inputs, '', input.label + (input.required ? ' *' : ''), 'label');
			let field;
			if (input.type === 'textarea') {
				field = document.createElement('textarea');
			} else if (input.type === 'dropdown') {
				field = document.createElement('select');
				for (const option of input.options) addLine(field, '', option, 'option').value = option;
			} else {
				field = document.createElement('input');
				field.type = input.type;
			}
			field.dataset.field = input.name;
			field.dataset.label = input.label;
			if (input.required) field.dataset.required = 'true';
			label.appendChild(field);
		}
	}
	if (view.waiting && view.buttons.length) {
		const buttons = addLine(box, 'swcard-buttons', '');
		view.buttons.forEach((button, index) => {
			const element = addLine(buttons, 'swcard-button', button.text, 'button');
			element.type = 'button';
			element.dataset.swOutTrackId = card.outTrackId;
			element.dataset.swButton = String(index);
		});
	}
	if (view.resultText) addLine(box, 'swcard-result', view.resultText);
	for (const [userId, notice] of Object.entries(view.notices)) {
		addLine(box, 'swcard-notice', 'Only ' + userId + ' sees: ' + notice).dataset.userId = userId;
	}
	return box;
}
function renderCard(card) {
	const box = document.createElement('div');
	box.className = 'icard';
	box.dataset.outTrackId = card.outTrackId;
	addLine(box, 'icard-head', card.outTrackId);
	addLine(box, 'icard-meta', card.spaceType + ' ' + card.spaceId + ' · callbacks: ' + (card.callbackType || 'none'));
	if (card.view) {
		box.appendChild(renderSendAndWaitCard(card));
		return box;
	}
	box.appendChild(variableList(card.publicData));
	for (const [userId, variables] of Object.entries(card.privateData)) {
		addLine(box, 'icard-private', 'Only ' + userId + ' sees: ' + JSON.stringify(variables));
	}
	const button = addLine(box, 'icard-click', 'Click as the chosen person', 'button');
	button.type = 'button';
	button.dataset.outTrackId = card.outTrackId;
	return box;
}
// The params of a Send and Wait card's button: its own, with the card's inputs when it sends them.
// Null (and the result box says which) when a required input is empty.
function sendAndWaitParams(cardBox, button) {
	const params = Object.assign({}, button.params);
	if (!button.sendsInputs) return params;
	for (const field of cardBox.querySelectorAll('[data-field]')) {
		const value = field.value.trim();
		if (!value && field.dataset.required === 'true') {
			const box = byId('cards-result');
			box.hidden = false;
			box.className = 'result rejected';
			box.replaceChildren();
			addLine(box, 'headline', 'Fill in ' + field.dataset.label + ': it is required.');
			return null;
		}
		params[field.dataset.field] = value;
	}
	return params;
}
async function refreshCards() {
	const section = byId('cards');
	if (!section) return;
	try {
		const response = await fetch('/sandbox/cards', { cache: 'no-store' });
		if (response.status === 404) {
			byId('cards-list').textContent = 'Interactive cards are not plugged into this sandbox.';
			return;
		}
		const data = await response.json();
		shownViews = Object.fromEntries(data.cards.map((card) => [card.outTrackId, card.view]));
		const signature = JSON.stringify(data.cards);
		if (signature === shownCards) return;
		shownCards = signature;
		byId('cards-list').replaceChildren(...data.cards.map(renderCard));
		if (data.cards.length === 0) byId('cards-list').textContent = 'No cards yet: send one with Send Interactive Card.';
	} catch (error) {
		// the topbar already says the sandbox is not reachable
	}
}
if (byId('cards')) {
	byId('cards-list').addEventListener('click', async (event) => {
		if (event.target.tagName !== 'BUTTON') return;
		const box = byId('cards-result');
		let click;
		const swOutTrackId = event.target.dataset.swOutTrackId;
		if (swOutTrackId) {
			const view = shownViews[swOutTrackId];
			const button = view && view.buttons[Number(event.target.dataset.swButton)];
			if (!button) return;
			const params = sendAndWaitParams(event.target.closest('.swcard'), button);
			if (!params) return;
			click = { outTrackId: swOutTrackId, actionId: button.params.action, params };
		} else {
			const outTrackId = event.target.dataset.outTrackId;
			if (!outTrackId) return;
			let params = {};
			try {
				params = JSON.parse(byId('cards-params').value || '{}');
			} catch (error) {
				openResult(box, { status: 400, data: { error: 'Button parameters are not JSON' } });
				return;
			}
			click = { outTrackId, actionId: byId('cards-action').value, params };
		}
		const outcome = await postJson(
			'/sandbox/cards/click',
			Object.assign({ userId: byId('cards-user').value }, click),
		);
		if (!openResult(box, outcome)) return;
		box.className = 'result ' + (outcome.data.ackCode === 200 ? 'ok' : 'rejected');
		addLine(box, 'headline', 'Trigger ACKed ' + outcome.data.ackCode);
		addLine(box, '', 'The clicker now sees: ' + JSON.stringify(outcome.data.seen), 'pre');
		shownCards = '';
		refreshCards();
	});
	refreshCards();
	setInterval(refreshCards, 1000);
}
`;

/** The section of the page's panel; `people` fills the "Click as" choice. */
export function cardsSection(people?: SandboxPeople): string {
	const choices = (people?.list ?? [])
		.filter((person) => person.userId)
		.map(
			(person) =>
				`<option value="${escapeHtml(person.userId)}">${escapeHtml(person.name)} (${escapeHtml(person.userId)})</option>`,
		);
	const who = choices.length
		? `<select id="cards-user" name="userId">${choices.join('')}</select>`
		: '<input id="cards-user" name="userId" value="sandbox-user-01">';
	return `<section id="cards" class="fire">
			<h2>Interactive cards</h2>
			<p class="help">Cards the app sent with Send Interactive Card, and what they show. A click is a card callback over Stream to a DingTalk Stream Trigger receiving Card Callbacks; the card update of its answer shows here at once. Only cards sent with Callback Type Stream call back. A Send and Wait card shows its own buttons (and inputs) while it waits; they click as the chosen person.</p>
			<div class="row">
				<label>Click as${who}</label>
				<label>Action ID<input id="cards-action" name="actionId" value="action"></label>
			</div>
			<label>Button parameters (JSON)<input id="cards-params" name="params" value='{"action": "ok"}'></label>
			<div id="cards-list" class="cards-list"></div>
			<div id="cards-result" class="result" hidden></div>
		</section>`;
}
