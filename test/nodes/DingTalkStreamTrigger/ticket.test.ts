import type { IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { requestStreamTicket } from '../../../nodes/DingTalkStreamTrigger/ticket';

const CLIENT_SECRET = 'StreamSecret0Zx9Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6Nm8Qa0Ws2Ed';
const body = {
	clientId: 'dingstreamecho',
	clientSecret: CLIENT_SECRET,
	subscriptions: [],
	ua: 't',
};

/** A connections/open that answers `status` with a message repeating the request body. */
function echoing(status: number, echo: (sent: string) => string) {
	return async (options: IHttpRequestOptions): Promise<IN8nHttpFullResponse> => ({
		statusCode: status,
		headers: {},
		body: { code: 'invalidParameter', message: echo(JSON.stringify(options.body)) },
	});
}

async function failureOf(request: ReturnType<typeof echoing>): Promise<Error> {
	return await requestStreamTicket(
		request,
		'https://api.example.test',
		body as never,
		new AbortController().signal,
	).then(
		() => {
			throw new Error('the ticket request did not fail');
		},
		(error: Error) => error,
	);
}

describe('Stream ticket errors', () => {
	it.each([401, 400, 500])(
		'an answer %i that repeats the request body keeps no Client Secret',
		async (status) => {
			for (const echo of [
				(sent: string) => `bad body ${sent}`,
				(sent: string) => `bad secret ${String(JSON.parse(sent).clientSecret)}`,
			]) {
				const error = await failureOf(echoing(status, echo));
				expect(error.message).toContain('invalidParameter');
				expect(error.message).not.toContain(CLIENT_SECRET);
			}
		},
	);
});
