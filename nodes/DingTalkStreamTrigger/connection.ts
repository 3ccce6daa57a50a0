import { MAX_BODY_BYTES } from '../shared/limits';
import { clip } from '../shared/values';
import { backoffDelay, type BackoffOptions } from './backoff';
import {
	FRAME_FAILED_TEXT,
	parseStreamFrame,
	serializeStreamAck,
	streamConnectUrl,
	streamDisconnectAck,
	streamErrorAck,
	streamEventAck,
	streamPingAck,
	type ParsedStreamFrame,
	type StreamAck,
	type StreamConnectionTicket,
} from './frames';
import { sleepUnlessAborted } from '../shared/sleep';

/**
 * Keeps one Stream connection open: asks for a ticket, opens the WebSocket, answers pings,
 * hands every other frame to `onFrame` and sends the ACK it returns. Only one connect runs at a
 * time; failed attempts and unexpected closes wait an exponential back-off. A SYSTEM disconnect
 * opens the next connection first and closes the old one after, since DingTalk stops pushing to
 * it; a socket with no frame for `watchdogMs`, or not open after as long, is treated as dead.
 *
 * The WebSocket class and the connections/open call are injected: n8n's verified nodes may not
 * import a WebSocket package, and the HTTP request goes through the node's helpers.
 */

/** The part of the browser-style WebSocket API used here; Node's global and `ws` both have it. */
export interface StreamSocket {
	readonly readyState: number;
	send(data: string): void;
	close(code?: number, reason?: string): void;
	addEventListener(
		type: 'open' | 'message' | 'close' | 'error',
		listener: (event: { data?: unknown }) => void,
	): void;
}

export type StreamSocketConstructor = new (url: string) => StreamSocket;

const SOCKET_OPEN = 1;

export const DEFAULT_WATCHDOG_MS = 60_000;

export type StreamConnectionEvent =
	| { type: 'connected'; url: string }
	| { type: 'closed'; reason: 'closed' | 'disconnect' | 'watchdog' }
	| { type: 'retrying'; attempt: number; delayMs: number }
	| { type: 'problem'; message: string }
	/** `isFatal` said retrying cannot help; the loop has ended. */
	| { type: 'fatal'; error: unknown };

export interface StreamConnectionOptions {
	/** POST connections/open; rejects when the gateway refuses. */
	openConnection: (signal: AbortSignal) => Promise<StreamConnectionTicket>;
	WebSocket: StreamSocketConstructor;
	/**
	 * Handles a robot message, event or card callback and returns the ACK to send (undefined:
	 * none). A throw answers LATER for an event (DingTalk pushes it again) and 500 otherwise.
	 */
	onFrame: (parsed: ParsedStreamFrame) => Promise<StreamAck | undefined> | StreamAck | undefined;
	onEvent?: (event: StreamConnectionEvent) => void;
	/** Whether a connections/open failure is one retrying cannot fix (refused credentials). */
	isFatal?: (error: unknown) => boolean;
	/** Reconnect when no frame arrived for this long. Default 60 s. */
	watchdogMs?: number;
	backoff?: BackoffOptions;
	now?: () => number;
}

/** How a session ended; `failed`: the socket never opened. */
type SessionEnd = 'closed' | 'disconnect' | 'watchdog' | 'stopped' | 'failed';

interface Session {
	end: SessionEnd;
	sawFrame: boolean;
	socket?: StreamSocket;
	/** Why the socket could not be created, when it could not. */
	problem?: string;
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

const LEADING_BYTES = 64 * 1024;

/**
 * A received frame as text and its size in bytes. A binary one (a Buffer from `ws`) is measured
 * before it is decoded, and one over the bound is decoded only as far as its messageId can be.
 */
function frameText(data: unknown): { text: string; bytes: number } {
	if (typeof data === 'string') return { text: data, bytes: Buffer.byteLength(data, 'utf8') };
	if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
		const buffer = ArrayBuffer.isView(data)
			? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
			: Buffer.from(data);
		const bytes = buffer.length;
		const text = (bytes > MAX_BODY_BYTES ? buffer.subarray(0, LEADING_BYTES) : buffer).toString();
		return { text, bytes };
	}
	const text = String(data);
	return { text, bytes: Buffer.byteLength(text, 'utf8') };
}

