import { NodeHelpers } from 'n8n-workflow';
import type { INode, INodeParameters, INodeTypeDescription } from 'n8n-workflow';

/** Fields and credentials as n8n resolves them: defaults filled, displayOptions evaluated. */
function resolve(description: INodeTypeDescription, parameters: INodeParameters) {
	const node: INode = {
		id: 'node-under-test',
		name: description.defaults.name ?? description.displayName,
		type: description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	const values =
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters,
			true,
			false,
			node,
			description,
		) ?? {};
	return { node, values };
}

/** The credentials n8n shows (and lets the node read) for these parameters, in order. */
export function shownCredentials(
	description: INodeTypeDescription,
	parameters: INodeParameters,
): string[] {
	const { node, values } = resolve(description, parameters);
	return (description.credentials ?? [])
		.filter((credential) => NodeHelpers.displayParameter(values, credential, node, description))
		.map((credential) => credential.name);
}

/** The names of the top-level fields n8n shows for these parameters (each name once). */
export function shownFields(
	description: INodeTypeDescription,
	parameters: INodeParameters,
): string[] {
	const { node, values } = resolve(description, parameters);
	const names = description.properties
		.filter((property) => NodeHelpers.displayParameter(values, property, node, description))
		.map((property) => property.name);
	return [...new Set(names)];
}

/**
 * The node's Human in the Loop tool as n8n 2.x builds it (tool-generation/hitl-tools): named
 * `<name>HitlTool`, Resource hidden at the first resource with Send and Wait, Operation hidden at
 * sendAndWait (once for each Operation field), its own Message field and Response Type fixed to
 * approval. The e2e test
 * (test/e2e/hitlTool.test.ts) runs the real one.
 */
export function asHitlTool(description: INodeTypeDescription): INodeTypeDescription {
	const firstResource = description.properties
		.filter((property) => property.name === 'operation')
		.find((property) =>
			(property.options ?? []).some(
				(option) => 'value' in option && option.value === 'sendAndWait',
			),
		)?.displayOptions?.show?.resource?.[0];
	const hidden = (name: string, value: string) => ({
		displayName: name,
		name,
		type: 'hidden' as const,
		default: value,
	});
	const properties = [
		{ displayName: 'Message', name: 'message', type: 'string' as const, default: '' },
		...description.properties.flatMap((property) => {
			if (property.name === 'resource') return [hidden('resource', String(firstResource))];
			if (property.name === 'operation') return [hidden('operation', 'sendAndWait')];
			if (property.name === 'message') return [];
			if (property.name === 'responseType') return [hidden('responseType', 'approval')];
			return [property];
		}),
	];
	return { ...description, name: `${description.name}HitlTool`, properties };
}
