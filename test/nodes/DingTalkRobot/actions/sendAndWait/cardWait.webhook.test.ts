/**
 * The waiting node's webhook when the question went out as an interactive card: only a click
 * handed over by the app's Stream trigger (with the app-secret proof) counts; approvers and the
 * answer are checked; the answer is the card update for the ACK.
 */
import { createHmac } from 'node:crypto';
import type { IWebhookFunctions } from 'n8n-workflow';

import { cardProof, CARD_PROOF_HEADER } from '../../../../../nodes/shared/cardWait/proof';
import { sendAndWaitTrackId } from '../../../../../nodes/shared/cardWait/trackId';
import { sendAndWaitWebhook } from '../../../../../nodes/DingTalkRobot/actions/sendAndWait/webhook';

// As in n8n 2.41, whose n8n-workflow (the one the package runs with) has no sleepWithAbort: the
// name lookup's time limit threw there, and every approver's click failed (found in real n8n).
jest.mock('n8n-workflow', () => {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { sleepWithAbort, ...asInN8n241 } = jest.requireActual('n8n-workflow');
	return asInN8n241;
});

const get =
	jest.requireActual<(object: unknown, path: string, fallback?: unknown) => unknown>('lodash/get');

const NODE_ID = '3f1c2b6a-9d4e-4c1b-8a7f-0e5d6c7b8a91';
const APP = { appKey: 'dingapp', appSecret: 'app-secret', apiBaseUrl: 'http://127.0.0.1:9' };
const resumePath = `/webhook-waiting/42/${NODE_ID}`;
const signature = createHmac('sha256', 'n8n').update(resumePath).digest('hex');
const OUT_TRACK_ID = sendAndWaitTrackId(
	`http://localhost:5678${resumePath}?signature=${signature}`,
);

interface Sent {
	status?: number;
	json?: Record<string, unknown>;
}

function call(
	parameters: Record<string, unknown>,
	request: {
		method?: 'GET' | 'POST';
		query?: Record<string, string>;
		body?: Record<string, unknown>;
		headers?: Record<string, string>;
	},
	nodeId = NODE_ID,
) {
	const sent: Sent = {};
	const response = {
		status(code: number) {
			sent.status = code;
			return response;
		},
		json(body: Record<string, unknown>) {
			sent.json = body;
			return response;
		},
		setHeader: () => response,
		send: () => response,
	};
	const httpRequest = jest.fn(async () => {
		throw new Error('contacts unreachable');
	});
	const context = {
		getNodeParameter: (name: string, fallback?: unknown) =>
			get(
				{
					cardTitle: 'Deploy v2.3?',
					message: 'Checks passed',
					answerVia: 'cardButtons',
					cardTemplateId: 'tpl.schema',
					...parameters,
				},
				name,
				fallback,
			),
		getNode: () => ({
			id: nodeId,
			name: 'Ask',
			type: 'dingTalkRobot',
			typeVersion: 1,
			parameters: {},
		}),
		getCredentials: async () => APP,
		getRequestObject: () => ({
			method: request.method ?? 'POST',
			query: request.query ?? {},
			headers: request.headers ?? {},
		}),
		getResponseObject: () => response,
		getBodyData: () => request.body ?? {},
		logger: { warn: jest.fn(), debug: jest.fn() },
		helpers: { httpRequest },
	} as unknown as IWebhookFunctions;
	return { result: sendAndWaitWebhook.call(context), sent, context };
}

function click(
	overrides: Record<string, unknown> = {},
	secret = APP.appSecret,
	now = Date.now(),
): { body: Record<string, unknown>; headers: Record<string, string> } {
	const payload = JSON.stringify({
		appKey: APP.appKey,
		userId: 'manager1',
		outTrackId: OUT_TRACK_ID,
		actionId: 'approve',
		params: { action: 'approve' },
		corpId: 'ding1',
		spaceType: 'IM_GROUP',
		spaceId: 'cid1',
		...overrides,
	});
	return { body: { payload }, headers: { [CARD_PROOF_HEADER]: cardProof(secret, payload, now) } };
}

const double = {
	approvalOptions: {
		values: { approvalType: 'double', approveLabel: 'Go', disapproveLabel: 'Stop' },
	},
};

