import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/**
 * n8n makes the node's Human in the Loop tool from its first resource with Send and Wait, the
 * custom robot, and hides Resource. There (`@tool`), Ask Through picks the App Robot instead: its
 * Send and Wait fields take the place of the custom robot's under the same names, and the router,
 * the resume webhook and the credential follow. Outside a tool the value is always the custom
 * robot, so the credentials can be chosen by it.
 */
export type AskThrough = 'customRobot' | 'appRobot';

const inTool = (flag: boolean) => ({ '@tool': [flag] }) as IDisplayOptions['show'];

const customRobotAlways = (displayOptions: IDisplayOptions): INodeProperties => ({
	displayName: 'Ask Through',
	name: 'askThrough',
	type: 'hidden',
	default: 'customRobot',
	displayOptions,
});

export const askThroughProperties: INodeProperties[] = [
	// Wherever the choice below is not offered: every Message form of the node, and of its AI tool.
	customRobotAlways({ show: { resource: ['message'], ...inTool(false) } }),
	customRobotAlways({
		show: { resource: ['message'], ...inTool(true) },
		hide: { operation: ['sendAndWait'] },
	}),
	{
		displayName: 'Ask Through',
		name: 'askThrough',
		type: 'options',
		noDataExpression: true,
		default: 'customRobot',
		options: [
			{
				name: 'Custom Robot (Links)',
				value: 'customRobot',
				description: 'A group custom robot posts a card whose buttons are links to n8n',
			},
			{
				name: 'App Robot',
				value: 'appRobot',
				description:
					'The app robot asks a group or people, with links or with card buttons that answer over Stream (approvers, who answered)',
			},
		],
		displayOptions: {
			show: { resource: ['message'], operation: ['sendAndWait'], ...inTool(true) },
		},
	},
];

/** The App Robot's Send and Wait fields, shown in the tool when it asks through the App Robot. */
export function appRobotFieldsInTool(properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: {
				...property.displayOptions?.show,
				resource: ['message'],
				askThrough: ['appRobot'],
				...inTool(true),
			},
		},
	}));
}

/** The custom robot's Send and Wait fields, hidden while the tool asks through the App Robot. */
export function hiddenWhenAskingThroughApp(properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			hide: { ...property.displayOptions?.hide, askThrough: ['appRobot'] },
		},
	}));
}

/** The resource whose operation runs: the App Robot when a Human in the Loop tool asks through it. */
export function effectiveResource(
	resource: string,
	operation: string,
	askThrough: unknown,
): string {
	return resource === 'message' && operation === 'sendAndWait' && askThrough === 'appRobot'
		? 'appRobot'
		: resource;
}
