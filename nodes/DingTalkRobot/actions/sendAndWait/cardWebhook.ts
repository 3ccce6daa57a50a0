import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import {
	cardAckUpdate,
	type CardWaitAnswer,
	type ForwardedCardClick,
} from '../../../shared/cardWait/contract';
import { CARD_PROOF_HEADER, checkCardProof } from '../../../shared/cardWait/proof';
import { isCardOfNode, readSendAndWaitTrackId } from '../../../shared/cardWait/trackId';
import { sleepUnlessAborted } from '../../../shared/sleep';
import { asString, parseJsonObject } from '../../../shared/values';
import {
	decidedCardVariables,
	judgeCardClick,
	noticeVariables,
} from '../../domain/sendAndWait/cardWait';
import type { SendAndWaitConfig } from '../../domain/sendAndWait/config';
import { getUser } from '../../transport/contacts';
import { APP_CREDENTIAL, OpenApiClient, readAppContext } from '../../transport/openApi';
import { readCardWaitConfig } from './readCardConfig';
import { webhookReader } from './readConfig';

/** The longest the answer to a click waits for the clicker's name (DingTalk waits for the ACK). */
const NAME_LOOKUP_MS = 1500;

/** The clicker's name from the contacts, when the app may read them; undefined otherwise. */
async function nameOf(
	context: IWebhookFunctions,
	credentials: ICredentialDataDecryptedObject,
	userId: string,
): Promise<string | undefined> {
	const lookup = (async () => {
		const client = new OpenApiClient(context, 0, readAppContext(credentials));
		const user = await getUser(client, userId, {
			language: 'zh_CN',
			maxRetries: 0,
			retryDelayMs: 0,
		});
		const name = asString(user.name);
		return name || undefined;
	})().catch(() => undefined);
	const timer = new AbortController();
	const timeout = sleepUnlessAborted(NAME_LOOKUP_MS, timer.signal).then(() => undefined);
	try {
		return await Promise.race([lookup, timeout]);
	} finally {
		timer.abort();
	}
}

function readClick(payload: string): ForwardedCardClick | undefined {
	const click = parseJsonObject(payload);
	if (!click || typeof click.userId !== 'string' || click.userId === '') return undefined;
	if (typeof click.outTrackId !== 'string') return undefined;
	return {
		...click,
		params: (parseJsonObject(JSON.stringify(click.params ?? {})) ?? {}) as IDataObject,
	} as ForwardedCardClick;
}

/**
 * A click on the Send and Wait card, handed over by the app's DingTalk Stream Trigger. Only a
 * request with the app's proof counts (links and anything else are refused, so the signed
 * resume path in the card's outTrackId alone resumes nothing); then the approvers and the answer
 * are checked. The answer is the card update the trigger puts into its ACK: the decision for
 * everyone, or a notice for the clicker while the execution keeps waiting.
 */
export async function cardWaitWebhook(
	this: IWebhookFunctions,
	config: SendAndWaitConfig,
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const answer = (status: number, body: IDataObject): IWebhookResponseData => {
		this.getResponseObject().status(status).json(body);
		return { noWebhookResponse: true };
	};
	const refuse = (reason: string) => {
		this.logger.warn(`DingTalk Robot: a Send and Wait card answer was refused: ${reason}`);
		return answer(403, { outcome: 'refused', reason });
	};
	if (request.method !== 'POST') return refuse('card buttons answer this request, not links');
	// The trigger posts a multipart form, which n8n hands over as { data: <fields>, files }.
	const posted = (this.getBodyData() ?? {}) as IDataObject;
	const fields = (
		typeof posted.data === 'object' && posted.data !== null ? posted.data : posted
	) as IDataObject;
	const payload = typeof fields.payload === 'string' ? fields.payload : '';
	const credentials = await this.getCredentials(APP_CREDENTIAL);
	const proof = checkCardProof(
		String(credentials.appSecret ?? ''),
		request.headers[CARD_PROOF_HEADER],
		payload,
		Date.now(),
	);
	if (!proof.ok) return refuse(proof.problem);
	const click = readClick(payload);
	const target = readSendAndWaitTrackId(click?.outTrackId);
	if (
		!click ||
		!target ||
		click.appKey !== String(credentials.appKey ?? '').trim() ||
		!isCardOfNode(target, this.getNode().id)
	) {
		return refuse('the click is not on a card of this node and app');
	}

	const card = readCardWaitConfig(webhookReader(this));
	const verdict = judgeCardClick(config, card, click);
	if (verdict.kind === 'notAuthorized') {
		const response: CardWaitAnswer = {
			outcome: 'notAuthorized',
			cardUpdate: cardAckUpdate(undefined, noticeVariables(card.notAuthorizedText)),
		};
		return answer(200, response);
	}
	if (verdict.kind === 'invalid') {
		const response: CardWaitAnswer = {
			outcome: 'invalidAnswer',
			cardUpdate: cardAckUpdate(undefined, noticeVariables(verdict.problem)),
		};
		return answer(200, response);
	}
	const name = await nameOf(this, credentials, click.userId);
	const respondedAt = new Date().toISOString();
	const response: CardWaitAnswer = {
		outcome: 'resumed',
		cardUpdate: cardAckUpdate(
			decidedCardVariables(verdict.status, name ?? click.userId),
			noticeVariables(''),
		),
	};
	return {
		webhookResponse: response,
		workflowData: [
			[
				{
					json: {
						data: {
							...verdict.data,
							responder: { userId: click.userId, ...(name ? { name } : {}) },
							respondedAt,
						},
					},
				},
			],
		],
	};
}
