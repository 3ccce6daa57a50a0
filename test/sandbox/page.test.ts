import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { DingTalkStreamTrigger } from '../../nodes/DingTalkStreamTrigger/DingTalkStreamTrigger.node';
import { clearDedupeCaches } from '../../nodes/shared/dedupe';
import { FakeCards, FakeContacts, FakeDingTalk, FakeOpenApi, FakeTodo } from '../fake-dingtalk';
import { sandboxCards } from '../fake-dingtalk/sandboxCards';
import { sandboxTodos } from '../fake-dingtalk/sandboxTodos';
import { FakeStreamGateway } from '../fake-dingtalk/streamGateway';
import { OK, postJson, signedSendUrl } from '../fake-dingtalk/testClient';
import { activateTrigger, type ActivatedTrigger } from '../helpers/runTrigger';
import {
	provideWebSocket,
	restoreWebSocket,
	until,
} from '../nodes/DingTalkStreamTrigger/streamTestSetup';
import { generateCredentials } from '../nodes/DingTalkTrigger/support/requests';
import { eventually, missing, openChromium, type Browser, type Page } from './chromium';
import { startStandInStreamWorkflow, type StandInStreamWorkflow } from './standInStreamWorkflow';
import { startStandInTrigger, type StandInTrigger } from './standInTrigger';

/**
 * Drives the sandbox page in Debian's headless Chromium through playwright-core (no browser
 * download). Skipped, saying why, when either is missing.
 */

const SCREENSHOT = path.join(__dirname, '..', '..', 'test-results', 'sandbox.png');

