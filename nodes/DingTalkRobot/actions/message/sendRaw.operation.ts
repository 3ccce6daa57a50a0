import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import type { RobotMessage } from '../../domain/robotMessage';
import { checkRawMessage } from '../../domain/validation';
import { sendOptions } from './message.descriptions';
import { sendsMessage } from './send';

const properties: INodeProperties[] = [
	{
		displayName: 'Message JSON',
		name: 'jsonMessage',
		type: 'json',
		default: '{\n  "msgtype": "text",\n  "text": { "content": "Hello from n8n" }\n}',
		required: true,
		description:
			'The whole message body as DingTalk documents it for custom robots: msgtype (text, link, markdown, actionCard or feedCard), the object of that type, and optionally "at"',
	},
	sendOptions(true),
];

const displayOptions = { show: { resource: ['message'], operation: ['sendRaw'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function parseJson(text: string): { value: unknown } | { problem: string } {
	try {
		return { value: JSON.parse(text) };
	} catch (error) {
		return { problem: (error as Error).message };
	}
}

export function buildMessage(this: IExecuteFunctions, itemIndex: number): RobotMessage {
	let value: unknown = this.getNodeParameter('jsonMessage', itemIndex);
	if (typeof value === 'string') {
		const parsed = parseJson(value);
		if ('problem' in parsed) {
			throw new MessageFieldError(
				'jsonMessage',
				`"Message JSON" is not valid JSON: ${parsed.problem}`,
				'Check quotes, commas and braces, or build the message with one of the other operations.',
			);
		}
		value = parsed.value;
	}
	return checkRawMessage(value);
}

export const execute = sendsMessage(buildMessage, 'jsonMessage');
