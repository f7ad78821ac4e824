/** A classified HTTP failure as n8n's NodeApiError, with the key removed from every text. */
import { NodeApiError, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { redact } from '../helpers/format';
import type { TensorsLabErrorDetails } from './failure';

/** What a generate request whose outcome is unknown tells the user, in errors and error items. */
export const OUTCOME_UNKNOWN_HINT =
	'The generation request may or may not have created a task, so it was not sent again (that could spend credits twice). Check your TensorsLab task list before running this item again.';

/** Extra facts a workflow can branch on; copied onto the error and into Continue On Fail items. */
export interface ErrorFlags {
	cancelled?: boolean;
	outcomeUnknown?: boolean;
	apiCode?: number;
}

export function toNodeError(
	ctx: IExecuteFunctions,
	details: TensorsLabErrorDetails,
	apiKey: string,
	itemIndex?: number,
	cancelled = false,
): NodeApiError {
	const message = redact(details.message, apiKey);
	const description = details.description === undefined ? undefined : redact(details.description, apiKey);
	const error = new NodeApiError(
		ctx.getNode(),
		{ message, ...(details.apiCode !== undefined ? { code: details.apiCode } : {}) } as JsonObject,
		{ message, description, httpCode: details.httpCode, itemIndex },
	);
	// NodeApiError swaps any message that mentions a Node error code (ECONNRESET, ETIMEDOUT, …)
	// for n8n's generic text, which drops "TensorsLab" and, for ECONNRESET, advises retrying at
	// once: wrong for a generate request whose outcome is unknown. Our message is already clear.
	if (error.message !== message) {
		error.message = message;
		error.stack = `${error.name}: ${message}\n${(error.stack ?? '').split('\n').slice(1).join('\n')}`;
	}
	const flags: ErrorFlags = {};
	if (cancelled) flags.cancelled = true;
	if (details.outcomeUnknown) flags.outcomeUnknown = true;
	if (details.apiCode !== undefined) flags.apiCode = details.apiCode;
	return Object.assign(error, flags);
}

export function isCancellation(error: unknown): boolean {
	return error instanceof Error && (error as ErrorFlags).cancelled === true;
}
