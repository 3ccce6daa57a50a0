import type { IExecuteFunctions } from 'n8n-workflow';

import { pairsToCardParamMap, toCardParamMap } from '../../../shared/cardVariables';
import type { CardParamMap } from '../../../shared/cardVariables';

/** The card variables of an item, from the pairs or the JSON of {@link cardVariablesProperties}. */
export function readCardVariables(context: IExecuteFunctions, itemIndex: number): CardParamMap {
	if (context.getNodeParameter('variablesInput', itemIndex, 'fields') === 'json') {
		return toCardParamMap(
			context.getNodeParameter('variablesJson', itemIndex, ''),
			'variablesJson',
			'Variables (JSON)',
		);
	}
	const collection = context.getNodeParameter('variables', itemIndex, {}) as {
		variable?: Array<{ name?: unknown; value?: unknown }>;
	};
	return pairsToCardParamMap(
		(collection.variable ?? []).map((row) => [row.name, row.value]),
		'variables',
		'Variables',
	);
}
