import {
	NodeOperationError,
	type IDataObject,
	type IN8nHttpFullResponse,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { DEFAULT_API_BASE_URL } from '../shared/appAccessToken';
import { credentialBaseUrl } from '../shared/baseUrl';
import { getDedupeCache } from '../shared/dedupe';
import { MessageFieldError } from '../shared/fieldError';
import { createCardWaitForwarder } from './cardWaitForward';
import { StreamConnection, type StreamConnectionEvent } from './connection';
import { createFrameHandler } from './frameHandler';
import { buildConnectionOpenRequest, STREAM_USER_AGENT } from './frames';
import { registerStreamClient, releaseStreamClient } from './openClients';
import { cardAnswerOrigin, readStreamSettings } from './settings';
import { requestStreamTicket, StreamCredentialsRefused } from './ticket';
import { globalWebSocket, WEBSOCKET_MISSING } from './webSocket';

const LOG_PREFIX = 'DingTalk Stream Trigger:';

function configError(context: ITriggerFunctions, error: unknown): NodeOperationError {
	if (error instanceof MessageFieldError) {
		return new NodeOperationError(context.getNode(), error.message, { description: error.fix });
	}
	return new NodeOperationError(context.getNode(), (error as Error).message);
}

function readConfiguration(context: ITriggerFunctions, credentials: IDataObject) {
	try {
		const options = context.getNodeParameter('options', {}) as IDataObject;
		const settings = readStreamSettings({
			receive: context.getNodeParameter('receive', []),
			eventTypes: context.getNodeParameter('eventTypes', []),
			customEventTypes: context.getNodeParameter('customEventTypes', ''),
			options,
		});
		// Only card callbacks are handed to n8n; a trigger without them needs no address.
		const n8nOrigin = settings.kinds.includes('cardCallbacks')
			? cardAnswerOrigin(options.cardAnswerBaseUrl, context.getInstanceBaseUrl())
			: undefined;
		const apiBaseUrl = credentialBaseUrl(
			credentials.apiBaseUrl,
			DEFAULT_API_BASE_URL,
			'API Base URL',
		).url;
		const openRequest = buildConnectionOpenRequest({
			clientId: String(credentials.appKey ?? ''),
			clientSecret: String(credentials.appSecret ?? ''),
			kinds: settings.kinds,
			ua: STREAM_USER_AGENT,
		});
		return { settings, apiBaseUrl, openRequest, n8nOrigin };
	} catch (error) {
		throw configError(context, error);
	}
}

/**
 * Opens the Stream connection of one trigger node. Activation waits for the first attempt, so
 * refused credentials fail the publish with a message; any later trouble is retried with
 * back-off inside the node, and only refused credentials reach n8n's emitError.
 */
export async function activateStreamTrigger(context: ITriggerFunctions): Promise<ITriggerResponse> {
	const node = context.getNode();
	const WebSocketClass = globalWebSocket();
	if (!WebSocketClass) {
		throw new NodeOperationError(node, WEBSOCKET_MISSING, {
			description: 'The node needs no package for this: only a newer Node.js or the flag.',
		});
	}
	const credentials = await context.getCredentials('dingTalkAppApi');
	const { settings, apiBaseUrl, openRequest, n8nOrigin } = readConfiguration(context, credentials);
	const clientId = openRequest.clientId;
	const manual = context.getMode() === 'manual';

	let emitted = false;
	let firstAttemptSettled = false;
	let settleFirstAttempt: (refused?: StreamCredentialsRefused) => void = () => {};
	const firstAttempt = new Promise<StreamCredentialsRefused | undefined>((resolve) => {
		settleFirstAttempt = (refused) => {
			if (firstAttemptSettled) return;
			firstAttemptSettled = true;
			resolve(refused);
		};
	});
	let endManualWait: () => void = () => {};
	const manualWait = new Promise<void>((resolve) => (endManualWait = resolve));

	const onEvent = (event: StreamConnectionEvent) => {
		if (event.type === 'connected') {
			context.logger.debug(`${LOG_PREFIX} connected to the Stream gateway`, { clientId });
			settleFirstAttempt();
		} else if (event.type === 'problem') {
			context.logger.warn(`${LOG_PREFIX} ${event.message}`, { clientId });
			settleFirstAttempt();
		} else if (event.type === 'retrying') {
			context.logger.debug(`${LOG_PREFIX} reconnecting in ${event.delayMs} ms`, { clientId });
		} else if (event.type === 'closed') {
			context.logger.debug(`${LOG_PREFIX} connection ended (${event.reason})`, { clientId });
		} else if (event.type === 'fatal') {
			// isFatal below lets only this error end the loop.
			const refused = event.error as StreamCredentialsRefused;
			if (!firstAttemptSettled) return settleFirstAttempt(refused);
			context.logger.error(`${LOG_PREFIX} ${refused.message}`, { clientId });
			endManualWait();
			context.emitError(new NodeOperationError(node, refused.message));
		}
	};

	const handleFrame = createFrameHandler({
		settings,
		seen: getDedupeCache(`${context.getWorkflow().id ?? ''}:${node.id ?? node.name}:stream`),
		emit: (item) => {
			// Read at call time: for a test run n8n replaces emit after trigger() returned.
			context.emit([[{ json: item }]]);
			emitted = true;
			endManualWait();
		},
		failed: (message) =>
			context.logger.warn(`${LOG_PREFIX} could not start an execution: ${message}`, { clientId }),
		skipped: (why) => context.logger.debug(`${LOG_PREFIX} ${why}`, { clientId }),
		acceptsMore: manual ? () => !emitted : undefined,
		forwardCardWait:
			n8nOrigin === undefined
				? undefined
				: createCardWaitForwarder({
						appKey: clientId,
						appSecret: String(credentials.appSecret ?? ''),
						n8nOrigin,
						request: async (options) =>
							(await context.helpers.httpRequest(options)) as IN8nHttpFullResponse,
						warn: (message) => context.logger.warn(`${LOG_PREFIX} ${message}`, { clientId }),
					}),
	});

	const connection = new StreamConnection({
		openConnection: async (signal) =>
			await requestStreamTicket(
				async (options) => await context.helpers.httpRequest(options),
				apiBaseUrl,
				openRequest,
				signal,
			),
		WebSocket: WebSocketClass,
		onFrame: handleFrame,
		onEvent,
		isFatal: (error) => error instanceof StreamCredentialsRefused,
		watchdogMs: settings.watchdogMs,
	});

	if (registerStreamClient(clientId) > 0) {
		context.logger.warn(
			`${LOG_PREFIX} Client ID ${clientId} already has a Stream connection in this n8n process (another workflow, or a test run of a published one). DingTalk gives each message to only one of an app's connections, so each trigger now misses some. Keep one Stream trigger per app.`,
			{ clientId, workflowId: context.getWorkflow().id },
		);
	}
	let closed = false;
	const closeFunction = async () => {
		if (closed) return;
		closed = true;
		releaseStreamClient(clientId);
		endManualWait();
		await connection.stop();
	};

	void connection.start();
	const refused = await firstAttempt;
	if (refused) {
		await closeFunction();
		throw new NodeOperationError(node, refused.message, {
			description: 'Fix the Client ID and Client Secret of the DingTalk App API credential.',
		});
	}
	if (!manual) return { closeFunction };
	return { closeFunction, manualTriggerFunction: async () => await manualWait };
}
