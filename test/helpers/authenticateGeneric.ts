import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

/** A generic `authenticate` as n8n applies it: headers and query with {{$credentials.x}} filled. */
export function authenticateGeneric(
	authenticate: IAuthenticateGeneric,
	data: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const fill = (value: unknown) =>
		String(value)
			.replace(/^=/, '')
			.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, name: string) =>
				String(data[name] ?? ''),
			);
	const filled = (values: object | undefined) =>
		Object.fromEntries(Object.entries(values ?? {}).map(([key, value]) => [key, fill(value)]));
	return {
		...requestOptions,
		headers: { ...requestOptions.headers, ...filled(authenticate.properties.headers) },
		qs: { ...requestOptions.qs, ...filled(authenticate.properties.qs) },
	};
}
