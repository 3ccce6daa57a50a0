import { DingTalkRobot } from '../../../../../nodes/DingTalkRobot/DingTalkRobot.node';
import { effectiveResource } from '../../../../../nodes/DingTalkRobot/actions/sendAndWait/askThrough';
import { asHitlTool, shownCredentials, shownFields } from '../../support/shownFields';

const node = new DingTalkRobot().description;
const tool = asHitlTool(node);

describe('Ask Through: the Human in the Loop tool asks through the custom robot or the App Robot', () => {
	it('n8n builds the tool on the custom robot: links, the robot credential, Ask Through offered', () => {
		expect(shownCredentials(tool, {})).toEqual(['dingTalkRobotApi']);
		const fields = shownFields(tool, {});
		expect(fields).toEqual(
			expect.arrayContaining(['askThrough', 'sendTo', 'cardTitle', 'linksNoticeInTool']),
		);
		expect(fields).not.toContain('linksNotice');
		expect(fields).not.toContain('answerVia');
		expect(fields).not.toContain('sendAndWaitTo');
	});

	it('through the App Robot: its fields and credential instead of the custom robot’s', () => {
		const parameters = { askThrough: 'appRobot' };
		expect(shownCredentials(tool, parameters)).toEqual(['dingTalkAppApi']);
		const fields = shownFields(tool, parameters);
		expect(fields).toEqual(
			expect.arrayContaining([
				'askThrough',
				'answerVia',
				'sendAndWaitTo',
				'openConversationId',
				'cardTitle',
				'approvalOptions',
				'options',
			]),
		);
		for (const customRobotOnly of ['sendTo', 'sessionWebhook', 'linksNoticeInTool']) {
			expect(fields).not.toContain(customRobotOnly);
		}
		expect(shownFields(tool, { ...parameters, answerVia: 'cardButtons' })).toEqual(
			expect.arrayContaining(['cardTemplateId', 'approvers']),
		);
		expect(shownFields(tool, { ...parameters, sendAndWaitTo: 'users' })).toContain('userIds');
	});

	it('leaves the node itself as it was: no Ask Through choice, each resource its own fields', () => {
		const customRobot = shownFields(node, { resource: 'message', operation: 'sendAndWait' });
		expect(customRobot).toEqual(expect.arrayContaining(['sendTo', 'cardTitle', 'linksNotice']));
		expect(customRobot).not.toContain('linksNoticeInTool');
		expect(customRobot).not.toContain('answerVia');
		const appRobot = shownFields(node, { resource: 'appRobot', operation: 'sendAndWait' });
		expect(appRobot).toEqual(expect.arrayContaining(['answerVia', 'sendAndWaitTo', 'cardTitle']));
		expect(appRobot).not.toContain('askThrough');
		expect(appRobot).not.toContain('sendTo');
		const choice = node.properties.filter(
			(property) => property.name === 'askThrough' && property.type === 'options',
		);
		expect(choice.map((property) => property.displayOptions?.show?.['@tool'])).toEqual([[true]]);
	});

	it('leaves the node’s AI tool (DingTalk Robot Tool) one credential per resource', () => {
		const aiTool = { ...node, name: `${node.name}Tool` };
		for (const operation of ['sendText', 'sendAndWait']) {
			expect(shownCredentials(aiTool, { resource: 'message', operation })).toEqual([
				'dingTalkRobotApi',
			]);
		}
		expect(shownCredentials(aiTool, { resource: 'contact', operation: 'getUser' })).toEqual([
			'dingTalkAppApi',
		]);
		expect(
			shownCredentials(aiTool, {
				resource: 'message',
				operation: 'sendAndWait',
				askThrough: 'appRobot',
			}),
		).toEqual(['dingTalkAppApi']);
	});

	it('runs the App Robot’s Send and Wait only for a tool asking through it', () => {
		expect(effectiveResource('message', 'sendAndWait', 'appRobot')).toBe('appRobot');
		expect(effectiveResource('message', 'sendAndWait', 'customRobot')).toBe('message');
		expect(effectiveResource('message', 'sendText', 'appRobot')).toBe('message');
		expect(effectiveResource('contact', 'getUser', undefined)).toBe('contact');
	});
});