/** The messageId of a frame too large to parse, read from its start, to answer it. */
function leadingMessageId(text: string): string | undefined {
	const found = /"messageId"\s*:\s*"([^"\\]{1,512})"/.exec(text.slice(0, LEADING_BYTES));
	return found?.[1];
}

export class StreamConnection {
	private readonly stopController = new AbortController();
	private readonly now: () => number;
	private readonly watchdogMs: number;
	private running?: Promise<void>;
	private current?: StreamSocket;
	private draining?: StreamSocket;

	constructor(private readonly options: StreamConnectionOptions) {
		this.now = options.now ?? Date.now;
		this.watchdogMs = options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
	}

	get stopped(): boolean {
		return this.stopController.signal.aborted;
	}

	/** Starts the loop; a second call returns the same run. */
	start(): Promise<void> {
		if (!this.running) this.running = this.run();
		return this.running;
	}

	/** Closes the sockets, aborts every pending wait, and resolves when the loop has ended. */
	async stop(): Promise<void> {
		this.stopController.abort();
		this.current?.close(1000, 'stopped');
		this.draining?.close(1000, 'stopped');
		await this.running;
	}

	private emit(event: StreamConnectionEvent): void {
		try {
			this.options.onEvent?.(event);
		} catch {
			// A failing listener must not end the loop or become an unhandled rejection,
			// which would take the whole n8n process down.
		}
	}

	private async run(): Promise<void> {
		let attempt = 0;
		while (!this.stopped) {
			let url: string;
			try {
				url = streamConnectUrl(await this.options.openConnection(this.stopController.signal));
			} catch (error) {
				this.closeDraining();
				if (this.stopped) break;
				if (this.options.isFatal?.(error)) {
					this.emit({ type: 'fatal', error });
					break;
				}
				this.emit({ type: 'problem', message: messageOf(error) });
				if (!(await this.pause(attempt++))) break;
				continue;
			}
			const session = await this.session(url, (socket) => {
				// The new connection is open: only now let go of the one told to disconnect.
				this.closeDraining();
				this.current = socket;
				this.emit({ type: 'connected', url });
			});
			this.current = undefined;
			this.closeDraining();
			if (session.end === 'stopped') break;
			if (session.end === 'failed') {
				this.emit({
					type: 'problem',
					message: session.problem ?? 'The Stream WebSocket could not be opened',
				});
				if (!(await this.pause(attempt++))) break;
				continue;
			}
			// A session that stayed open a whole watchdog time is no tight loop either.
			if (session.sawFrame || session.end === 'watchdog') attempt = 0;
			this.emit({ type: 'closed', reason: session.end });
			if (session.end === 'disconnect') {
				this.draining = session.socket;
				continue;
			}
			if (!(await this.pause(attempt++))) break;
		}
	}

	private closeDraining(): void {
		this.draining?.close(1000, 'replaced');
		this.draining = undefined;
	}

	/** Waits the back-off of `attempt`; false when stopped meanwhile. */
	private async pause(attempt: number): Promise<boolean> {
		const delayMs = backoffDelay(attempt, this.options.backoff);
		this.emit({ type: 'retrying', attempt, delayMs });
		return await this.sleep(delayMs, this.stopController.signal);
	}

	/** Waits `ms`; false when stopped meanwhile (at once, not at the end of the wait). */
	private async sleep(ms: number, signal: AbortSignal): Promise<boolean> {
		return await sleepUnlessAborted(ms, signal);
	}

