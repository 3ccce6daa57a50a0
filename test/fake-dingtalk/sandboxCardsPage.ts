import { escapeHtml } from './sandboxMarkdown';
import type { SandboxPeople } from './types';

/**
 * The interactive cards part of the sandbox page: each card the app sent with what it shows
 * (public variables, and each person's private ones), and a button that clicks it as a stand-in
 * person: POST /sandbox/cards/click, a real card callback over the sandbox's Stream gateway.
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
`;

export const CARDS_SCRIPT = `
let shownCards = '';
function variableList(variables) {
	const list = document.createElement('dl');
	for (const [name, value] of Object.entries(variables)) {
		addLine(list, '', name, 'dt');
		addLine(list, '', value, 'dd');
	}
	return list;
}
function renderCard(card) {
	const box = document.createElement('div');
	box.className = 'icard';
	box.dataset.outTrackId = card.outTrackId;
	addLine(box, 'icard-head', card.outTrackId);
	addLine(box, 'icard-meta', card.spaceType + ' ' + card.spaceId + ' · callbacks: ' + (card.callbackType || 'none'));
	box.appendChild(variableList(card.publicData));
	for (const [userId, variables] of Object.entries(card.privateData)) {
		addLine(box, 'icard-private', 'Only ' + userId + ' sees: ' + JSON.stringify(variables));
	}
	const button = addLine(box, 'icard-click', 'Click as the chosen person', 'button');
	button.type = 'button';
	button.dataset.outTrackId = card.outTrackId;
	return box;
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
		const outTrackId = event.target.dataset && event.target.dataset.outTrackId;
		if (!outTrackId || event.target.tagName !== 'BUTTON') return;
		const box = byId('cards-result');
		let params = {};
		try {
			params = JSON.parse(byId('cards-params').value || '{}');
		} catch (error) {
			openResult(box, { status: 400, data: { error: 'Button parameters are not JSON' } });
			return;
		}
		const outcome = await postJson('/sandbox/cards/click', {
			outTrackId,
			userId: byId('cards-user').value,
			actionId: byId('cards-action').value,
			params,
		});
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
			<p class="help">Cards the app sent with Send Interactive Card, and what they show. A click is a card callback over Stream to a DingTalk Stream Trigger receiving Card Callbacks; the card update of its answer shows here at once. Only cards sent with Callback Type Stream call back.</p>
			<div class="row">
				<label>Click as${who}</label>
				<label>Action ID<input id="cards-action" name="actionId" value="action"></label>
			</div>
			<label>Button parameters (JSON)<input id="cards-params" name="params" value='{"action": "ok"}'></label>
			<div id="cards-list" class="cards-list"></div>
			<div id="cards-result" class="result" hidden></div>
		</section>`;
}
