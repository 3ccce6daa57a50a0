import { updateDisplayOptions } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { toFormValues } from '../../domain/formValues';
import { parseIdList } from '../../domain/idList';
import { MessageFieldError } from '../../domain/robotMessage';
import { startProcessInstance } from '../../transport/workflow';
import type { StartRequest } from '../../transport/workflow';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { openApiClient, readRetryOptions, requiredText } from '../openApiItem';
import { approvalRetryOptions, processCodeProperty } from './approval.descriptions';

const properties: INodeProperties[] = [
	processCodeProperty,
	{
		displayName: 'Originator User ID',
		name: 'originatorUserId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. manager1234',
		description: 'The DingTalk user ID of the person the approval is started for (发起人)',
	},
	{
		displayName: 'Form Values',
		name: 'formInput',
		type: 'options',
		options: [
			{ name: 'Name/Value Pairs', value: 'fields' },
			{ name: 'JSON', value: 'json' },
		],
		default: 'fields',
		description: 'How to give the values of the form’s fields (formComponentValues)',
	},
	{
		displayName: 'Fields',
		name: 'formFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add field',
		default: {},
		displayOptions: { show: { formInput: ['fields'] } },
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. Reason',
						description: 'The label of the field in the form',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description:
							'The value as text; a multi-select, date range or table takes DingTalk’s JSON text, e.g. ["2026-01-05","2026-01-07"]',
					},
				],
			},
		],
	},
	{
		displayName: 'Form JSON',
		name: 'formJson',
		type: 'json',
		default: '{\n  "Reason": "Client visit",\n  "Amount": "120"\n}',
		displayOptions: { show: { formInput: ['json'] } },
		description:
			'An object of field name → value, or DingTalk’s formComponentValues list [{"name": "...", "value": "..."}]',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		options: [
			{
				displayName: 'Approvers',
				name: 'approvers',
				type: 'string',
				default: '',
				placeholder: 'e.g. manager1234, cfo001',
				description:
					'User IDs who approve one after the other, where the form lets the originator choose approvers (自选审批人). Empty: the form’s own approval chain.',
			},
			{
				displayName: 'CC Position',
				name: 'ccPosition',
				type: 'options',
				options: [
					{ name: 'At Start', value: 'START' },
					{ name: 'At Finish', value: 'FINISH' },
					{ name: 'At Start and Finish', value: 'START_FINISH' },
				],
				default: 'FINISH',
				description: 'When the CC people are told',
			},
			{
				displayName: 'CC User IDs',
				name: 'ccList',
				type: 'string',
				default: '',
				description: 'User IDs who get a copy (抄送人), where the form allows it',
			},
			{
				displayName: 'Department ID',
				name: 'deptId',
				type: 'number',
				default: 0,
				description:
					'The department the originator starts it for; 0 leaves it to DingTalk (the main department)',
			},
		],
	},
	approvalRetryOptions,
];

const displayOptions = { show: { resource: ['approval'], operation: ['start'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function readForm(context: IExecuteFunctions, itemIndex: number) {
	if (context.getNodeParameter('formInput', itemIndex, 'fields') === 'json') {
		return toFormValues(context.getNodeParameter('formJson', itemIndex, ''), 'formJson');
	}
	const pairs = context.getNodeParameter('formFields.field', itemIndex, []) as IDataObject[];
	return toFormValues(pairs, 'formFields');
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const retry = readRetryOptions(this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const request: StartRequest = {
		processCode: requiredText(this, itemIndex, 'processCode', 'Process Code'),
		originatorUserId: requiredText(this, itemIndex, 'originatorUserId', 'Originator User ID'),
		formComponentValues: readForm(this, itemIndex),
	};
	const deptId = Number(fields.deptId ?? 0);
	if (!Number.isInteger(deptId) || deptId < 0) {
		throw new MessageFieldError(
			'deptId',
			'"Department ID" must be a whole number',
			'Give a dept_id.',
		);
	}
	if (deptId > 0) request.deptId = deptId;
	const approvers = parseIdList(fields.approvers);
	if (approvers.length > 0) {
		request.approvers = approvers.map((userId) => ({ actionType: 'NONE', userIds: [userId] }));
	}
	const ccList = parseIdList(fields.ccList);
	if (ccList.length > 0) {
		request.ccList = ccList;
		request.ccPosition = String(fields.ccPosition ?? 'FINISH');
	}
	const client = await openApiClient(this, itemIndex, run);
	const answer = await startProcessInstance(client, request, retry);
	return {
		json: {
			instanceId: answer.instanceId,
			processCode: request.processCode,
			originatorUserId: request.originatorUserId,
			formComponentValues: request.formComponentValues,
		},
	};
}
