import {
	buildConnectionOpenRequest,
	parseConnectionOpenResponse,
	parseStreamFrame,
	serializeStreamAck,
	streamCallbackAck,
	streamConnectUrl,
	streamDisconnectAck,
	streamErrorAck,
	streamEventAck,
	streamPingAck,
	type ParsedStreamFrame,
} from '../../../nodes/DingTalkStreamTrigger/frames';
import { streamEventItem } from '../../../nodes/DingTalkStreamTrigger/items';
import { buildRobotMessageItem } from '../../../nodes/shared/robotMessage';
import { buildEventItem } from '../../../nodes/shared/eventItem';

const robotBody = {
	conversationId: 'cidAsXSBLnA==',
	msgId: 'msgrK2xxxxU+riw==',
	msgtype: 'text',
	text: { content: ' hello' },
	senderNick: 'Ada',
	conversationType: '2',
	sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=abc',
	sessionWebhookExpiredTime: 1690367502194,
	createAt: 1690362102000,
};

function frameText(fields: Record<string, unknown>): string {
	return JSON.stringify(fields);
}

function robotFrame(overrides: Record<string, unknown> = {}): string {
	return frameText({
		specVersion: '1.0',
		type: 'CALLBACK',
		headers: {
			appId: '1305d5f5-0000',
			connectionId: 'conn-1',
			contentType: 'application/json',
			messageId: '212ca9d7_974_1898c159aa6_1783b',
			time: '1690362102194',
			topic: '/v1.0/im/bot/messages/get',
		},
		data: JSON.stringify(robotBody),
		...overrides,
	});
}

function parsedOk(text: string): ParsedStreamFrame {
	const result = parseStreamFrame(text);
	if (!result.ok) throw new Error(`expected a parsed frame, got: ${result.problem}`);
	return result.parsed;
}

