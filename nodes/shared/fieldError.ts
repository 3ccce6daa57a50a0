/**
 * A problem with what a user gave, found before anything is sent: it names the parameter to fix
 * and how. The nodes turn it into a NodeOperationError with the item index.
 */
export class MessageFieldError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly fix?: string,
	) {
		super(message);
		this.name = 'MessageFieldError';
	}
}
