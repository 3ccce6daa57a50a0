import type { INodeProperties } from 'n8n-workflow';

import { DingTalkRobot } from '../../../../../nodes/DingTalkRobot/DingTalkRobot.node';
import { shownCredentials } from '../../support/shownFields';

const description = new DingTalkRobot().description;

/** Properties the editor shows for an App Robot operation and template (by their displayOptions). */
function visibleFields(operation: string, msgKey: string): string[] {
	const shown = (property: INodeProperties) => {
		const show = property.displayOptions?.show ?? {};
		return (
			(show.resource ?? []).includes('appRobot') &&
			(show.operation ?? []).includes(operation) &&
			(show.msgKey === undefined || show.msgKey.includes(msgKey))
		);
	};
	return description.properties
		.filter((property) => shown(property) && property.displayOptions?.show?.msgKey)
		.map((property) => property.name);
}

// DingTalk's template table (消息模板), written out independently of the node's own table.
const FORMS: Record<string, string[]> = {
	sampleText: ['content'],
	sampleMarkdown: ['title', 'text'],
	sampleImageMsg: ['photoURL'],
	sampleLink: ['title', 'text', 'messageUrl', 'picUrl'],
	sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
	sampleActionCard2: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2'],
	sampleActionCard3: [
		'title',
		'text',
		'actionTitle1',
		'actionURL1',
		'actionTitle2',
		'actionURL2',
		'actionTitle3',
		'actionURL3',
	],
	sampleActionCard4: [
		'title',
		'text',
		'actionTitle1',
		'actionURL1',
		'actionTitle2',
		'actionURL2',
		'actionTitle3',
		'actionURL3',
		'actionTitle4',
		'actionURL4',
	],
	sampleActionCard5: [
		'title',
		'text',
		'actionTitle1',
		'actionURL1',
		'actionTitle2',
		'actionURL2',
		'actionTitle3',
		'actionURL3',
		'actionTitle4',
		'actionURL4',
		'actionTitle5',
		'actionURL5',
	],
	sampleActionCard6: ['title', 'text', 'buttonTitle1', 'buttonUrl1', 'buttonTitle2', 'buttonUrl2'],
	sampleAudio: ['mediaId', 'duration'],
	sampleFile: ['mediaId', 'fileName', 'fileType'],
	sampleVideo: ['videoMediaId', 'videoType', 'duration', 'picMediaId', 'width', 'height'],
	raw: ['rawMsgKey', 'msgParam'],
};

describe('node description', () => {
	it('offers the App Robot, Contact, To-Do and Approval resources after Message, which stays the default', () => {
		const resource = description.properties.find((property) => property.name === 'resource')!;
		expect(resource.default).toBe('message');
		expect(resource.options?.map((option) => (option as { value: string }).value)).toEqual([
			'message',
			'appRobot',
			'contact',
			'todo',
			'approval',
		]);
	});

	it('asks for the robot credential on Message, the app credential on the app resources, and a source key only when Reply with AI Card is told to send one', () => {
		expect(shownCredentials(description, { resource: 'message', operation: 'sendText' })).toEqual([
			'dingTalkRobotApi',
		]);
		expect(
			shownCredentials(description, { resource: 'message', operation: 'sendAndWait' }),
		).toEqual(['dingTalkRobotApi']);
		for (const resource of ['appRobot', 'contact', 'todo', 'approval']) {
			expect(shownCredentials(description, { resource })).toEqual(['dingTalkAppApi']);
		}
		expect(
			shownCredentials(description, {
				resource: 'appRobot',
				operation: 'replyWithAiCard',
				answerSource: 'workflow',
				sourceAuthentication: 'apiKey',
			}),
		).toEqual(['dingTalkAppApi', 'dingTalkAiSourceApi']);
		expect(description.credentials?.map((credential) => credential.required)).toEqual([
			false,
			true,
			true,
		]);
	});

	// n8n's editor takes a field every credential `show` value covers, or one without options (a
	// hidden field, as Resource and Operation are in the Human in the Loop tool), for the
	// authentication selector, and then lists only the credentials shown by it.
	it('shows no credential by Resource or Operation, so n8n finds no authentication selector', () => {
		for (const credential of description.credentials ?? []) {
			const keys = Object.keys(credential.displayOptions?.show ?? {});
			expect(keys).not.toContain('resource');
			expect(keys).not.toContain('operation');
		}
		expect(
			shownCredentials(description, {
				resource: 'appRobot',
				operation: 'replyWithAiCard',
				answerSource: 'text',
				sourceAuthentication: 'apiKey',
			}),
		).toEqual(['dingTalkAppApi']);
	});

	it('has the twelve App Robot operations', () => {
		const operation = description.properties.find(
			(property) =>
				property.name === 'operation' &&
				property.displayOptions?.show?.resource?.includes('appRobot'),
		)!;
		expect(operation.options?.map((option) => (option as { value: string }).value)).toEqual([
			'createAiCard',
			'downloadFile',
			'recall',
			'reply',
			'replyWithAiCard',
			'sendAndWait',
			'sendCard',
			'sendToGroup',
			'sendToUsers',
			'updateAiCard',
			'updateCard',
			'uploadMedia',
		]);
	});

	it.each(['sendToGroup', 'sendToUsers', 'reply'])(
		'%s: every template shows exactly its fields',
		(operation) => {
			const selector = description.properties.find(
				(property) =>
					property.name === 'msgKey' &&
					property.displayOptions?.show?.operation?.includes(operation),
			)!;
			const offered = selector.options!.map((option) => (option as { value: string }).value);
			expect([...offered].sort()).toEqual(Object.keys(FORMS).sort());
			for (const msgKey of offered) {
				expect([msgKey, ...visibleFields(operation, msgKey).sort()]).toEqual([
					msgKey,
					...FORMS[msgKey].sort(),
				]);
			}
		},
	);

	it('marks only fields DingTalk does not need or the node fills in as optional', () => {
		const optional = description.properties
			.filter(
				(property) =>
					property.displayOptions?.show?.operation?.includes('sendToGroup') &&
					property.displayOptions?.show?.msgKey &&
					!property.required,
			)
			.map((property) => property.name);
		expect(optional.sort()).toEqual(['fileType', 'height', 'picUrl', 'videoType', 'width']);
	});
});
