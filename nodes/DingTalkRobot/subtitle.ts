import type { INodeProperties } from 'n8n-workflow';

/**
 * The canvas subtitle: the action text of the selected operation ("Send a text message"), looked
 * up from the operation option lists so it cannot drift from the node panel.
 */
export function operationSubtitle(properties: INodeProperties[]): string {
	const words: Record<string, string> = {};
	for (const property of properties) {
		if (property.name !== 'operation') continue;
		for (const resource of property.displayOptions?.show?.resource ?? []) {
			for (const option of property.options ?? []) {
				if (!('value' in option)) continue;
				words[`${String(resource)}.${String(option.value)}`] = option.action ?? option.name;
			}
		}
	}
	return `={{ ${JSON.stringify(words)}[$parameter["resource"] + "." + $parameter["operation"]] }}`;
}