describe('parseStreamFrame', () => {
	it('reads a robot message frame, data being the HTTP callback body', () => {
		const parsed = parsedOk(robotFrame());
		expect(parsed.kind).toBe('robotMessage');
		if (parsed.kind !== 'robotMessage') return;
		expect(parsed.message).toEqual(robotBody);
		expect(parsed.frame.type).toBe('CALLBACK');
		expect(parsed.frame.specVersion).toBe('1.0');
		expect(parsed.frame.headers.messageId).toBe('212ca9d7_974_1898c159aa6_1783b');
		expect(parsed.frame.headers.connectionId).toBe('conn-1');
		expect(parsed.frame.data).toBe(JSON.stringify(robotBody));
		// The same item as the HTTP trigger makes of the same body.
		expect(buildRobotMessageItem(parsed.message)).toEqual(buildRobotMessageItem(robotBody));
		expect(buildRobotMessageItem(parsed.message).text).toBe('hello');
	});

	it('reads an event frame with its envelope from the headers', () => {
		const data = { timeStamp: '1685501863357', userId: ['015xxxx227'] };
		const parsed = parsedOk(
			frameText({
				specVersion: '1.0',
				type: 'EVENT',
				headers: {
					contentType: 'application/json',
					messageId: 'evt-msg-1',
					topic: 'dingTalk',
					time: '1685501863400',
					eventType: 'user_add_org',
					eventId: 'c7c7120f2c07419ebdba0318c8',
					eventBornTime: '1685501863357',
					eventCorpId: 'ding9f50b15b16741',
					eventUnifiedAppId: 'unified-1',
				},
				data: JSON.stringify(data),
			}),
		);
		expect(parsed.kind).toBe('event');
		if (parsed.kind !== 'event') return;
		expect(parsed.event).toEqual({
			eventType: 'user_add_org',
			eventId: 'c7c7120f2c07419ebdba0318c8',
			eventBornTime: '1685501863357',
			eventCorpId: 'ding9f50b15b16741',
			eventUnifiedAppId: 'unified-1',
			data,
		});
		const item = streamEventItem(parsed.event, { raw: parsed.frame.data });
		expect(item).toEqual({
			eventType: 'user_add_org',
			eventId: 'c7c7120f2c07419ebdba0318c8',
			eventTime: 1685501863357,
			corpId: 'ding9f50b15b16741',
			bizId: '',
			data,
			raw: JSON.stringify(data),
		});
		// Same shape as an HTTP push of the same event.
		expect(Object.keys(item).sort()).toEqual(
			Object.keys(
				buildEventItem({ EventType: 'user_add_org', eventId: 'x', ...data }, { raw: '{}' }),
			).sort(),
		);
	});

	it('lets the header envelope win over same-named data fields', () => {
		const item = streamEventItem({
			eventType: 'chat_update_title',
			eventId: 'from-header',
			eventBornTime: '',
			eventCorpId: '',
			eventUnifiedAppId: '',
			data: { eventId: 'from-data', corpId: 'corp-in-data', chatId: 'c1' },
		});
		expect(item.eventId).toBe('from-header');
		expect(item.corpId).toBe('corp-in-data');
		expect(item.eventTime).toBeNull();
		expect(item.data).toEqual({ chatId: 'c1' });
	});

	it('reads card callbacks, pings, disconnects, other system frames and unknown callbacks', () => {
		const base = { specVersion: '1.0', data: '{"a":1}' };
		const headers = (topic: string) => ({
			topic,
			messageId: `m-${topic}`,
			contentType: 'application/json',
		});
		const card = parsedOk(
			frameText({ ...base, type: 'CALLBACK', headers: headers('/v1.0/card/instances/callback') }),
		);
		expect(card.kind).toBe('cardCallback');
		if (card.kind === 'cardCallback') expect(card.callback).toEqual({ a: 1 });

		const ping = parsedOk(
			frameText({
				...base,
				type: 'SYSTEM',
				headers: headers('ping'),
				data: '{"opaque":"123-dsfs"}',
			}),
		);
		expect(ping).toMatchObject({ kind: 'ping', ping: { opaque: '123-dsfs' } });

		const disconnect = parsedOk(
			frameText({
				...base,
				type: 'SYSTEM',
				headers: headers('disconnect'),
				data: '{"reason":"connection is expired"}',
			}),
		);
		expect(disconnect).toMatchObject({
			kind: 'disconnect',
			disconnect: { reason: 'connection is expired' },
		});

		expect(
			parsedOk(frameText({ ...base, type: 'SYSTEM', headers: headers('KEEPALIVE') })).kind,
		).toBe('system');
		expect(
			parsedOk(frameText({ ...base, type: 'CALLBACK', headers: headers('/v1.0/graph/api/invoke') }))
				.kind,
		).toBe('unknownCallback');
	});

	it('drops non-string header values but keeps the frame', () => {
		const parsed = parsedOk(
			robotFrame({
				headers: {
					topic: '/v1.0/im/bot/messages/get',
					messageId: 'm1',
					contentType: 'application/json',
					time: 1690362102194,
				},
			}),
		);
		expect(parsed.frame.headers.time).toBeUndefined();
	});

	it.each([
		['not JSON', 'ping', 'not a JSON object', undefined],
		['a JSON array', '[]', 'not a JSON object', undefined],
		['no headers', frameText({ type: 'CALLBACK', data: '{}' }), 'no headers', undefined],
		[
			'no messageId',
			robotFrame({
				headers: { topic: '/v1.0/im/bot/messages/get', contentType: 'application/json' },
			}),
			'no messageId',
			undefined,
		],
		['an unknown type', robotFrame({ type: 'PUSH' }), 'not SYSTEM, EVENT or CALLBACK', 'yes'],
		['data as an object', robotFrame({ data: robotBody }), 'data is not a JSON string', 'yes'],
		['data not JSON', robotFrame({ data: 'hello' }), 'data is not a JSON object', 'yes'],
		[
			'no topic',
			robotFrame({ headers: { messageId: 'm1', contentType: 'application/json' } }),
			'no topic',
			'yes',
		],
		[
			'a binary content type',
			robotFrame({
				headers: {
					topic: '/v1.0/im/bot/messages/get',
					messageId: 'm1',
					contentType: 'base64String',
				},
			}),
			'content type "base64String"',
			'yes',
		],
	])('reports %s as a problem', (_label, text, problemText, hasMessageId) => {
		const result = parseStreamFrame(text);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.problem).toContain(problemText);
		if (hasMessageId) expect(result.messageId).toBeTruthy();
		else expect(result.messageId).toBeUndefined();
	});
});

