import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';

import type { IDataObject } from 'n8n-workflow';

import { startStandInTrigger, type StandInTrigger } from '../sandbox/standInTrigger';
import { generateCredentials } from '../nodes/DingTalkTrigger/support/requests';
import { isEventAesKeyShape } from '../../nodes/shared/eventCrypto';
import {
	FakeDingTalk,
	FakeOpenApi,
	type SandboxAppRobotMessage,
	type SandboxOptions,
} from './index';
import { sandboxPeople } from './sandboxPeople';
import { startSandbox } from './startSandbox';
import { OK, postJson, signedSendUrl, textMessage } from './testClient';

const credentials = generateCredentials(4242);
const ROBOT = { token: 'sandbox-robot-token-7f3a', secret: 'SECsandbox0123456789' };

function sandboxFake(extra: Partial<ConstructorParameters<typeof FakeDingTalk>[0]> = {}) {
	return new FakeDingTalk({
		robots: [ROBOT],
		sandbox: {
			appKey: credentials.appKey,
			appSecret: credentials.appSecret,
			eventToken: credentials.eventToken,
			eventAesKey: credentials.eventAesKey,
		},
		...extra,
	});
}

async function getJson(url: string) {
	const response = await fetch(url);
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form JSON under test
	return { status: response.status, json: (await response.json()) as any };
}

