/**
 * A click on a Send and Wait card reaching the Stream trigger: handed to the waiting execution
 * (never a new execution), with a proof the waiting node can check, and the ACK carrying the
 * waiting node's card update or a private notice.
 */
import { createHmac } from 'node:crypto';
import type { IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import {
	cardWaitRequest,
	createCardWaitForwarder,
} from '../../../nodes/DingTalkStreamTrigger/cardWaitForward';
import { createFrameHandler } from '../../../nodes/DingTalkStreamTrigger/frameHandler';
import {
	parseStreamFrame,
	type ParsedStreamFrame,
} from '../../../nodes/DingTalkStreamTrigger/frames';
import { buildCardCallbackItem } from '../../../nodes/shared/cardCallback';
import { CARD_PROOF_HEADER, checkCardProof } from '../../../nodes/shared/cardWait/proof';
import { readSendAndWaitTrackId, sendAndWaitTrackId } from '../../../nodes/shared/cardWait/trackId';
import { TtlSet } from '../../../nodes/shared/dedupe';

const NODE_ID = '3f1c2b6a-9d4e-4c1b-8a7f-0e5d6c7b8a91';
const PATH = `/webhook-waiting/42/${NODE_ID}`;
const SIGNATURE = createHmac('sha256', 'n8n').update(PATH).digest('hex');
const OUT_TRACK_ID = sendAndWaitTrackId(`https://n8n.example.com${PATH}?signature=${SIGNATURE}`);
const APP = { appKey: 'dingapp', appSecret: 'app-secret' };

function cardFrame(outTrackId: string, messageId = 'msg-1'): ParsedStreamFrame {
	const content = JSON.stringify({
		cardPrivateData: { actionIds: ['approve'], params: { action: 'approve' } },
	});
	const parsed = parseStreamFrame(
		JSON.stringify({
			specVersion: '1.0',
			type: 'CALLBACK',
			headers: {
				topic: '/v1.0/card/instances/callback',
				messageId,
				contentType: 'application/json',
			},
			data: JSON.stringify({
				type: 'actionCallback',
				userId: 'manager1',
				outTrackId,
				corpId: 'ding1',
				spaceType: 'IM_GROUP',
				spaceId: 'cid1',
				content,
			}),
		}),
	);
	if (!parsed.ok) throw new Error('test frame did not parse');
	return parsed.parsed;
}

function reply(statusCode: number, body: unknown): IN8nHttpFullResponse {
	return { statusCode, body, headers: {} } as IN8nHttpFullResponse;
}

const resumed = {
	outcome: 'resumed',
	cardUpdate: {
		cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
		cardData: { cardParamMap: { status: 'approved', resultText: 'Approved by 张三', extra: 5 } },
		userPrivateData: { cardParamMap: { notice: '' } },
		somethingElse: 'dropped',
	},
};

function cardHandler(
	emit: (item: unknown) => void,
	forwardCardWait: Parameters<typeof createFrameHandler>[0]['forwardCardWait'],
) {
	return createFrameHandler({
		settings: {
			kinds: ['cardCallbacks'],
			robotFilters: {} as never,
			eventTypes: [],
			dedupeMs: 60_000,
			includeRaw: false,
		},
		emit,
		seen: new TtlSet(),
		forwardCardWait,
	});
}

describe('Send and Wait card clicks on the Stream trigger', () => {
	it('posts the click to the resume path at n8n’s address, with a proof of the app', () => {
		const target = readSendAndWaitTrackId(OUT_TRACK_ID)!;
		const click = buildCardCallbackItem({ userId: 'manager1', outTrackId: OUT_TRACK_ID });
		const request = cardWaitRequest(
			{ ...APP, n8nOrigin: 'http://localhost:5678', request: jest.fn() },
			target,
			click,
			1_000,
		);
		expect(request.url).toBe(`http://localhost:5678${PATH}?signature=${SIGNATURE}`);
		expect(request.method).toBe('POST');
		expect(request.disableFollowRedirect).toBe(true);
		// A multipart form: n8n 2.41 takes a POST to a custom form's resume URL only as one.
		const headers = request.headers as Record<string, string>;
		const boundary = /^multipart\/form-data; boundary=(\S+)$/.exec(headers['content-type'])?.[1];
		expect(boundary).toBeDefined();
		const parts = String(request.body).split(`--${boundary}`);
		expect(parts).toHaveLength(3);
		expect(parts[2]).toBe('--\r\n');
		const [head, payloadPart] = parts[1].split('\r\n\r\n');
		expect(head).toContain('Content-Disposition: form-data; name="payload"');
		const payload = payloadPart.replace(/\r\n$/, '');
		expect(JSON.parse(payload)).toMatchObject({ appKey: 'dingapp', userId: 'manager1' });
		const header = headers[CARD_PROOF_HEADER];
		expect(checkCardProof(APP.appSecret, header, payload, 1_000)).toEqual({ ok: true });
		expect(JSON.stringify(request)).not.toContain(APP.appSecret);
	});

	it('answers the callback with the waiting node’s card update and starts no execution', async () => {
		const requests: IHttpRequestOptions[] = [];
		const emit = jest.fn();
		const handle = cardHandler(
			emit,
			createCardWaitForwarder({
				...APP,
				n8nOrigin: 'http://localhost:5678',
				request: async (options) => {
					requests.push(options);
					return reply(200, Buffer.from(JSON.stringify(resumed)));
				},
			}),
		);
		const ack = await handle(cardFrame(OUT_TRACK_ID));
		expect(emit).not.toHaveBeenCalled();
		expect(requests).toHaveLength(1);
		expect(JSON.parse(ack.data)).toEqual({
			response: {
				cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
				cardData: { cardParamMap: { status: 'approved', resultText: 'Approved by 张三' } },
				userPrivateData: { cardParamMap: { notice: '' } },
			},
		});
		// DingTalk delivering the same frame again hands nothing on a second time.
		const again = await handle(cardFrame(OUT_TRACK_ID));
		expect(requests).toHaveLength(1);
		expect(JSON.parse(again.data)).toEqual({ response: null });
	});

	it('still turns clicks on ordinary cards into executions', async () => {
		const emit = jest.fn();
		const forward = jest.fn();
		const handle = cardHandler(emit, forward);
		await handle(cardFrame('n8n-0b7c1d2e-aaaa'));
		expect(emit).toHaveBeenCalledWith(expect.objectContaining({ outTrackId: 'n8n-0b7c1d2e-aaaa' }));
		expect(forward).not.toHaveBeenCalled();
	});

	it.each([
		['n8n refused the signature', async () => reply(401, { error: 'Invalid token' })],
		['the execution is finished', async () => reply(200, '<html>No action required</html>')],
		['the answer is JSON of another shape', async () => reply(200, '{"outcome": "maybe"}')],
		['the waiting node refused the proof', async () => reply(403, { outcome: 'refused' })],
		[
			'n8n is unreachable',
			async () => {
				throw new Error('connect ECONNREFUSED 127.0.0.1:5678');
			},
		],
	])('tells only the clicker that nothing is waiting when %s, and logs why', async (_, request) => {
		const warn = jest.fn();
		const forward = createCardWaitForwarder({
			...APP,
			n8nOrigin: 'http://localhost:5678',
			request,
			warn,
		});
		const update = await forward(
			readSendAndWaitTrackId(OUT_TRACK_ID)!,
			buildCardCallbackItem({ userId: 'someone', outTrackId: OUT_TRACK_ID }),
		);
		expect(update).toEqual({
			cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
			userPrivateData: {
				cardParamMap: { notice: 'This request was already answered or is no longer waiting.' },
			},
		});
		expect(warn).toHaveBeenCalledTimes(1);
		expect(warn.mock.calls[0][0]).not.toContain(APP.appSecret);
	});
});