describe('ACK frames', () => {
	it('answers a robot message with {"response": null} and the same messageId', () => {
		expect(streamCallbackAck('m1')).toEqual({
			code: 200,
			headers: { contentType: 'application/json', messageId: 'm1' },
			message: 'OK',
			data: '{"response":null}',
		});
	});

	it('puts a card update into response', () => {
		const data = JSON.parse(streamCallbackAck('m2', { cardData: { x: '1' } }).data);
		expect(data).toEqual({ response: { cardData: { x: '1' } } });
	});

	it('answers an event with SUCCESS or LATER', () => {
		const success = streamEventAck('e1', 'SUCCESS');
		expect(success).toEqual({
			code: 200,
			headers: { contentType: 'application/json', messageId: 'e1' },
			message: 'OK',
			data: '{"status":"SUCCESS","message":"success"}',
		});
		const later = streamEventAck('e2', 'LATER', 'workflow failed');
		expect(later.code).toBe(500);
		expect(later.headers.messageId).toBe('e2');
		expect(JSON.parse(later.data)).toEqual({ status: 'LATER', message: 'workflow failed' });
	});

	it('echoes a ping unchanged, byte for byte', () => {
		const data = '{"opaque":"123-dsfs", "extra": [1]}';
		const ping = parsedOk(
			frameText({
				specVersion: '1.0',
				type: 'SYSTEM',
				headers: { topic: 'ping', messageId: 'p-9', contentType: 'application/json' },
				data,
			}),
		);
		expect(streamPingAck(ping.frame)).toEqual({
			code: 200,
			headers: { contentType: 'application/json', messageId: 'p-9' },
			message: 'OK',
			data,
		});
		expect(streamDisconnectAck(ping.frame).headers.messageId).toBe('p-9');
	});

	it('refuses with an error code and serializes to the documented JSON', () => {
		const refusal = streamErrorAck('m3', 404, 'topic not supported');
		expect(JSON.parse(serializeStreamAck(refusal))).toEqual({
			code: 404,
			headers: { contentType: 'application/json', messageId: 'm3' },
			message: 'topic not supported',
			data: '{"response":null}',
		});
	});
});