if (missing) {
	console.warn(`Sandbox page test skipped: ${missing}.`);
	describe('sandbox page in headless Chromium', () => {
		it.skip(`skipped: ${missing}`, () => undefined);
	});
} else {
	describe('sandbox page in headless Chromium', () => {
		jest.setTimeout(90_000);

		const credentials = generateCredentials(9090);
		const robot = {
			token: 'sandbox-page-robot-42ab',
			secret: 'SECsandboxPageSecret0001',
			members: [{ userId: 'alice01' }, { mobile: '13800000000' }],
		};
		let fake: FakeDingTalk;
		let base: string;
		let robotTrigger: StandInTrigger;
		let eventTrigger: StandInTrigger;
		let gateway: FakeStreamGateway;
		let streamBot: StandInStreamWorkflow | undefined;
		let streamEvents: ActivatedTrigger | undefined;
		let streamCards: ActivatedTrigger | undefined;
		let browser: Browser;
		let page: Page;
		const pageProblems: string[] = [];

		const picture = (text: string, color: string) =>
			`${base}/sandbox/placeholder.svg?text=${encodeURIComponent(text)}&color=${color}`;

		/** Sends like the action node: signed /robot/send with a fresh timestamp. */
		async function send(message: IDataObject) {
			const answer = await postJson(
				signedSendUrl(base, robot.token, robot.secret, Date.now()),
				message,
			);
			expect(answer.json).toEqual(OK);
		}

		beforeAll(async () => {
			robotTrigger = await startStandInTrigger({
				mode: 'robot',
				credentials,
				// Plays the command bot: answers through the message's session webhook.
				onItem: async (item) => {
					const sender = item.sender as IDataObject;
					const reply = await postJson(String(item.sessionWebhook), {
						msgtype: 'markdown',
						markdown: {
							title: 'Status',
							text: `#### Status\nAll systems **operational**, @${String(sender.staffId)}`,
						},
						at: { atUserIds: [String(sender.staffId)] },
					});
					expect(reply.json).toEqual(OK);
				},
			});
			eventTrigger = await startStandInTrigger({ mode: 'event', credentials });
			provideWebSocket();
			clearDedupeCaches();
			gateway = new FakeStreamGateway({
				apps: [{ clientId: credentials.appKey, clientSecret: credentials.appSecret }],
			});
			await gateway.start();
			fake = new FakeDingTalk({
				robots: [robot],
				sandbox: {
					appKey: credentials.appKey,
					appSecret: credentials.appSecret,
					eventToken: credentials.eventToken,
					eventAesKey: credentials.eventAesKey,
					robotTriggerUrl: robotTrigger.url,
					eventTriggerUrl: eventTrigger.url,
					stream: gateway,
					cards: true,
					todos: true,
				},
			});
			// As startSandbox does: connections/open and the OpenAPI on one API Base URL.
			fake.use(gateway);
			const openApi = new FakeOpenApi({
				apps: [
					{
						appKey: credentials.appKey,
						appSecret: credentials.appSecret,
						groups: ['cidSandboxGroup0001=='],
						users: ['sandbox-user-01'],
					},
				],
			});
			const cards = new FakeCards(openApi, { acceptAnyTemplate: true, gateway });
			fake.use(openApi).use(cards).use(sandboxCards(cards, credentials.appKey));
			const contacts = new FakeContacts(openApi, {
				users: [{ userid: 'alice01', unionid: 'unionAlice01', name: 'Alice', dept_id_list: [1] }],
			});
			const todo = new FakeTodo(openApi, contacts);
			fake.use(contacts).use(todo).use(sandboxTodos({ todo, contacts }));
			base = await fake.start();

			await send({
				msgtype: 'text',
				text: { content: 'Deploy of api finished @alice01 @13900000000' },
				at: { atUserIds: ['alice01'], atMobiles: ['13900000000'] },
			});
			await send({
				msgtype: 'markdown',
				markdown: {
					title: 'Build #42 failed',
					text: [
						'### Build #42 failed',
						'> branch **main**, *3 tests* failing',
						'',
						'1. checkout',
						'2. test',
						'',
						'- [Open the log](https://ci.example.com/42)',
						`![chart](${picture('chart', '5b8ff9')})`,
					].join('\n'),
				},
			});
			await send({
				msgtype: 'link',
				link: {
					title: 'Release notes 2.0',
					text: 'Faster sends, working @-mentions and a sandbox to try them.',
					messageUrl: 'https://example.com/release-2.0',
					picUrl: picture('2.0', '00b365'),
				},
			});
			await send({
				msgtype: 'actionCard',
				actionCard: {
					title: 'Approve the release?',
					text: '#### Release 2.0\nReady to ship to **production**.',
					btns: [
						{ title: 'Approve', actionURL: 'https://example.com/approve' },
						{ title: 'Reject', actionURL: 'https://example.com/reject' },
					],
					btnOrientation: '0',
				},
			});
			await send({
				msgtype: 'actionCard',
				actionCard: {
					title: 'Incident',
					text: 'Disk almost full on **db-1**',
					btns: [
						{ title: 'Acknowledge', actionURL: 'https://example.com/ack' },
						{ title: 'Silence', actionURL: 'https://example.com/silence' },
					],
					btnOrientation: '1',
				},
			});
			await send({
				msgtype: 'feedCard',
				feedCard: {
					links: [
						{
							title: 'Weekly report',
							messageURL: 'https://example.com/w',
							picURL: picture('Weekly', 'f6903d'),
						},
						{
							title: 'Roadmap',
							messageURL: 'https://example.com/r',
							picURL: picture('Map', '7262fd'),
						},
						{
							title: 'Team news',
							messageURL: 'https://example.com/n',
							picURL: picture('News', '3296fa'),
						},
					],
				},
			});

			({ browser, page } = await openChromium());
			page.on('console', (message) => {
				if (message.type() === 'error') pageProblems.push(message.text());
			});
			page.on('pageerror', (error) => pageProblems.push(error.message));
			await page.goto(`${base}/`);
			await eventually(async () => expect(await page.locator('article.message').count()).toBe(6));
		});

		afterAll(async () => {
			await browser?.close();
			await streamBot?.close();
			await streamEvents?.close();
			await streamCards?.close();
			await gateway?.stop();
			restoreWebSocket();
			await fake?.stop();
			await robotTrigger?.close();
			await eventTrigger?.close();
		});

		it('lists the messages newest first', async () => {
			const kinds = await Promise.all(
				[0, 1, 2, 3, 4, 5].map((n) =>
					page.locator(`article.message >> nth=${n}`).getAttribute('data-msgtype'),
				),
			);
			expect(kinds).toEqual(['feedCard', 'actionCard', 'actionCard', 'link', 'markdown', 'text']);
			expect(await page.locator('#count').textContent()).toBe('6 messages');
		});

		it('highlights @-mentions and says who was really notified', async () => {
			const text = page.locator('article[data-msgtype="text"]');
			expect(await text.locator('.mention.notified').allTextContents()).toEqual(['@alice01']);
			expect(await text.locator('.mention.silent').allTextContents()).toEqual(['@13900000000']);
			expect(await text.locator('.silent-list').textContent()).toBe(
				'Not notified: @13900000000 (not a member of the group)',
			);
		});

		it('renders markdown', async () => {
			const markdown = page.locator('article[data-msgtype="markdown"] .bubble');
			expect(await markdown.locator('h3').textContent()).toBe('Build #42 failed');
			expect(await markdown.locator('blockquote strong').textContent()).toBe('main');
			expect(await markdown.locator('blockquote em').textContent()).toBe('3 tests');
			expect(await markdown.locator('ol li').allTextContents()).toEqual(['checkout', 'test']);
			expect(await markdown.locator('ul a').getAttribute('href')).toBe('https://ci.example.com/42');
			expect(await markdown.locator('img').getAttribute('alt')).toBe('chart');
			const notification = page.locator('article[data-msgtype="markdown"] .notification');
			expect(await notification.textContent()).toBe('Build #42 failed');
		});

		it('renders link, action and feed cards with their buttons', async () => {
			const link = page.locator('article[data-msgtype="link"] a.link-card');
			expect(await link.getAttribute('href')).toBe('https://example.com/release-2.0');
			expect(await link.locator('.link-title').textContent()).toBe('Release notes 2.0');

			const vertical = page.locator('.card-buttons.vertical .card-button');
			expect(await vertical.allTextContents()).toEqual(['Approve', 'Reject']);
			const horizontal = page.locator('.card-buttons.horizontal .card-button');
			expect(await horizontal.allTextContents()).toEqual(['Acknowledge', 'Silence']);
			expect(await horizontal.first().getAttribute('href')).toBe('https://example.com/ack');

			const feed = page.locator('article[data-msgtype="feedCard"]');
			expect(await feed.locator('.feed-title').allTextContents()).toEqual([
				'Weekly report',
				'Roadmap',
				'Team news',
			]);
			expect(await feed.locator('img.feed-cover').count()).toBe(1);
		});

		it('shows the trigger rejecting a wrong signature', async () => {
			await page.locator('#robot-signature').selectOption('wrong');
			await page.locator('#robot-send').click();
			await eventually(async () =>
				expect(await page.locator('#robot-result .headline').textContent()).toBe(
					'Trigger answered HTTP 401 (rejected)',
				),
			);
			expect(await page.locator('#robot-result').getAttribute('class')).toBe('result rejected');
			expect(await page.locator('#robot-result pre.answer').textContent()).toContain(
				'signMismatch',
			);
			expect(robotTrigger.items).toHaveLength(0);
			await page.locator('#robot-signature').selectOption('valid');
		});

		it('fires a signed robot @-message and shows the reply sent through the session webhook', async () => {
			expect(await page.locator('#robot-url').inputValue()).toBe(robotTrigger.url);
			await page.locator('#robot-text').fill('/status');
			await page.locator('#robot-send').click();
			await eventually(async () =>
				expect(await page.locator('#robot-result .headline').textContent()).toBe(
					'Trigger answered HTTP 200 (accepted)',
				),
			);
			expect(await page.locator('#robot-result pre.answer').textContent()).toBe(
				'{"msgtype":"empty"}',
			);
			expect(robotTrigger.items.map((item) => item.text)).toEqual(['/status']);

			const reply = page.locator('article.message >> nth=0');
			await eventually(async () => expect(await reply.getAttribute('data-via')).toBe('session'));
			expect(await reply.locator('.sender').textContent()).toBe(
				'Reply through the session webhook',
			);
			expect(await reply.locator('h4').textContent()).toBe('Status');
			expect(await reply.locator('.mention.notified').allTextContents()).toEqual([
				'@sandbox-user-01',
			]);
		});

		it('fires an encrypted event and checks that the reply decrypts to success', async () => {
			await page.locator('#event-type').selectOption('user_add_org');
			await page.locator('#event-send').click();
			await eventually(async () =>
				expect(await page.locator('#event-result .reply').textContent()).toBe(
					'Reply: The answer decrypts to "success".',
				),
			);
			expect(eventTrigger.items).toEqual([
				expect.objectContaining({
					eventType: 'user_add_org',
					data: expect.objectContaining({ userId: ['sandbox-new-hire-01'] }),
				}),
			]);
		});

		describe('Send over Stream', () => {
			const appCredentials = () => ({
				dingTalkAppApi: {
					...credentials,
					apiBaseUrl: base,
					oapiBaseUrl: base,
				},
			});
			const live = () => page.locator('#stream-connections');
			const headline = () => page.locator('#stream-result .headline');

			it('says no Stream connection is live and refuses to push before a trigger connects', async () => {
				expect(await live().getAttribute('data-count')).toBe('0');
				expect(await live().textContent()).toBe(
					'No live Stream connection: publish a workflow with a DingTalk Stream Trigger.',
				);
				await page.locator('#stream-robot-send').click();
				await eventually(async () =>
					expect(await headline().textContent()).toMatch(
						/^Not sent: No live Stream connection subscribed to CALLBACK \/v1\.0\/im\/bot\/messages\/get\. Publish a workflow with a DingTalk Stream Trigger/,
					),
				);
				expect(await page.locator('#stream-result').getAttribute('class')).toBe('result rejected');
				expect(gateway.connections).toHaveLength(0);
				// Chromium reports the 409 answer in the console; it is the only problem expected.
				await eventually(async () =>
					expect(pageProblems.filter((problem) => problem.includes('409'))).toHaveLength(1),
				);
				const others = pageProblems.filter((problem) => !problem.includes('409'));
				pageProblems.splice(0, pageProblems.length, ...others);
			});

			it('counts the live connection of the Stream command bot example once it connected', async () => {
				streamBot = await startStandInStreamWorkflow(appCredentials());
				expect(gateway.liveConnections().map((connection) => connection.clientId)).toEqual([
					credentials.appKey,
				]);
				await eventually(async () => expect(await live().getAttribute('data-count')).toBe('1'));
				expect(await live().textContent()).toBe('1 live Stream connection');
			});

			it('pushes a robot @-message; the example answers through the session webhook and the ACK shows', async () => {
				await page.locator('#stream-text').fill('/help');
				await page.locator('#stream-robot-send').click();
				await eventually(async () =>
					expect(await headline().textContent()).toBe('Trigger ACKed 200 OK'),
				);
				expect(await page.locator('#stream-result').getAttribute('class')).toBe('result ok');
				expect(streamBot!.trigger.emitted).toEqual([
					[
						expect.objectContaining({
							text: '/help',
							sender: expect.objectContaining({ staffId: 'sandbox-user-01' }),
							sessionWebhook: expect.stringMatching(`^${base}/robot/sendBySession\\?session=`),
						}),
					],
				]);
				await streamBot!.settled();
				expect(streamBot!.failures).toEqual([]);
				expect(streamBot!.replies).toEqual([
					expect.objectContaining({ sentTo: 'sessionWebhook', mentioned: ['sandbox-user-01'] }),
				]);

				const reply = page.locator('article.message >> nth=0');
				await eventually(async () =>
					expect(await reply.locator('h4').textContent()).toBe('Commands'),
				);
				expect(await reply.getAttribute('data-via')).toBe('session');
				expect(await reply.locator('.mention.notified').allTextContents()).toEqual([
					'@sandbox-user-01',
				]);
				await eventually(async () =>
					expect(await page.locator('#stream-pushes li').allTextContents()).toEqual([
						'Message /help: ACK 200',
					]),
				);
			});

			it('pushes an event to a Stream trigger receiving events, which ACKs SUCCESS', async () => {
				streamEvents = await activateTrigger({
					nodeType: new DingTalkStreamTrigger(),
					typeName: 'n8n-nodes-dingtalk-robot.dingTalkStreamTrigger',
					parameters: { receive: ['events'] },
					credentials: appCredentials(),
					nodeId: 'stream-events-trigger',
				});
				await eventually(async () => expect(await live().getAttribute('data-count')).toBe('2'));
				await page.locator('#stream-event-type').selectOption('user_add_org');
				await page.locator('#stream-event-send').click();
				await eventually(async () =>
					expect(await headline().textContent()).toBe('Trigger ACKed 200 SUCCESS'),
				);
				await until(() => streamEvents!.emitted.length === 1);
				expect(streamEvents!.emitted[0]).toEqual([
					expect.objectContaining({
						eventType: 'user_add_org',
						corpId: 'dingsandboxcorp0001',
						data: expect.objectContaining({ userId: ['sandbox-new-hire-01'] }),
					}),
				]);
				// The robot-only example was not given the event.
				expect(streamBot!.trigger.emitted).toHaveLength(1);
				await eventually(async () =>
					expect(await page.locator('#stream-pushes li').allTextContents()).toEqual([
						'Event user_add_org: ACK 200 SUCCESS',
						'Message /help: ACK 200',
					]),
				);
			});

			it('shows a sent interactive card and a stand-in click updates it through the trigger’s answer', async () => {
				streamCards = await activateTrigger({
					nodeType: new DingTalkStreamTrigger(),
					typeName: 'n8n-nodes-dingtalk-robot.dingTalkStreamTrigger',
					parameters: {
						receive: ['cardCallbacks'],
						options: { cardAnswerPublic: '{"status": "Done by {userId}"}' },
					},
					credentials: appCredentials(),
					nodeId: 'stream-cards-trigger',
				});
				const token = (
					await postJson(`${base}/v1.0/oauth2/accessToken`, {
						appKey: credentials.appKey,
						appSecret: credentials.appSecret,
					})
				).json.accessToken as string;
				const created = await fetch(`${base}/v1.0/card/instances/createAndDeliver`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': token },
					body: JSON.stringify({
						cardTemplateId: 'sandbox-alert.schema',
						outTrackId: 'alert-card-1',
						callbackType: 'STREAM',
						cardData: { cardParamMap: { title: 'Disk full on <b>db-1</b>', status: 'firing' } },
						openSpaceId: 'dtv1.card//IM_GROUP.cidSandboxGroup0001==',
						imGroupOpenDeliverModel: { robotCode: credentials.appKey },
					}),
				});
				expect(created.status).toBe(200);
				const card = page.locator('#cards-list .icard');
				await eventually(async () => expect(await card.count()).toBe(1));
				expect(await card.locator('dd').allTextContents()).toEqual([
					'Disk full on <b>db-1</b>',
					'firing',
				]);
				await page.locator('#cards-params').fill('{"action": "ack"}');
				await card.locator('button').click();
				await eventually(async () =>
					expect(await page.locator('#cards-result .headline').textContent()).toBe(
						'Trigger ACKed 200',
					),
				);
				expect(streamCards.emitted[0]).toEqual([
					expect.objectContaining({
						userId: 'sandbox-user-01',
						outTrackId: 'alert-card-1',
						params: { action: 'ack' },
					}),
				]);
				await eventually(async () =>
					expect(await card.locator('dd').allTextContents()).toEqual([
						'Disk full on <b>db-1</b>',
						'Done by sandbox-user-01',
					]),
				);
			});
		});

		it('lists a to-do the app created, escaped, and shows it done once updated', async () => {
			expect(await page.locator('#todos').getAttribute('hidden')).not.toBeNull();
			const token = (
				await postJson(`${base}/v1.0/oauth2/accessToken`, {
					appKey: credentials.appKey,
					appSecret: credentials.appSecret,
				})
			).json.accessToken as string;
			const tasks = `${base}/v1.0/todo/users/unionAlice01/tasks`;
			const headers = { 'Content-Type': 'application/json', 'x-acs-dingtalk-access-token': token };
			const created = await fetch(tasks, {
				method: 'POST',
				headers,
				body: JSON.stringify({
					subject: 'Review <b>contract</b>',
					executorIds: ['unionAlice01'],
					priority: 30,
					detailUrl: { pcUrl: 'https://example.com/contract', appUrl: 'javascript:alert(1)' },
				}),
			});
			const { id } = (await created.json()) as { id: string };
			const entry = page.locator(`#todo-list li[data-id="${id}"]`);
			await eventually(async () => expect(await entry.count()).toBe(1));
			expect(await page.locator('#todos').getAttribute('hidden')).toBeNull();
			expect(await entry.locator('.name').textContent()).toBe('Review <b>contract</b>');
			expect(await entry.locator('b').count()).toBe(0);
			expect(await entry.textContent()).toContain('for Alice');
			expect(await entry.locator('a').getAttribute('href')).toBe('https://example.com/contract');
			expect(await entry.locator('.state').textContent()).toBe('open');

			const updated = await fetch(`${tasks}/${id}?operatorId=unionAlice01`, {
				method: 'PUT',
				headers,
				body: JSON.stringify({ done: true }),
			});
			expect(updated.status).toBe(200);
			await eventually(async () => expect(await entry.getAttribute('data-done')).toBe('true'));
			expect(await entry.locator('.state').textContent()).toBe('done');
		});

		it('runs without script errors or blocked resources, and saves a screenshot', async () => {
			mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
			await page.screenshot({ path: SCREENSHOT, fullPage: true });
			expect(existsSync(SCREENSHOT)).toBe(true);
			expect(pageProblems).toEqual([]);
		});
	});
}
