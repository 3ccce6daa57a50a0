import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	buildTemplateParams,
	encodeMsgParam,
	parseRawMsgParam,
} from '../../domain/templates/msgParam';
import { requireText } from '../../domain/validation';

/** The Message Template choice whose key and parameters the user writes (rawMsgKey, msgParam). */
export const RAW_TEMPLATE = 'raw';

/** An App Robot message: its template key, parameters and the JSON string DingTalk receives. */
export interface TemplateMessage {
	msgKey: string;
	params: IDataObject;
	msgParam: string;
}

export function templateMessage(msgKey: string, params: IDataObject): TemplateMessage {
	return { msgKey, params, msgParam: encodeMsgParam(params) };
}

/** The message of an item from the Message Template parameters. */
export function readTemplateMessage(this: IExecuteFunctions, itemIndex: number): TemplateMessage {
	const choice = this.getNodeParameter('msgKey', itemIndex) as string;
	if (choice === RAW_TEMPLATE) {
		const msgKey = requireText(
			this.getNodeParameter('rawMsgKey', itemIndex, ''),
			'rawMsgKey',
			'Template Key (msgKey)',
		).trim();
		return templateMessage(
			msgKey,
			parseRawMsgParam(this.getNodeParameter('msgParam', itemIndex, '{}')),
		);
	}
	const params = buildTemplateParams(choice, (name) => this.getNodeParameter(name, itemIndex, ''));
	return templateMessage(choice, params);
}
