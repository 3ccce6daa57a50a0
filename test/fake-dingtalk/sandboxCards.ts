import type { FakeCards } from './cards';
import { sendAndWaitCardView } from './sandboxCardView';
import type { FakeExtension, Route } from './routing';
import { guarded, json, readJsonObject, type Handler } from './sandbox';

/**
 * The sandbox's interactive cards: `GET /sandbox/cards` lists the cards the app sent (what
 * everyone sees and what each person sees, and for a Send and Wait card its `view`), `POST /sandbox/cards/click` makes a stand-in person
 * click a callback button, `{outTrackId, userId, actionId?, params?}`: a real card callback over
 * the fake Stream gateway, and the card update of the ACK applied. Plug it in with
 * `fake.use(sandboxCards(cards, appKey))` beside the FakeCards; several app keys show the cards
 * of each app, and a click goes over the Stream connection of the card's app.
 */
export function sandboxCards(cards: FakeCards, appKeys: string | string[]): FakeExtension {
	const apps = typeof appKeys === 'string' ? [appKeys] : appKeys;
	const list: Handler = () =>
		json(200, {
			cards: [...cards.cards.values()]
				.filter((card) => apps.includes(card.appKey))
				.sort((a, b) => b.createdAt - a.createdAt)
				.map((card) => ({
					outTrackId: card.outTrackId,
					cardTemplateId: card.cardTemplateId,
					callbackType: card.callbackType ?? null,
					spaceType: card.spaceType,
					spaceId: card.spaceId,
					publicData: card.publicData,
					privateData: card.privateData,
					createdAt: card.createdAt,
					updates: card.updates.length,
					// A Send and Wait card as its template shows it; null for other cards.
					view: sendAndWaitCardView(card),
				})),
		});

	const click: Handler = async (context) => {
		const body = readJsonObject(context);
		const outTrackId = typeof body?.outTrackId === 'string' ? body.outTrackId : '';
		const userId = typeof body?.userId === 'string' ? body.userId.trim() : '';
		if (!body || !outTrackId || !userId) {
			return json(400, {
				error: 'Give outTrackId and userId (strings), and optionally actionId and params.',
			});
		}
		const params =
			body.params && typeof body.params === 'object' && !Array.isArray(body.params)
				? (body.params as Record<string, unknown>)
				: {};
		const appKey =
			apps.find((candidate) => cards.card(candidate, outTrackId) !== undefined) ?? apps[0];
		try {
			const result = await cards.click(appKey, {
				outTrackId,
				userId,
				params,
				actionId: typeof body.actionId === 'string' && body.actionId ? body.actionId : undefined,
			});
			return json(200, {
				messageId: result.messageId,
				ackCode: result.ack.code,
				seen: cards.seenBy(result.card, userId),
			});
		} catch (error) {
			return json(409, { error: (error as Error).message });
		}
	};

	const route = (path: string, methods: string[], handle: Handler): Route => ({
		path,
		methods,
		quiet: true,
		handle: guarded(handle),
	});
	const routes = [
		route('/sandbox/cards', ['GET'], list),
		route('/sandbox/cards/click', ['POST'], click),
	];
	return { routes: () => routes };
}
