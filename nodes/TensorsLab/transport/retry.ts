/**
 * The retry policy, in one place because only here is it known whether a request may have taken
 * effect: status, delete and download are safe to repeat; a generate request spends credits and
 * the API has no idempotency key, so it is repeated only when the failure proves it was not
 * processed (connection refused, HTTP 429, a refusal in the envelope).
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { OUTCOME_UNKNOWN_HINT, toNodeError } from './apiError';
import { CANCELLED, classifyThrown, isFailure, type Failure, type TensorsLabErrorDetails } from './failure';
import { abortableSleep } from './sleep';

/** Repeatable requests (status, delete, download) get this many tries in all. */
const MAX_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
/** A Retry-After longer than this is not waited for: the error is reported instead. */
const RETRY_AFTER_CAP_MS = 60_000;

export type RequestKind = 'submit' | 'repeatable';

interface RetryContext {
	signal?: AbortSignal;
	timeoutMs: number;
	itemIndex?: number;
	/** Removed from every message. Empty for downloads, which never carry it. */
	apiKey: string;
}

function backoffMs(attempt: number, retryAfterMs?: number): number {
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, RETRY_AFTER_CAP_MS);
	const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	// Full jitter, so that many items that failed together do not come back together.
	return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

function finalDetails(kind: RequestKind, failure: Failure, attempt: number): TensorsLabErrorDetails {
	const details = failure.details;
	if (kind === 'submit' && !failure.notProcessed) {
		const cause = failure.aborted ? 'It was stopped while the generation request was on its way. ' : '';
		return {
			...details,
			outcomeUnknown: true,
			description: `${details.description ? `${details.description} ` : ''}${cause}${OUTCOME_UNKNOWN_HINT}`,
		};
	}
	if (attempt > 1 && !failure.aborted) return { ...details, description: `${details.description ?? ''} (gave up after ${attempt} attempts)`.trim() };
	return details;
}

/** Runs `send` until it succeeds or the policy gives up, then throws a NodeApiError. */
export async function withRetries<T>(
	ctx: IExecuteFunctions,
	kind: RequestKind,
	request: RetryContext,
	send: () => Promise<T | Failure>,
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		let result: T | Failure;
		try {
			result = await send();
		} catch (error) {
			result = classifyThrown(error, request.signal, request.timeoutMs);
		}
		if (!isFailure(result)) return result;
		const failure = result;
		const mayRepeat = kind === 'repeatable' ? failure.transient : failure.transient && failure.notProcessed;
		const retryAfterTooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > RETRY_AFTER_CAP_MS;
		if (failure.aborted || !mayRepeat || attempt >= MAX_ATTEMPTS || retryAfterTooLong) {
			throw toNodeError(ctx, finalDetails(kind, failure, attempt), request.apiKey, request.itemIndex, failure.aborted === true);
		}
		try {
			await abortableSleep(backoffMs(attempt, failure.retryAfterMs), request.signal);
		} catch {
			// Cancelled between attempts: the last attempt provably did nothing (or it would not
			// have been repeated), so the outcome is known.
			throw toNodeError(ctx, CANCELLED.details, request.apiKey, request.itemIndex, true);
		}
	}
}
