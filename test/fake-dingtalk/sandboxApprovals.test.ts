import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { decryptEventMessage, deriveEventAesKey } from '../../nodes/shared/eventCrypto';
import { FakeContacts, FakeDingTalk, FakeOpenApi, FakeWorkflow } from './index';
import { sandboxApprovals } from './sandboxApprovals';
import { sandboxPage } from './sandboxPage';
import { generateSandboxSecrets } from './startSandbox';
import { FakeStreamGateway } from './streamGateway';
import { postJson } from './testClient';

const secrets = generateSandboxSecrets();

describe('the sandbox page’s approvals', () => {
	const pushes: Array<{ query: string; body: { encrypt: string } }> = [];
	const trigger: Server = createServer((request, response) => {
		let text = '';
		request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
		request.on('end', () => {
			pushes.push({ query: request.url ?? '', body: JSON.parse(text) as { encrypt: string } });
			response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
		});
	});
	const fake = new FakeDingTalk();
	const openApi = new FakeOpenApi({
		apps: [{ appKey: secrets.appKey, appSecret: secrets.appSecret }],
	});
	const contacts = new FakeContacts(openApi, {
		users: ['u1', 'm1'].map((userid) => ({
			userid,
			unionid: `x${userid}`,
			name: userid,
			dept_id_list: [1],
		})),
	});
	const workflow = new FakeWorkflow(openApi, contacts, [
		{ processCode: 'PROC-1', name: 'Leave', approvers: ['m1'] },
	]);
	const stream = new FakeStreamGateway({
		apps: [{ clientId: secrets.appKey, clientSecret: secrets.appSecret }],
	});
	let base: string;

	beforeAll(async () => {
		await new Promise<void>((resolve) => trigger.listen(0, '127.0.0.1', resolve));
		const triggerUrl = `http://127.0.0.1:${(trigger.address() as AddressInfo).port}/webhook/events`;
		fake.use(openApi).use(contacts).use(workflow);
		fake.use(
			sandboxApprovals({
				workflow,
				appKey: secrets.appKey,
				eventToken: secrets.eventToken,
				eventAesKey: secrets.eventAesKey,
				eventTriggerUrl: triggerUrl,
				stream,
			}),
		);
		base = await fake.start();
	});
	afterAll(async () => {
		await fake.stop();
		await new Promise((resolve) => trigger.close(resolve));
	});

	it('lists a started approval with Approve and Reject, and an approval pushes its events', async () => {
		const token = (await postJson(`${base}/v1.0/oauth2/accessToken`, secrets)).json
			.accessToken as string;
		const started = await fetch(`${base}/v1.0/workflow/processInstances`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': token },
			body: JSON.stringify({
				processCode: 'PROC-1',
				originatorUserId: 'u1',
				formComponentValues: [{ name: 'Reason', value: '<b>trip</b>' }],
			}),
		});
		const { instanceId } = (await started.json()) as { instanceId: string };

		const listed = (await (await fetch(`${base}/sandbox/approvals`)).json()) as { html: string };
		expect(listed.html).toContain(`data-approval="${instanceId}" data-decision="agree"`);
		expect(listed.html).toContain('Reason: &lt;b&gt;trip&lt;/b&gt;');

		const acted = await postJson(`${base}/sandbox/approvals/act`, {
			processInstanceId: instanceId,
			decision: 'agree',
		});
		expect(acted.status).toBe(200);
		const deliveries = acted.json.deliveries as Array<Record<string, unknown>>;
		expect(deliveries.filter((d) => d.via === 'http')).toEqual([
			{ via: 'http', eventType: 'bpms_task_change', ok: true, detail: 'HTTP 200' },
			{ via: 'http', eventType: 'bpms_instance_change', ok: true, detail: 'HTTP 200' },
		]);
		// No Stream trigger is connected: the page says so instead of failing.
		expect(deliveries.filter((d) => d.via === 'stream').every((d) => d.ok === false)).toBe(true);

		const aesKey = deriveEventAesKey(secrets.eventAesKey);
		if (!aesKey.ok) throw new Error('bad key');
		const opened = pushes.map((push) => {
			const decrypted = decryptEventMessage({
				aesKey: aesKey.value,
				encrypt: push.body.encrypt,
				ownerKey: secrets.appKey,
			});
			if (!decrypted.ok) throw new Error('could not decrypt the push');
			return JSON.parse(decrypted.value.message) as Record<string, unknown>;
		});
		expect(opened[1]).toMatchObject({
			EventType: 'bpms_instance_change',
			processInstanceId: instanceId,
			type: 'finish',
			result: 'agree',
		});
		expect(pushes[0].query).toContain('msg_signature=');

		const after = (await (await fetch(`${base}/sandbox/approvals`)).json()) as { html: string };
		expect(after.html).not.toContain('data-decision');
		expect(after.html).toContain('<strong>agree</strong>');
		const again = await postJson(`${base}/sandbox/approvals/act`, {
			processInstanceId: instanceId,
			decision: 'refuse',
		});
		expect(again.status).toBe(409);
	});

	it('shows the Approvals section only when approvals are plugged in', () => {
		expect(sandboxPage(undefined, false, true).html).toContain('<section id="approvals"');
		expect(sandboxPage().html).not.toContain('<section id="approvals"');
	});
});
