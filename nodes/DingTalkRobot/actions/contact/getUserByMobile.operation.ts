import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { normalizeMobile } from '../../domain/mobile';
import { findUserIdByMobile } from '../../transport/contacts';
import { openApiClient, requiredText } from '../openApiItem';
import type { ItemResult } from '../node.type';
import type { NodeRun } from '../nodeRun';
import { contactOptions } from './contact.descriptions';
import { readContactOptions } from './contactParameters';
import { userFoundBy } from './lookUpUser';

const properties: INodeProperties[] = [
	{
		displayName: 'Mobile Number',
		name: 'mobile',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 13800138000',
		description:
			'The mobile number the person uses in DingTalk. For mainland China without +86; spaces and dashes are removed.',
	},
	contactOptions,
];

const displayOptions = { show: { resource: ['contact'], operation: ['getUserByMobile'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	run: NodeRun,
): Promise<ItemResult> {
	const mobile = normalizeMobile(requiredText(this, itemIndex, 'mobile', 'Mobile Number'));
	const client = await openApiClient(this, itemIndex, run);
	const options = readContactOptions(this, itemIndex);
	const user = await userFoundBy(
		client,
		async () => await findUserIdByMobile(client, mobile, options),
		{
			field: 'mobile',
			what: `the mobile number ${mobile}`,
			fix: 'Check the number, and that the person is in the app’s contact range (通讯录权限范围).',
		},
		options,
	);
	return { json: user };
}
