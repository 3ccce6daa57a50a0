import { NodeOperationError, tryToParseJsonToFormFields } from 'n8n-workflow';
import type {
	FormFieldsParameter,
	IDataObject,
	IExecuteFunctions,
	INode,
	IWebhookFunctions,
} from 'n8n-workflow';

import { MessageFieldError } from '../../domain/robotMessage';
import type { ResponseType, SendAndWaitConfig, WaitLimit } from '../../domain/sendAndWait/config';
import { formDefinitionProblem } from '../../domain/sendAndWait/formFields';

/** Reads a parameter of the node (of its first item when it runs, of the node for its webhook). */
export interface ParameterReader {
	get(name: string, fallback: unknown): unknown;
	node: INode;
}

export function executeReader(context: IExecuteFunctions): ParameterReader {
	return {
		get: (name, fallback) => context.getNodeParameter(name, 0, fallback),
		node: context.getNode(),
	};
}

export function webhookReader(context: IWebhookFunctions): ParameterReader {
	return {
		get: (name, fallback) => context.getNodeParameter(name, fallback),
		node: context.getNode(),
	};
}

function text(context: ParameterReader, name: string, fallback: string): string {
	return String(context.get(name, fallback) ?? fallback).trim();
}

function formFields(context: ParameterReader): FormFieldsParameter {
	if (context.get('defineForm', 'fields') === 'json') {
		const raw = context.get('jsonOutput', '[]');
		try {
			return tryToParseJsonToFormFields(typeof raw === 'string' ? raw : JSON.stringify(raw));
		} catch (error) {
			throw new NodeOperationError(
				context.node,
				`"Form Fields (JSON)" is not a list of form fields: ${(error as Error).message} [item 0]`,
				{
					itemIndex: 0,
					description:
						'Write a JSON array such as [{"fieldLabel": "Reason", "fieldType": "textarea"}]. (parameter: jsonOutput)',
				},
			);
		}
	}
	return context.get('formFields.values', []) as FormFieldsParameter;
}

/**
 * The question of the node, from the parameters of its first item (a Send and Wait operation
 * sends one message per run, as n8n's own do). The webhook reads it the same way when the
 * person answers.
 */
export function readSendAndWaitConfig(context: ParameterReader): SendAndWaitConfig {
	const responseType = context.get('responseType', 'approval') as ResponseType;
	const approval = context.get('approvalOptions.values', {}) as IDataObject;
	const options = context.get('options', {}) as IDataObject;
	const title = text(context, 'cardTitle', '');
	const config: SendAndWaitConfig = {
		responseType,
		title,
		message: text(context, 'message', ''),
		approval: {
			type: approval.approvalType === 'double' ? 'double' : 'single',
			approveLabel: String(approval.approveLabel || 'Approve'),
			disapproveLabel: String(approval.disapproveLabel || 'Decline'),
		},
		openFormLabel: String(options.messageButtonLabel || 'Respond'),
		form: {
			title: String(options.responseFormTitle || title || 'Your response'),
			description: String(options.responseFormDescription ?? ''),
			buttonLabel: String(options.responseFormButtonLabel || 'Submit'),
		},
		fields: responseType === 'customForm' ? formFields(context) : [],
	};
	if (!config.title) {
		throw new MessageFieldError(
			'cardTitle',
			'"Title" is empty',
			'DingTalk needs a title for the card.',
		);
	}
	if (!config.message) {
		throw new MessageFieldError('message', '"Message" is empty', 'Write what the person is asked.');
	}
	if (responseType === 'customForm') {
		const problem = formDefinitionProblem(config.fields);
		if (problem) {
			throw new NodeOperationError(context.node, `${problem} [item 0]`, {
				itemIndex: 0,
				description: 'Fix the form in "Form Fields" or "Form Fields (JSON)".',
			});
		}
	}
	return config;
}

export function readWaitLimit(context: ParameterReader): WaitLimit | undefined {
	const options = context.get('options', {}) as IDataObject;
	const values = (options.limitWaitTime as IDataObject | undefined)?.values as
		| IDataObject
		| undefined;
	if (!values) return undefined;
	if (values.limitType === 'atSpecifiedTime') {
		return { limitType: 'atSpecifiedTime', maxDateAndTime: String(values.maxDateAndTime ?? '') };
	}
	return {
		limitType: 'afterTimeInterval',
		resumeAmount: Number(values.resumeAmount ?? 1),
		resumeUnit: (values.resumeUnit as 'minutes' | 'hours' | 'days') ?? 'hours',
	};
}