describe('connections/open', () => {
	it('subscribes to the chosen kinds only', () => {
		expect(
			buildConnectionOpenRequest({
				clientId: ' dingabc ',
				clientSecret: 'secret',
				kinds: ['robotMessages', 'events', 'cardCallbacks', 'events'],
				ua: 'n8n-nodes-dingtalk-robot/0.1.0',
				localIp: '10.0.0.1',
			}),
		).toEqual({
			clientId: 'dingabc',
			clientSecret: 'secret',
			subscriptions: [
				{ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
				{ type: 'EVENT', topic: '*' },
				{ type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
			],
			ua: 'n8n-nodes-dingtalk-robot/0.1.0',
			localIp: '10.0.0.1',
		});
		const eventsOnly = buildConnectionOpenRequest({
			clientId: 'a',
			clientSecret: 'b',
			kinds: ['events'],
		});
		expect(eventsOnly).toEqual({
			clientId: 'a',
			clientSecret: 'b',
			subscriptions: [{ type: 'EVENT', topic: '*' }],
		});
	});

	it('refuses empty credentials and an empty subscription list', () => {
		expect(() =>
			buildConnectionOpenRequest({ clientId: ' ', clientSecret: 'b', kinds: ['events'] }),
		).toThrow(/Client ID and Client Secret/);
		expect(() =>
			buildConnectionOpenRequest({ clientId: 'a', clientSecret: 'b', kinds: [] }),
		).toThrow(/at least one subscription/);
	});

	it('reads the endpoint and ticket, from an object or a JSON string', () => {
		const answer = {
			endpoint: 'wss://wss-open-connection.dingtalk.com:443/connect',
			ticket: '7724109a-ea43-4aa2-b803-87d82c5aaee6',
		};
		expect(parseConnectionOpenResponse(answer)).toEqual({ ok: true, connection: answer });
		expect(parseConnectionOpenResponse(JSON.stringify(answer))).toEqual({
			ok: true,
			connection: answer,
		});
		expect(parseConnectionOpenResponse('<xml/>')).toMatchObject({ ok: false });
		expect(parseConnectionOpenResponse({ ...answer, endpoint: 'https://x' })).toMatchObject({
			ok: false,
			problem: expect.stringContaining('endpoint'),
		});
		expect(parseConnectionOpenResponse({ ...answer, ticket: '' })).toMatchObject({
			ok: false,
			problem: expect.stringContaining('ticket'),
		});
	});

	it('refuses an endpoint WebSocket would refuse, one without TLS off this machine, and userinfo', () => {
		const ticket = 't-1';
		const refused: Array<[string, RegExp]> = [
			['ws://host/p#frag', /fragment/],
			['ws://127.0.0.1:1/connect#', /fragment/],
			['wss://wss-open-connection.dingtalk.com/connect#x', /fragment/],
			['ws://[bad', /not a valid URL/],
			['ws://a b/', /not a valid URL/],
			['wss://', /not a valid URL/],
			['ws://wss-open-connection.dingtalk.com:443/connect', /wss:\/\//],
			['WS://example.com/connect', /wss:\/\//],
			['ws://203.0.113.7:80/connect', /wss:\/\//],
			['ws://0.0.0.0:80/connect', /wss:\/\//],
			['ws://127.0.0.1.example.com/connect', /wss:\/\//],
			['wss://user:pw@wss-open-connection.dingtalk.com/connect', /user name or password/],
			['ws://user@127.0.0.1:1/connect', /user name or password/],
		];
		for (const [endpoint, problem] of refused) {
			const result = parseConnectionOpenResponse({ endpoint, ticket });
			expect({ endpoint, result }).toEqual({
				endpoint,
				result: { ok: false, problem: expect.stringMatching(problem) },
			});
			// Never the user name or password in a log line.
			expect(JSON.stringify(result)).not.toContain('pw');
		}
		const accepted = [
			'wss://wss-open-connection.dingtalk.com:443/connect',
			'WSS://wss-open-connection.dingtalk.com/connect',
			'wss://203.0.113.7/connect',
			'ws://127.0.0.1:5555/connect',
			'ws://127.9.9.9:5555/connect',
			'ws://localhost:5555/connect',
			'ws://[::1]:5555/connect',
		];
		for (const endpoint of accepted) {
			expect(parseConnectionOpenResponse({ endpoint, ticket })).toEqual({
				ok: true,
				connection: { endpoint, ticket },
			});
		}
	});

	it('clips a refused endpoint in its problem text', () => {
		const result = parseConnectionOpenResponse({
			endpoint: `ws://${'h'.repeat(5000)}.example/connect`,
			ticket: 't',
		});
		expect(result.ok).toBe(false);
		expect(JSON.stringify(result).length).toBeLessThan(400);
	});

	it('adds the ticket to the endpoint query, encoded', () => {
		expect(streamConnectUrl({ endpoint: 'wss://h:443/connect', ticket: 'a b+c' })).toBe(
			'wss://h:443/connect?ticket=a%20b%2Bc',
		);
		expect(streamConnectUrl({ endpoint: 'ws://127.0.0.1:1/connect?x=1', ticket: 't' })).toBe(
			'ws://127.0.0.1:1/connect?x=1&ticket=t',
		);
	});
});