describe('Send and Wait by card buttons: webhook', () => {
	it('resumes an approver’s approve click with who answered, and locks the card for everyone', async () => {
		const { result } = call({ ...double, approvers: 'manager1, lead2' }, click());
		const answer = await result;
		expect(answer.workflowData).toEqual([
			[
				{
					json: {
						data: {
							approved: true,
							responder: { userId: 'manager1' },
							respondedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
						},
					},
				},
			],
		]);
		expect(answer.webhookResponse).toEqual({
			outcome: 'resumed',
			cardUpdate: {
				cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
				cardData: { cardParamMap: { status: 'approved', resultText: 'Approved by manager1' } },
				userPrivateData: { cardParamMap: { notice: '' } },
			},
		});
	});

	it('reads the click from a multipart form, as the trigger sends it', async () => {
		const { body, headers } = click();
		const { result } = call(double, { body: { data: body, files: {} }, headers });
		expect((await result).workflowData?.[0][0].json.data).toMatchObject({ approved: true });
	});

	it('resumes a decline with approved false', async () => {
		const { result } = call(double, click({ params: { action: 'decline' } }));
		expect((await result).workflowData?.[0][0].json.data).toMatchObject({ approved: false });
	});

	it('keeps waiting and tells only the clicker when they are not an approver', async () => {
		const { result, sent } = call(
			{ ...double, approvers: 'lead2', options: { notAuthorizedText: 'Leads only.' } },
			click(),
		);
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(sent.status).toBe(200);
		expect(sent.json).toEqual({
			outcome: 'notAuthorized',
			cardUpdate: {
				cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
				userPrivateData: { cardParamMap: { notice: 'Leads only.' } },
			},
		});
	});

	it('keeps waiting on a decline click of an approve-only question', async () => {
		const { result, sent } = call({}, click({ params: { action: 'decline' } }));
		expect(await result).toEqual({ noWebhookResponse: true });
		expect(sent.json).toMatchObject({ outcome: 'invalidAnswer' });
	});

	it('resumes free text from the card’s input, and refuses an empty one', async () => {
		const freeText = { responseType: 'freeText' };
		const { result } = call(freeText, click({ params: { action: 'submit', text: ' Ship it ' } }));
		expect((await result).workflowData?.[0][0].json.data).toMatchObject({ text: 'Ship it' });
		const empty = call(freeText, click({ params: { action: 'submit', text: '' } }));
		expect(await empty.result).toEqual({ noWebhookResponse: true });
		expect(empty.sent.json).toMatchObject({
			outcome: 'invalidAnswer',
			cardUpdate: {
				userPrivateData: { cardParamMap: { notice: expect.stringContaining('Write') } },
			},
		});
	});

	it('reads a form by its field labels and checks it like the form page', async () => {
		const form = {
			responseType: 'customForm',
			formFields: {
				values: [
					{ fieldLabel: 'Reason', fieldType: 'text', requiredField: true },
					{ fieldLabel: 'Days', fieldType: 'number' },
				],
			},
		};
		const ok = call(form, click({ params: { action: 'submit', Reason: 'Audit', Days: '3' } }));
		expect((await ok.result).workflowData?.[0][0].json.data).toMatchObject({
			Reason: 'Audit',
			Days: 3,
		});
		const missing = call(form, click({ params: { action: 'submit', Days: '3' } }));
		expect(await missing.result).toEqual({ noWebhookResponse: true });
		expect(JSON.stringify(missing.sent.json)).toContain('\\"Reason\\" is required');
	});

	describe('resumes nothing', () => {
		it.each([
			['the link of the link version (approved=true, no proof)', { query: { approved: 'true' } }],
			['a GET', { method: 'GET' as const, ...click() }],
			['a click proved with another app’s secret', click({}, 'other-secret')],
			['an old click', click({}, APP.appSecret, Date.now() - 120_000)],
			['a click of another app', click({ appKey: 'otherapp' })],
			['a click on an ordinary card', click({ outTrackId: 'n8n-0b7c1d2e' })],
		])('for %s', async (_, request) => {
			const { result, sent } = call(double, request);
			expect(await result).toEqual({ noWebhookResponse: true });
			expect(sent.status).toBe(403);
			expect(sent.json).toMatchObject({ outcome: 'refused' });
		});

		it('for a click on the card of another node', async () => {
			const { result, sent } = call(double, click(), 'another-node-id');
			expect(await result).toEqual({ noWebhookResponse: true });
			expect(sent.status).toBe(403);
		});
	});
});
