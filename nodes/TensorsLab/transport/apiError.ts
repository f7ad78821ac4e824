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
	if (error.message !== message) setMessage(error, message);
	const flags: ErrorFlags = {};
	if (cancelled) flags.cancelled = true;
	if (details.outcomeUnknown) flags.outcomeUnknown = true;
	if (details.apiCode !== undefined) flags.apiCode = details.apiCode;
	return Object.assign(error, flags);
}

/** Replaces an error's message, and the first line of its stack with it. */
function setMessage(error: Error, message: string): void {
	error.message = message;
	error.stack = `${error.name}: ${message}\n${(error.stack ?? '').split('\n').slice(1).join('\n')}`;
}

/** Adds a sentence to what n8n shows under an error's message (its description). */
export function addToDescription(error: Error & { description?: string | null }, text: string): void {
	error.description = error.description ? `${error.description} ${text}` : text;
}

export function isCancellation(error: unknown): boolean {
	return error instanceof Error && (error as ErrorFlags).cancelled === true;
}

/**
 * A status request's error, named for its task: many items may wait at once, so the message says
 * which task failed (the error already names its item). A refusal (a TensorsLab error code, or
 * HTTP 4xx) most often means an ID that is not a task of this type: the image and the video
 * endpoints each know only their own tasks, so the hint names both the ID and the Task Type.
 */
export function forTask<E>(error: E, taskId: string, kind: { noun: { one: string; title: string } }): E {
	if (!(error instanceof Error) || isCancellation(error)) return error;
	const e = error as Error & ErrorFlags & { httpCode?: string | null; description?: string | null };
	setMessage(e, `Could not get ${kind.noun.one} task ${taskId}: ${e.message}`);
	const refused = (e.apiCode !== undefined && e.apiCode !== 9000) || /^4\d\d$/.test(String(e.httpCode ?? ''));
	if (refused) {
		addToDescription(
			e,
			`Check the task ID, and that it is a task of ${kind.noun.title} → Generate (Task Type ${kind.noun.title}): image tasks are not found among video tasks, nor the other way round.`,
		);
	}
	return error;
}
