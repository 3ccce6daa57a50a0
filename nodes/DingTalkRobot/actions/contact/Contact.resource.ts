import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../node.type';
import * as getDepartment from './getDepartment.operation';
import * as getUser from './getUser.operation';
import * as getUserByMobile from './getUserByMobile.operation';
import * as getUserByUnionId from './getUserByUnionId.operation';
import * as listDepartmentUsers from './listDepartmentUsers.operation';
import * as listSubDepartments from './listSubDepartments.operation';

export const operations: ResourceOperations<'contact'> = {
	getDepartment,
	getUser,
	getUserByMobile,
	getUserByUnionId,
	listDepartmentUsers,
	listSubDepartments,
};

export const description: INodeProperties[] = [
	{
		displayName:
			'Reads the organisation’s contacts (通讯录) with the DingTalk App API credential. The app needs the contacts read permissions (通讯录读权限) in the developer console, and sees only people and departments in its contact range.',
		name: 'contactNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['contact'] } },
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Get Department',
				value: 'getDepartment',
				description: 'Get a department: name, parent and managers',
				action: 'Get a department',
			},
			{
				name: 'Get User',
				value: 'getUser',
				description:
					'Get a person by user ID: name, mobile, email, job number, title, departments, manager, hired date',
				action: 'Get a user',
			},
			{
				name: 'Get User by Mobile',
				value: 'getUserByMobile',
				description: 'Find a person by mobile number and get their record',
				action: 'Get a user by mobile number',
			},
			{
				name: 'Get User by Union ID',
				value: 'getUserByUnionId',
				description: 'Find a person by unionId and get their record',
				action: 'Get a user by union ID',
			},
			{
				name: 'List Department Users',
				value: 'listDepartmentUsers',
				description: 'List the people of a department, one item each',
				action: 'List the users of a department',
			},
			{
				name: 'List Sub-Departments',
				value: 'listSubDepartments',
				description: 'List the direct sub-departments of a department, one item each',
				action: 'List sub departments',
			},
		],
		default: 'getUser',
	},
	...getDepartment.description,
	...getUser.description,
	...getUserByMobile.description,
	...getUserByUnionId.description,
	...listDepartmentUsers.description,
	...listSubDepartments.description,
];
