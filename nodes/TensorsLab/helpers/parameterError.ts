/** A refusal of one parameter's value; the engine adds the item index and makes it a NodeOperationError. */
export class ParameterError extends Error {
	constructor(
		readonly parameter: string,
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'ParameterError';
	}
}
