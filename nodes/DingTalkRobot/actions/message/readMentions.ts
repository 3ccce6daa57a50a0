import type { IExecuteFunctions } from 'n8n-workflow';

import type { RobotAt } from '../../domain/robotMessage';

/** Reads the @ parameters of text and markdown operations. */
export function readMentions(this: IExecuteFunctions, itemIndex: number): RobotAt {
	return {
		atMobiles: this.getNodeParameter('atMobiles', itemIndex, '') as string[],
		atUserIds: this.getNodeParameter('atUserIds', itemIndex, '') as string[],
		isAtAll: this.getNodeParameter('atAll', itemIndex, false) as boolean,
	};
}
