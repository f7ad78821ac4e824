/**
 * Errors as n8n shows them: every refusal and failure becomes a NodeApiError or NodeOperationError
 * naming its item, and under Continue On Fail an error item carrying the same facts as JSON.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { ParameterError } from '../helpers/parameterError';
import type { ErrorFlags } from '../transport/apiError';

/** ParameterError → NodeOperationError naming the item and the parameter. */
export function parameterErrorToNodeError(ctx: IExecuteFunctions, error: ParameterError, itemIndex: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${error.message} [item ${itemIndex}, parameter "${error.parameter}"]`, {
		itemIndex,
		description: error.hint,
	});
}

/** The error as n8n's own error types, so the UI shows it properly; ours pass through unchanged. */
export function ensureNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ParameterError) return parameterErrorToNodeError(ctx, error, itemIndex);
	return new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), { itemIndex });
}

/**
 * The Continue On Fail item for a failed item: the message and the flags a workflow can branch
 * on, with the description (what to do next) where the outcome is unknown. `outcomeUnknown: true` means a generate request may have
 * created a task (and spent credits) although no answer came: do not simply run the item again.
 */
export function errorItem(error: unknown, itemIndex: number, extra: IDataObject = {}): INodeExecutionData {
	const e = error as Error & ErrorFlags & { description?: unknown };
	const json: IDataObject = { error: e?.message ?? String(error) };
	if (e?.outcomeUnknown === true) {
		json.outcomeUnknown = true;
		if (typeof e.description === 'string' && e.description !== '') json.description = e.description;
	}
	if (typeof e?.apiCode === 'number') json.apiCode = e.apiCode;
	return { json: { ...json, ...extra }, pairedItem: { item: itemIndex } };
}
