import { randomUUID } from 'node:crypto';

import { deriveEventAesKey } from '../../nodes/shared/eventCrypto';
import type { FakeExtension, Reply, RequestContext, Route } from './routing';
import { SANDBOX_CORP_ID } from './sandboxEvents';
import { buildEventRequest, loopbackTarget, postToTrigger } from './sandboxFire';
import { guarded, json } from './sandboxGuard';
import { escapeHtml } from './sandboxMarkdown';
import type { FakeStreamGateway } from './streamGateway';
import type { ApprovalEvent, FakeInstance, FakeWorkflow } from './workflow';

/**
 * The sandbox page's approvals (审批): the approvals workflows started, and Approve / Reject for
 * the person whose turn it is. Acting sends what DingTalk would push: bpms_task_change and, when
 * the approval is finished, bpms_instance_change, encrypted to the HTTP event trigger and over the
 * Stream gateway to a connected Stream trigger. Plug it in next to the FakeWorkflow.
 */

export interface SandboxApprovalsOptions {
	workflow: FakeWorkflow;
	/** The app's event keys, as the sandbox's DingTalk App API credential has them. */
	appKey: string;
	eventToken: string;
	eventAesKey: string;
	/** The DingTalk Trigger that receives events over HTTP; none: Stream only. */
	eventTriggerUrl?: string;
	stream?: FakeStreamGateway;
}

interface Delivery {
	via: 'http' | 'stream';
	eventType: string;
	ok: boolean;
	detail: string;
}

/** The approvals as the page lists them: finished ones with their result, running ones with buttons. */
export function renderApproval(instance: FakeInstance): string {
	const running = instance.tasks.find((task) => task.status === 'RUNNING');
	const form = instance.formComponentValues
		.map(
			(entry) => `<li>${escapeHtml(String(entry.name))}: ${escapeHtml(String(entry.value))}</li>`,
		)
		.join('');
	const state = running
		? `waiting for <code>${escapeHtml(running.userId)}</code>`
		: `${escapeHtml(instance.status)}: <strong>${escapeHtml(instance.result)}</strong>`;
	const id = escapeHtml(instance.processInstanceId);
	const buttons = running
		? `<div class="actions"><button type="button" data-approval="${id}" data-decision="agree">Approve</button>` +
			`<button type="button" data-approval="${id}" data-decision="refuse">Reject</button></div>`
		: '';
	return (
		`<li class="approval" data-id="${id}" data-status="${escapeHtml(instance.status)}">` +
		`<span class="name">${escapeHtml(instance.title)}</span> <span class="field">${state}</span>` +
		`<ul class="form">${form}</ul>${buttons}</li>`
	);
}

export function sandboxApprovals(options: SandboxApprovalsOptions): FakeExtension {
	const aesKey = deriveEventAesKey(options.eventAesKey);
	const keys = aesKey.ok
		? { token: options.eventToken, aesKey: aesKey.value, ownerKey: options.appKey }
		: undefined;

	async function overHttp(event: ApprovalEvent, eventId: string, now: number): Promise<Delivery> {
		const { eventType, ...fields } = event;
		const target = loopbackTarget(options.eventTriggerUrl ?? '');
		if (!keys || 'error' in target) {
			return { via: 'http', eventType, ok: false, detail: 'no HTTP event trigger configured' };
		}
		const plaintext = JSON.stringify({
			EventType: eventType,
			EventTime: now,
			CorpId: SANDBOX_CORP_ID,
			eventId,
			...fields,
		});
		const request = buildEventRequest(plaintext, 'valid', keys, now);
		const url = new URL(target.url);
		for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
		const answer = await postToTrigger(url, {}, request.body);
		return { via: 'http', eventType, ok: answer.status === 200, detail: `HTTP ${answer.status}` };
	}

	function overStream(event: ApprovalEvent, eventId: string, now: number): Delivery {
		const { eventType, ...data } = event;
		if (!options.stream)
			return { via: 'stream', eventType, ok: false, detail: 'no Stream gateway' };
		try {
			const messageId = options.stream.pushEvent({
				eventType,
				eventId,
				eventBornTime: now,
				eventCorpId: SANDBOX_CORP_ID,
				data,
			});
			return { via: 'stream', eventType, ok: true, detail: `pushed ${messageId}` };
		} catch (error) {
			return { via: 'stream', eventType, ok: false, detail: (error as Error).message };
		}
	}

	async function act(context: RequestContext): Promise<Reply> {
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(context.rawBody.toString('utf8')) as Record<string, unknown>;
		} catch {
			return json(400, { error: 'The request body is not JSON.' });
		}
		const instance = options.workflow.instances.get(String(body.processInstanceId ?? ''));
		const running = instance?.tasks.find((task) => task.status === 'RUNNING');
		if (!instance || !running) return json(409, { error: 'This approval waits for nobody.' });
		const decision = body.decision === 'refuse' ? 'refuse' : 'agree';
		const now = Date.now();
		const remark = typeof body.remark === 'string' ? body.remark.slice(0, 500) : '';
		const events = options.workflow.act(
			instance.processInstanceId,
			running.userId,
			decision,
			now,
			remark,
		);
		const deliveries: Delivery[] = [];
		for (const event of events) {
			const eventId = randomUUID().replace(/-/g, '');
			deliveries.push(await overHttp(event, eventId, now));
			deliveries.push(overStream(event, eventId, now));
		}
		return json(200, { events, deliveries });
	}

	return {
		routes: (): Route[] => [
			{
				path: '/sandbox/approvals',
				methods: ['GET'],
				quiet: true,
				handle: guarded(() => {
					const approvals = [...options.workflow.instances.values()].reverse();
					return json(200, {
						total: approvals.length,
						html: approvals.map(renderApproval).join(''),
					});
				}),
			},
			{ path: '/sandbox/approvals/act', methods: ['POST'], quiet: true, handle: guarded(act) },
		],
	};
}
