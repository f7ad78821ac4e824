/**
 * What went wrong with one HTTP attempt, classified for the retry policy: may it be repeated, and
 * did the server provably not process it (the only case where a generate request, which spends
 * credits, may be sent again)?
 */
import { formatSeconds } from '../helpers/format';

export interface TensorsLabErrorDetails {
	message: string;
	description?: string;
	httpCode?: string;
	apiCode?: number;
	/** True when a generate request may have created a task although we saw no answer. */
	outcomeUnknown?: boolean;
}

export interface Failure {
	details: TensorsLabErrorDetails;
	/** Safe to repeat even a generate request: the server provably did not process it. */
	notProcessed: boolean;
	/** Worth repeating a repeatable request. */
	transient: boolean;
	retryAfterMs?: number;
	aborted?: boolean;
}

/** Carries a Failure out of code that can only throw. */
export class RequestFailure extends Error {
	constructor(readonly failure: Failure) {
		super(failure.details.message);
	}
}

export function isFailure(value: unknown): value is Failure {
	return !!value && typeof value === 'object' && 'details' in value && 'transient' in value && 'notProcessed' in value;
}

export const CANCELLED: Failure = {
	details: { message: 'The execution was cancelled' },
	notProcessed: false,
	transient: false,
	aborted: true,
};

/** The request ran past Request Timeout (the whole request, not only a quiet connection). */
export function requestTimedOut(timeoutMs: number, peer = 'TensorsLab'): Failure {
	return {
		details: {
			message: `${peer} did not answer within ${formatSeconds(timeoutMs)}`,
			description: 'The request timed out. Raise "Request Timeout" in the options if the network is slow.',
		},
		notProcessed: false,
		transient: true,
	};
}

/** Walks an error's cause chain (n8n wraps transport errors) for a code and a message. */
function errorCodes(error: unknown): { codes: string[]; messages: string[]; aborted: boolean } {
	const codes: string[] = [];
	const messages: string[] = [];
	let aborted = false;
	let current: unknown = error;
	for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
		const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
		if (typeof e.code === 'string') codes.push(e.code);
		if (typeof e.message === 'string') messages.push(e.message);
		if (e.name === 'AbortError' || e.code === 'ABORT_ERR' || e.code === 'ERR_CANCELED') aborted = true;
		current = e.cause;
	}
	return { codes, messages, aborted };
}

/**
 * Classifies an error thrown by the HTTP client (no response arrived). `peer` names the server in
 * messages: TensorsLab for API calls, the image host for downloads.
 */
export function classifyThrown(error: unknown, signal: AbortSignal | undefined, timeoutMs: number, peer = 'TensorsLab'): Failure {
	if (error instanceof RequestFailure) return error.failure;
	const { codes, messages, aborted } = errorCodes(error);
	const text = `${codes.join(' ')} ${messages.join(' ')}`;
	if (signal?.aborted || (aborted && !/timeout/i.test(text))) return CANCELLED;
	if (codes.includes('ECONNREFUSED') || /ECONNREFUSED/.test(text)) {
		return {
			details: {
				message: `Could not connect to ${peer}: the connection was refused`,
				description: 'Check the Base URL in the credential and that the service is reachable.',
			},
			notProcessed: true,
			transient: true,
		};
	}
	if (
		codes.some((c) => ['ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'].includes(c)) ||
		/time(d)? ?out/i.test(text)
	) {
		return requestTimedOut(timeoutMs, peer);
	}
	if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
		return {
			details: {
				message: `Could not resolve the host name of ${peer}`,
				description: 'Check the Base URL in the credential.',
			},
			// A name that does not resolve means nothing was sent.
			notProcessed: true,
			transient: codes.includes('EAI_AGAIN'),
		};
	}
	return {
		details: {
			message: `The connection to ${peer} was interrupted (${codes[0] ?? 'network error'})`,
			description: 'The connection was interrupted before an answer arrived.',
		},
		notProcessed: false,
		transient: true,
	};
}

export function parseRetryAfter(value: unknown): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const seconds = Number(text);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(text));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