/** GET with a Host header of our choice (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const request = httpRequest(url, { headers: { host } }, (response) => {
			response.resume();
			resolve(response.statusCode ?? 0);
		});
		request.on('error', reject);
		request.end();
	});
}

describe('sandbox page of the fake DingTalk server', () => {
	let fake: FakeDingTalk;
	let base: string;
	const triggers: StandInTrigger[] = [];

	beforeEach(async () => {
		fake = sandboxFake();
		base = await fake.start();
	});

	afterEach(async () => {
		await fake.stop();
		await Promise.all(triggers.splice(0).map((trigger) => trigger.close()));
	});

	async function sendSigned(body: unknown) {
		const answer = await postJson(signedSendUrl(base, ROBOT.token, ROBOT.secret, Date.now()), body);
		expect(answer.json).toEqual(OK);
	}

	async function robotTrigger(onItem?: (item: IDataObject) => Promise<void>) {
		const trigger = await startStandInTrigger({ mode: 'robot', credentials, onItem });
		triggers.push(trigger);
		return trigger;
	}

	async function eventTrigger(parameters: IDataObject = {}) {
		const trigger = await startStandInTrigger({ mode: 'event', credentials, parameters });
		triggers.push(trigger);
		return trigger;
	}

	describe('page and listing', () => {
		it('is not served unless the sandbox option is given', async () => {
			const plain = new FakeDingTalk();
			const plainBase = await plain.start();
			try {
				expect((await fetch(`${plainBase}/`)).status).toBe(404);
				expect((await fetch(`${plainBase}/sandbox/messages`)).status).toBe(404);
			} finally {
				await plain.stop();
			}
		});

		it('serves a self-contained page whose only script is allowed by its hash', async () => {
			const response = await fetch(`${base}/`);
			const html = await response.text();
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^text\/html/);
			const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
			expect(scripts).toHaveLength(1);
			const hash = createHash('sha256').update(scripts[0]).digest('base64');
			const policy = response.headers.get('content-security-policy') ?? '';
			expect(policy).toContain(`script-src 'sha256-${hash}'`);
			expect(policy).toContain("connect-src 'self'");
			// Nothing is loaded from elsewhere: the only link is the empty data: favicon.
			expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(?!data:)/);
			expect(fake.requests).toHaveLength(0);
		});

		it('lists the people of the sandbox organisation, for the Contact actions', async () => {
			const sandbox = await startSandbox({ people: sandboxPeople() });
			try {
				const html = await (await fetch(sandbox.pageUrl)).text();
				const section = /<section id="people"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
				const entries = [...section.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((entry) =>
					entry[1]
						.replace(/<[^>]+>/g, ' ')
						.replace(/\s+/g, ' ')
						.trim(),
				);
				expect(entries).toHaveLength(3);
				expect(entries[0]).toMatch(
					/^Sandbox User user ID sandbox-user-01 mobile 13800000000 unionId sandboxUnionUser01 Engineering \(2\) .*sends the robot @-messages/,
				);
				expect(entries[1]).toMatch(
					/^Wang Xiaoming user ID sandbox-new-hire-01 mobile 13800000001 unionId sandboxUnionNewHire01 Engineering \(2\) .*user_add_org/,
				);
				expect(entries[2]).toMatch(
					/^Li Lei user ID sandbox-leaver-01 Engineering \(2\) .*user_leave_org.*not in the contacts/,
				);
				expect(section).toContain('Departments: 1 Company, 2 Engineering');
			} finally {
				await sandbox.stop();
			}
		});

		it('has no people section when no people are given', async () => {
			expect(await (await fetch(`${base}/`)).text()).not.toContain('id="people"');
		});

		it('lists received messages newest first, rendered, and shows who an @ really notified', async () => {
			fake.addRobot({ ...ROBOT, members: [{ userId: 'member01' }] });
			await sendSigned(
				textMessage('Deploy done @member01 @outsider', {
					at: { atUserIds: ['member01', 'outsider', 'absent'] },
				}),
			);
			await sendSigned({
				msgtype: 'markdown',
				markdown: {
					title: 'Build',
					text: '#### Build **green**\n> [log](https://ci.example.com/1)',
				},
			});

			const { status, json } = await getJson(`${base}/sandbox/messages`);
			expect(status).toBe(200);
			expect(json.total).toBe(2);
			expect(json.messages.map((message: IDataObject) => message.msgtype)).toEqual([
				'markdown',
				'text',
			]);
			const [markdown, text] = json.messages;
			expect([markdown.id, text.id]).toEqual(['webhook:1', 'webhook:0']);
			expect(markdown.html).toContain('<h4>Build <strong>green</strong></h4>');
			expect(markdown.html).toContain('<a href="https://ci.example.com/1"');
			expect(text.html).toContain(
				'<span class="mention notified" title="notified">@member01</span>',
			);
			expect(text.html).toContain(
				'<span class="mention silent" title="not notified">@outsider</span>',
			);
			expect(text.html).toContain('Not notified: @outsider (not a member of the group)');
			expect(text.html).toContain('Not notified: @absent (@absent is not in the content)');
			expect(JSON.stringify(json)).not.toContain(ROBOT.token);
		});

		it('accepts the messages of a FakeOpenApi as they are', () => {
			const openApi = new FakeOpenApi();
			// A compile-time check as much as a runtime one: the shapes must stay compatible.
			const supplier: SandboxOptions['appRobotMessages'] = () => openApi.messages;
			expect(supplier?.()).toBe(openApi.messages);
		});

		it('merges app robot (OpenAPI) messages into the listing by time', async () => {
			const appMessages: SandboxAppRobotMessage[] = [];
			const withApp = new FakeDingTalk({
				robots: [ROBOT],
				sandbox: { appRobotMessages: () => appMessages },
			});
			const withAppBase = await withApp.start();
			try {
				const url = signedSendUrl(withAppBase, ROBOT.token, ROBOT.secret, Date.now());
				expect((await postJson(url, textMessage('from the webhook'))).json).toEqual(OK);
				appMessages.push({
					via: 'group',
					msgKey: 'sampleText',
					msgParam: { content: 'from the OpenAPI' },
					openConversationId: 'cid-x',
					receivedAt: Date.now() + 1000,
				});
				const { json } = await getJson(`${withAppBase}/sandbox/messages`);
				expect(json.total).toBe(2);
				expect(json.messages.map((message: IDataObject) => message.id)).toEqual([
					'app:0',
					'webhook:0',
				]);
				expect(json.messages[0].html).toContain('from the OpenAPI');
			} finally {
				await withApp.stop();
			}
		});

		it('clears the list on request and keeps page traffic out of the recorded requests', async () => {
			await sendSigned(textMessage('one'));
			const cleared = await postJson(`${base}/sandbox/clear`, {});
			expect(cleared.json).toEqual({ cleared: true });
			expect(fake.received).toHaveLength(0);
			expect((await getJson(`${base}/sandbox/messages`)).json.total).toBe(0);
			expect(fake.requests.map((request) => request.path)).toEqual(['/robot/send']);
		});

		it('answers only on loopback host names and only JSON posts', async () => {
			expect(await getWithHost(`${base}/`, 'attacker.example:80')).toBe(403);
			expect(await getWithHost(`${base}/`, `localhost:${new URL(base).port}`)).toBe(200);
			const form = await postJson(`${base}/sandbox/clear`, 'a=1', {
				contentType: 'application/x-www-form-urlencoded',
			});
			expect(form.status).toBe(415);
		});

		it('serves a placeholder picture with its label escaped', async () => {
			const response = await fetch(
				`${base}/sandbox/placeholder.svg?text=${encodeURIComponent('<b>&')}&color=00b365`,
			);
			const svg = await response.text();
			expect(response.headers.get('content-type')).toBe('image/svg+xml');
			expect(svg).toContain('fill="#00b365"');
			expect(svg).toContain('&lt;b&gt;&amp;</text>');
		});

		it('tells the page which forms work without revealing any secret', async () => {
			const { json } = await getJson(`${base}/sandbox/config`);
			expect(json.robot.ready).toBe(true);
			expect(json.event.ready).toBe(true);
			expect(json.event.eventTypes).toEqual(
				expect.arrayContaining([
					'check_url',
					'user_add_org',
					'bpms_instance_change',
					'chat_add_member',
				]),
			);
			const everything = JSON.stringify(json) + (await (await fetch(`${base}/`)).text());
			for (const secret of [
				credentials.appSecret,
				credentials.eventToken,
				credentials.eventAesKey,
			]) {
				expect(everything).not.toContain(secret);
			}
		});
	});

	describe('startSandbox (for npm run dev)', () => {
		it('starts a sandbox whose credential data n8n can use as it is', async () => {
			const sandbox = await startSandbox({
				robotTriggerUrl: 'http://127.0.0.1:5678/webhook/x/webhook',
			});
			try {
				const { robotCredentialData: robot, appCredentialData: app } = sandbox;
				expect(sandbox.pageUrl).toBe(`${robot.baseUrl}/`);
				expect((await fetch(sandbox.pageUrl)).status).toBe(200);
				const sent = await postJson(
					signedSendUrl(robot.baseUrl, robot.accessToken, robot.secret, Date.now()),
					textMessage('hello'),
				);
				expect(sent.json).toEqual(OK);
				expect(robot.secret).toMatch(/^SEC[0-9a-f]{64}$/);
				expect(isEventAesKeyShape(app.eventAesKey)).toBe(true);
				const { json } = await getJson(`${robot.baseUrl}/sandbox/config`);
				expect(json.robot).toMatchObject({
					ready: true,
					triggerUrl: 'http://127.0.0.1:5678/webhook/x/webhook',
				});
				expect(json.event.ready).toBe(true);
			} finally {
				await sandbox.stop();
			}
			const again = await startSandbox({ secrets: sandbox.secrets });
			await again.stop();
			expect(again.secrets).toEqual(sandbox.secrets);
		});
	});

	describe('firing a robot @-message', () => {
		it('is accepted by the real trigger and its session webhook reply lands on the page', async () => {
			const trigger = await robotTrigger(async (item) => {
				const reply = await postJson(
					String(item.sessionWebhook),
					textMessage(`pong: ${String(item.text)}`),
				);
				expect(reply.json).toEqual(OK);
			});
			const fired = await postJson(`${base}/sandbox/fire/robot`, {
				triggerUrl: trigger.url,
				text: 'ping',
				senderNick: 'Li Lei',
			});
			expect(fired.status).toBe(200);
			expect(fired.json.status).toBe(200);
			expect(JSON.parse(fired.json.body)).toEqual({ msgtype: 'empty' });
			expect(trigger.items).toHaveLength(1);
			expect(trigger.items[0]).toMatchObject({
				text: 'ping',
				messageType: 'text',
				sender: { nick: 'Li Lei', staffId: 'sandbox-user-01' },
				conversation: { type: 'group' },
				isInAtList: true,
			});
			expect(String(trigger.items[0].sessionWebhook)).toMatch(
				new RegExp(`^${base}/robot/sendBySession\\?session=`),
			);
			expect(fake.received).toHaveLength(1);
			expect(fake.received[0]).toMatchObject({
				via: 'session',
				body: { text: { content: 'pong: ping' } },
			});
			expect(fired.json.sent.headers.sign).toEqual(expect.any(String));
			expect(JSON.stringify(fired.json)).not.toContain(credentials.appSecret);
		});

		it.each([
			['wrong', 'signMismatch'],
			['stale', 'staleTimestamp'],
		])(
			'with a %s signature is refused by the trigger (%s) and starts nothing',
			async (signature, reason) => {
				const trigger = await robotTrigger();
				const fired = await postJson(`${base}/sandbox/fire/robot`, {
					triggerUrl: trigger.url,
					text: 'ping',
					signature,
				});
				expect(fired.json.status).toBe(401);
				expect(JSON.parse(fired.json.body).error).toBe(reason);
				expect(trigger.items).toHaveLength(0);
			},
		);

		it('sends single-chat messages without the leading space of a group @', async () => {
			const trigger = await robotTrigger();
			await postJson(`${base}/sandbox/fire/robot`, {
				triggerUrl: trigger.url,
				text: '/status',
				chatType: 'single',
			});
			expect(trigger.items[0]).toMatchObject({ text: '/status', conversation: { type: 'single' } });
		});

		it.each([
			'http://example.com/webhook/x/webhook',
			'http://10.0.0.8:5678/webhook',
			'http://127.0.0.1.nip.io/webhook',
			'http://user:pw@127.0.0.1/webhook',
			'file:///etc/passwd',
			'not a url',
		])('refuses to fire at %s', async (triggerUrl) => {
			const fired = await postJson(`${base}/sandbox/fire/robot`, { triggerUrl, text: 'ping' });
			expect(fired.status).toBe(400);
			expect(fired.json.error).toEqual(expect.any(String));
		});

		it('refuses an empty message and an unknown signature option', async () => {
			const trigger = await robotTrigger();
			const empty = await postJson(`${base}/sandbox/fire/robot`, {
				triggerUrl: trigger.url,
				text: ' ',
			});
			const odd = await postJson(`${base}/sandbox/fire/robot`, {
				triggerUrl: trigger.url,
				text: 'x',
				signature: 'none',
			});
			expect([empty.status, odd.status]).toEqual([400, 400]);
			expect(trigger.items).toHaveLength(0);
		});

		it('reports a trigger that does not answer', async () => {
			const trigger = await robotTrigger();
			await trigger.close();
			const fired = await postJson(`${base}/sandbox/fire/robot`, {
				triggerUrl: trigger.url,
				text: 'ping',
			});
			expect(fired.json).toMatchObject({ status: 0, error: 'ECONNREFUSED' });
		});

		it('is unavailable without an app secret', async () => {
			const bare = new FakeDingTalk({ sandbox: { robotTriggerUrl: 'http://127.0.0.1:9/x' } });
			const bareBase = await bare.start();
			try {
				const config = await getJson(`${bareBase}/sandbox/config`);
				expect(config.json.robot).toMatchObject({ ready: false, problem: expect.any(String) });
				expect(config.json.event.ready).toBe(false);
				const fired = await postJson(`${bareBase}/sandbox/fire/robot`, { text: 'ping' });
				expect(fired.status).toBe(409);
			} finally {
				await bare.stop();
			}
		});
	});

	describe('firing an encrypted event', () => {
		it('answers check_url with a reply that decrypts to success and starts nothing', async () => {
			const trigger = await eventTrigger();
			const fired = await postJson(`${base}/sandbox/fire/event`, {
				triggerUrl: trigger.url,
				eventType: 'check_url',
			});
			expect(fired.json.status).toBe(200);
			expect(fired.json.reply).toEqual({
				success: true,
				detail: 'The answer decrypts to "success".',
			});
			expect(trigger.items).toHaveLength(0);
		});

		it('starts one execution per event, and a retry with the same eventId starts nothing more', async () => {
			const trigger = await eventTrigger({ eventTypes: ['user_add_org'] });
			const first = await postJson(`${base}/sandbox/fire/event`, {
				triggerUrl: trigger.url,
				eventType: 'user_add_org',
			});
			expect(first.json.reply.success).toBe(true);
			expect(trigger.items).toHaveLength(1);
			expect(trigger.items[0]).toMatchObject({
				eventType: 'user_add_org',
				corpId: 'dingsandboxcorp0001',
				data: { userId: ['sandbox-new-hire-01'] },
			});
			const eventId = trigger.items[0].eventId;
			expect(eventId).toMatch(/^[0-9a-f]{32}$/);

			const retry = await postJson(`${base}/sandbox/fire/event`, {
				triggerUrl: trigger.url,
				retry: true,
			});
			expect(retry.json.reply.success).toBe(true);
			expect(JSON.parse(retry.json.sent.plaintext).eventId).toBe(eventId);
			expect(trigger.items).toHaveLength(1);

			const another = await postJson(`${base}/sandbox/fire/event`, {
				triggerUrl: trigger.url,
				eventType: 'user_add_org',
			});
			expect(another.json.reply.success).toBe(true);
			expect(trigger.items).toHaveLength(2);
			expect(trigger.items[1].eventId).not.toBe(eventId);
		});

		it('sends an event JSON given by the user as it is', async () => {
			const trigger = await eventTrigger();
			const event = {
				EventType: 'calendar_event_change',
				eventId: 'custom-1',
				calendarEventId: 'e1',
			};
			const fired = await postJson(`${base}/sandbox/fire/event`, {
				triggerUrl: trigger.url,
				event: JSON.stringify(event),
			});
			expect(fired.json.status).toBe(200);
			expect(trigger.items[0]).toMatchObject({
				eventType: 'calendar_event_change',
				eventId: 'custom-1',
				data: { calendarEventId: 'e1' },
			});
			const broken = await postJson(`${base}/sandbox/fire/event`, {
				triggerUrl: trigger.url,
				event: '[1]',
			});
			expect(broken.status).toBe(400);
		});

		it.each([
			['wrong', 401, 'signMismatch'],
			['stale', 401, 'staleTimestamp'],
		])('with a %s signature is refused (%i %s)', async (signature, status, reason) => {
			const trigger = await eventTrigger();
			const fired = await postJson(`${base}/sandbox/fire/event`, {
				triggerUrl: trigger.url,
				eventType: 'chat_add_member',
				signature,
			});
			expect(fired.json.status).toBe(status);
			expect(JSON.parse(fired.json.body).error).toBe(reason);
			expect(fired.json.reply).toBeUndefined();
			expect(trigger.items).toHaveLength(0);
		});

		it('shows the trigger refusing an event encrypted for another owner key', async () => {
			const other = sandboxFake({
				sandbox: { ...credentials, ownerKey: 'another-owner' },
			});
			const otherBase = await other.start();
			try {
				const trigger = await eventTrigger();
				const fired = await postJson(`${otherBase}/sandbox/fire/event`, {
					triggerUrl: trigger.url,
					eventType: 'check_url',
				});
				// Past a valid signature the trigger gives one answer for every failure.
				expect(fired.json.status).toBe(400);
				expect(JSON.parse(fired.json.body).error).toBe('eventUnreadable');
			} finally {
				await other.stop();
			}
		});

		it('has nothing to retry before the first event', async () => {
			const trigger = await eventTrigger();
			const fired = await postJson(`${base}/sandbox/fire/event`, {
				triggerUrl: trigger.url,
				retry: true,
			});
			expect(fired.status).toBe(409);
		});
	});
});
