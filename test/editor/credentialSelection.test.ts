import { NodeHelpers, type INodeCredentialDescription, type INodeParameters } from 'n8n-workflow';

import { DingTalkRobot } from '../../nodes/DingTalkRobot/DingTalkRobot.node';

const description = new DingTalkRobot().description;

/** The credentials n8n shows for these saved parameters, after it fills in the defaults. */
function shownCredentials(saved: INodeParameters): string[] {
	const parameters = NodeHelpers.getNodeParameters(
		description.properties,
		saved,
		true,
		false,
		null,
		description,
	)!;
	return (description.credentials ?? [])
		.filter((credential) => NodeHelpers.displayParameter(parameters, credential, null, description))
		.map((credential) => credential.name);
}

describe('which credential the editor shows', () => {
	// Parameters as 0.1.0 saved them (test/examples and the e2e workflows import these shapes).
	it.each([
		[{ resource: 'message', operation: 'sendText', text: 'hi' }, ['dingTalkRobotApi']],
		[{ operation: 'sendMarkdown', title: 't', text: 'x' }, ['dingTalkRobotApi']],
		[
			{ resource: 'message', sendTo: 'sessionWebhook', operation: 'sendText' },
			['dingTalkRobotApi'],
		],
		[{ resource: 'appRobot', operation: 'sendToGroup' }, ['dingTalkAppApi']],
		[{ resource: 'appRobot', operation: 'reply' }, ['dingTalkAppApi']],
		[{ resource: 'contact', operation: 'getUser' }, ['dingTalkAppApi']],
		[{ resource: 'contact', operation: 'listDepartmentUsers' }, ['dingTalkAppApi']],
		[{ resource: 'appRobot', operation: 'recall' }, ['dingTalkAppApi']],
		[{ resource: 'todo', operation: 'create' }, ['dingTalkAppApi']],
		[{ resource: 'todo', operation: 'update' }, ['dingTalkAppApi']],
		[{ resource: 'approval', operation: 'start' }, ['dingTalkAppApi']],
		[{}, ['dingTalkRobotApi']],
	])('saved parameters %j show %j', (saved, expected) => {
		expect(shownCredentials(saved as INodeParameters)).toEqual(expected);
	});

	it('needs the app credential and leaves the robot credential optional (session webhooks)', () => {
		const required = (name: string) =>
			description.credentials!.find((credential) => credential.name === name)!.required;
		expect(required('dingTalkAppApi')).toBe(true);
		expect(required('dingTalkRobotApi')).toBe(false);
	});

	/**
	 * n8n's editor takes a parameter for the authentication selector when every one of its values
	 * shows a credential through `displayOptions.show` (nodeTypesUtils findAlternativeAuthField):
	 * it then hides that parameter and sets it from the credential it picks. Resource must never be
	 * one; the real editor test (test/editor/editor.test.ts) shows what happens when it is.
	 */
	it('has no parameter whose every value shows a credential', () => {
		const shownBy: Record<string, Set<string>> = {};
		for (const credential of description.credentials as INodeCredentialDescription[]) {
			for (const [name, values] of Object.entries(credential.displayOptions?.show ?? {})) {
				shownBy[name] ??= new Set();
				for (const value of values ?? []) shownBy[name].add(String(value));
			}
		}
		for (const [name, values] of Object.entries(shownBy)) {
			for (const property of description.properties.filter((p) => p.name === name)) {
				const options = (property.options ?? []).map((option) =>
					String((option as { value: unknown }).value),
				);
				expect({ name, uncovered: options.filter((value) => !values.has(value)) }).not.toEqual({
					name,
					uncovered: [],
				});
			}
		}
	});
});

describe('canvas subtitle', () => {
	it('names the action in words for every operation', () => {
		const subtitle = description.subtitle!;
		expect(subtitle.startsWith('={{ ')).toBe(true);
		const words = JSON.parse(subtitle.slice(4, subtitle.indexOf('}[') + 1)) as Record<
			string,
			string
		>;
		expect(words['message.sendText']).toBe('Send a text message');
		expect(words['appRobot.sendToGroup']).toBe('Send a message to a group');
		const operations = description.properties.filter((property) => property.name === 'operation');
		const count = operations.reduce((sum, property) => sum + (property.options ?? []).length, 0);
		expect(Object.keys(words)).toHaveLength(count);
	});
});
