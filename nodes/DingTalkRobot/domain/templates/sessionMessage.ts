import type { IDataObject } from 'n8n-workflow';

import type { RobotMessage } from '../robotMessage';

function text(params: IDataObject, name: string): string {
	return String(params[name] ?? '');
}

function cardButtons(params: IDataObject, titleKey: string, urlKey: string, count: number) {
	const buttons: IDataObject[] = [];
	for (let index = 1; index <= count; index++) {
		buttons.push({
			title: text(params, `${titleKey}${index}`),
			actionURL: text(params, `${urlKey}${index}`),
		});
	}
	return buttons;
}

/**
 * The same message in the custom-robot format a sessionWebhook accepts, or undefined when the
 * webhook has no such message type (pictures, audio, files and video need the OpenAPI).
 */
export function toSessionMessage(msgKey: string, params: IDataObject): RobotMessage | undefined {
	const base = { title: text(params, 'title'), text: text(params, 'text') };
	switch (msgKey) {
		case 'sampleText':
			return { msgtype: 'text', text: { content: text(params, 'content') } };
		case 'sampleMarkdown':
			return { msgtype: 'markdown', markdown: base };
		case 'sampleLink': {
			const link: IDataObject = { ...base, messageUrl: text(params, 'messageUrl') };
			if (params.picUrl) link.picUrl = text(params, 'picUrl');
			return { msgtype: 'link', link };
		}
		case 'sampleActionCard':
			return {
				msgtype: 'actionCard',
				actionCard: {
					...base,
					singleTitle: text(params, 'singleTitle'),
					singleURL: text(params, 'singleURL'),
				},
			};
		case 'sampleActionCard2':
		case 'sampleActionCard3':
		case 'sampleActionCard4':
		case 'sampleActionCard5': {
			const count = Number(msgKey.slice(-1));
			return {
				msgtype: 'actionCard',
				actionCard: {
					...base,
					btnOrientation: '0',
					btns: cardButtons(params, 'actionTitle', 'actionURL', count),
				},
			};
		}
		case 'sampleActionCard6':
			return {
				msgtype: 'actionCard',
				actionCard: {
					...base,
					btnOrientation: '1',
					btns: cardButtons(params, 'buttonTitle', 'buttonUrl', 2),
				},
			};
		default:
			return undefined;
	}
}