	/**
	 * One WebSocket from opening to its end. Listeners go on before the socket opens: the gateway
	 * may push in the same network read as the handshake answer, before an awaiting caller runs.
	 * After a disconnect the session has ended, but frames on the old socket are still answered.
	 */
	private session(url: string, opened: (socket: StreamSocket) => void): Promise<Session> {
		return new Promise((resolve) => {
			let socket: StreamSocket;
			try {
				socket = new this.options.WebSocket(url);
			} catch (error) {
				// The endpoint passed our checks but not the WebSocket's: a failed attempt like any.
				// Its error may quote the URL, and with it the ticket.
				const reason = messageOf(error).replace(/ticket=[^&#\s"']*/gi, 'ticket=***');
				const problem = `The Stream WebSocket could not be opened: ${clip(reason, 200)}`;
				return resolve({ end: 'failed', sawFrame: false, problem });
			}
			const done = new AbortController();
			let isOpen = false;
			let sawFrame = false;
			let lastFrameAt = this.now();
			const finish = (end: SessionEnd) => {
				if (done.signal.aborted) return;
				done.abort();
				this.stopController.signal.removeEventListener('abort', onStop);
				if (end !== 'disconnect' && end !== 'closed') socket.close(1000, end);
				resolve({ end, sawFrame, socket });
			};
			const onStop = () => finish('stopped');
			this.stopController.signal.addEventListener('abort', onStop, { once: true });
			// A handshake that never completes would otherwise hold the loop forever.
			void this.sleep(this.watchdogMs, done.signal).then((waited) => {
				if (waited && !isOpen) finish('failed');
			});
			socket.addEventListener('open', () => {
				if (done.signal.aborted) return;
				isOpen = true;
				lastFrameAt = this.now();
				opened(socket);
				void this.watch(
					() => lastFrameAt,
					done.signal,
					() => finish('watchdog'),
				);
			});
			socket.addEventListener('message', (event) => {
				lastFrameAt = this.now();
				sawFrame = true;
				void this.handle(socket, event.data, () => finish('disconnect'));
			});
			const ended = () => finish(isOpen ? 'closed' : 'failed');
			socket.addEventListener('close', ended);
			socket.addEventListener('error', ended);
		});
	}

	private async watch(
		lastFrameAt: () => number,
		signal: AbortSignal,
		expire: () => void,
	): Promise<void> {
		while (!signal.aborted) {
			const remaining = lastFrameAt() + this.watchdogMs - this.now();
			if (remaining <= 0) {
				expire();
				return;
			}
			if (!(await this.sleep(remaining, signal))) return;
		}
	}

	private send(socket: StreamSocket, frameAck: StreamAck): void {
		if (socket.readyState === SOCKET_OPEN) socket.send(serializeStreamAck(frameAck));
	}

	private async handle(socket: StreamSocket, data: unknown, disconnect: () => void): Promise<void> {
		const { text, bytes } = frameText(data);
		if (bytes > MAX_BODY_BYTES) {
			// Refused before JSON.parse: a huge frame must not become a huge item.
			this.emit({
				type: 'problem',
				message: `A Stream frame of ${bytes} bytes is larger than 1 MB and was refused`,
			});
			const messageId = leadingMessageId(text);
			if (messageId) this.send(socket, streamErrorAck(messageId, 400, 'frame larger than 1 MB'));
			return;
		}
		const result = parseStreamFrame(text);
		if (!result.ok) {
			this.emit({ type: 'problem', message: result.problem });
			if (result.messageId)
				this.send(socket, streamErrorAck(result.messageId, 400, result.problem));
			return;
		}
		const { parsed } = result;
		if (parsed.kind === 'ping') return this.send(socket, streamPingAck(parsed.frame));
		if (parsed.kind === 'disconnect') {
			// No reply is required; one keeps the server from sending the disconnect again.
			this.send(socket, streamDisconnectAck(parsed.frame));
			disconnect();
			return;
		}
		if (parsed.kind === 'system') return;
		const messageId = parsed.frame.headers.messageId;
		let frameAck: StreamAck | undefined;
		try {
			frameAck = await this.options.onFrame(parsed);
		} catch (error) {
			this.emit({ type: 'problem', message: messageOf(error) });
			frameAck =
				parsed.kind === 'event'
					? streamEventAck(messageId, 'LATER', FRAME_FAILED_TEXT)
					: streamErrorAck(messageId, 500, FRAME_FAILED_TEXT);
		}
		if (frameAck) this.send(socket, frameAck);
	}
}
