import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { dingTalkRequest } from '../shared/http';
import { redactSecrets } from '../shared/redactSecrets';
import { asObject } from '../shared/values';
import {
	parseConnectionOpenResponse,
	STREAM_CONNECTION_OPEN_PATH,
	type StreamConnectionOpenRequest,
	type StreamConnectionTicket,
} from './frames';

/** connections/open refused the Client ID or Client Secret: retrying cannot help. */
export class StreamCredentialsRefused extends Error {
	constructor(
		readonly status: number,
		detail: string,
	) {
		super(
			`DingTalk refused the Client ID and Client Secret of the credential (HTTP ${status}${detail}). Copy both again from the developer console (Credentials & Basic Info, 凭证与基础信息) of the app whose robot or events use Stream mode.`,
		);
		this.name = 'StreamCredentialsRefused';
	}
}

export type HttpRequest = (options: IHttpRequestOptions) => Promise<IN8nHttpFullResponse>;

/**
 * DingTalk's own words for a refusal: `code: message` of its error body, never the request, and
 * without the Client Secret should the answer repeat it.
 */
function refusalDetail(body: unknown, clientSecret: string): string {
	const answer = asObject(body) as IDataObject | undefined;
	const parts = [answer?.code, answer?.message].filter(
		(part): part is string => typeof part === 'string' && part.length > 0,
	);
	const words = redactSecrets(parts.join(': '), [clientSecret]);
	return parts.length > 0 ? `: ${words.slice(0, 300)}` : '';
}

/** Asks the gateway for a one-time ticket (POST <API Base URL>/v1.0/gateway/connections/open). */
export async function requestStreamTicket(
	request: HttpRequest,
	apiBaseUrl: string,
	body: StreamConnectionOpenRequest,
	signal: AbortSignal,
): Promise<StreamConnectionTicket> {
	// No redirects, as for every other request of the package: a 307/308 would post the Client
	// Secret to the target, a 301/302 would take the target's endpoint and ticket.
	const response = await request(
		dingTalkRequest({
			method: 'POST',
			url: `${apiBaseUrl}${STREAM_CONNECTION_OPEN_PATH}`,
			headers: { Accept: 'application/json' },
			body: body as unknown as IDataObject,
			json: true,
			abortSignal: signal,
		}),
	);
	const status = Number(response.statusCode);
	if (status >= 300 && status < 400) {
		throw new Error(
			`The Stream gateway answered HTTP ${status}, a redirect, which is not followed: set the credential's API Base URL to the address that answers itself`,
		);
	}
	if (status === 401 || status === 403) {
		throw new StreamCredentialsRefused(status, refusalDetail(response.body, body.clientSecret));
	}
	if (status !== 200) {
		throw new Error(
			`The Stream gateway answered HTTP ${status}${refusalDetail(response.body, body.clientSecret)}`,
		);
	}
	const result = parseConnectionOpenResponse(response.body);
	if (!result.ok) throw new Error(result.problem);
	return result.connection;
}
