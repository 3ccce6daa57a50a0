import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { readAnswerText } from '../../domain/sendAndWait/answers';
import { readFormAnswer } from '../../domain/sendAndWait/formFields';
import {
	confirmationPage,
	customFormPage,
	FREE_TEXT_FIELD,
	FREE_TEXT_LABEL,
	freeTextPage,
	recordedPage,
} from '../../domain/sendAndWait/pages';
import { cardWaitWebhook } from './cardWebhook';
import { readAnswerVia } from './readCardConfig';
import { readSendAndWaitConfig, webhookReader } from './readConfig';

/**
 * A person opened or submitted one of the card's links. A GET only shows a page (the approval's
 * confirmation, or the answer form); a POST records the answer and resumes the workflow with the
 * output n8n's own Send and Wait nodes give: data.approved, data.text or data.<field label>.
 */
export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const config = readSendAndWaitConfig(webhookReader(this));
	if (readAnswerVia(webhookReader(this)) === 'cardButtons') {
		return await cardWaitWebhook.call(this, config);
	}
	const request = this.getRequestObject();
	const page = (status: number, html: string): IWebhookResponseData => {
		const response = this.getResponseObject();
		response.status(status).setHeader('Content-Type', 'text/html; charset=utf-8');
		response.send(html);
		return { noWebhookResponse: true };
	};
	const resume = (data: Record<string, unknown>): IWebhookResponseData => ({
		webhookResponse: recordedPage(),
		workflowData: [[{ json: { data } }]],
	});

	if (config.responseType === 'approval') {
		const approved = request.query.approved === 'true';
		if (request.method !== 'POST') return page(200, confirmationPage(config, approved));
		return resume({ approved });
	}
	if (request.method !== 'POST') {
		return page(
			200,
			config.responseType === 'freeText'
				? freeTextPage(config)
				: customFormPage(config, config.fields),
		);
	}
	// n8n hands a multipart form over as { data: <fields>, files }, a urlencoded one as the fields.
	const posted = (this.getBodyData() ?? {}) as Record<string, unknown>;
	const body = (
		typeof posted.data === 'object' && posted.data !== null ? posted.data : posted
	) as Record<string, unknown>;
	if (config.responseType === 'freeText') {
		const answer = readAnswerText(body[FREE_TEXT_FIELD], FREE_TEXT_LABEL);
		if (!answer.ok) return page(answer.status, freeTextPage(config, answer.problem));
		if (!answer.text) {
			return page(400, freeTextPage(config, 'Write a response before you submit it.'));
		}
		return resume({ text: answer.text });
	}
	const answer = readFormAnswer(config.fields, body);
	if (!answer.ok) return page(answer.status, customFormPage(config, config.fields, answer.problem));
	return resume(answer.data);
}
