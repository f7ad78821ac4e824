/**
 * One call to the TensorsLab API. It goes through `httpRequestWithAuthentication`, so n8n adds the
 * key from the credential, and only ever to the credential's Base URL: redirects are never
 * followed (n8n would carry the Authorization header to the next host).
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { CREDENTIAL_NAME, readCredential } from './credentials';
import { classifyResponse, type FullResponse } from './envelope';
import { RequestFailure, requestTimedOut } from './failure';
import { withRetries, type RequestKind } from './retry';
import { withDeadline } from './sleep';

export interface RequestContext {
	/** The execution's cancel signal; aborts sleeps at once and stops waiting for answers. */
	signal?: AbortSignal;
	/** Limit on one whole request, from sending to the last byte of the answer. */
	timeoutMs: number;
	itemIndex: number;
}

/**
 * The context whose "execution cancel signal" is the request's own signal. n8n's
 * httpRequestWithAuthentication replaces the request's abortSignal with its context's cancel
 * signal, so a request could only be cut off by cancelling the whole execution. The request's
 * signal includes that one, and also aborts at Request Timeout, when the request's task is
 * settled, or when the node returns: then the socket is closed at once and nothing of the request
 * (the HTTP client's timer included) outlives it. Everything else is the context itself, through the prototype.
 */
function scopedTo(ctx: IExecuteFunctions, signal: AbortSignal): IExecuteFunctions {
	return Object.create(ctx, { getExecutionCancelSignal: { value: () => signal } }) as IExecuteFunctions;
}

/** The HTTP body for a request: a fresh FormData for each attempt (a body is sent once). */
type RequestBody = (() => FormData) | IDataObject;

/**
 * Calls one API endpoint and returns the envelope's `data`. `submit` marks a generate request:
 * it is repeated only when the failure proves it was not processed.
 */
export async function apiRequest(
	ctx: IExecuteFunctions,
	path: string,
	body: RequestBody,
	kind: RequestKind,
	request: RequestContext,
): Promise<IDataObject> {
	const { baseUrl, apiKey } = await readCredential(ctx, request.itemIndex);
	const { timeoutMs, signal } = request;
	return await withRetries(ctx, kind, { ...request, apiKey }, async () => {
		// Aborted at Request Timeout: the request's socket is closed then, not left to the server.
		const attempt = new AbortController();
		const attemptSignal = signal ? AbortSignal.any([signal, attempt.signal]) : attempt.signal;
		const isForm = typeof body === 'function';
		const options: IHttpRequestOptions = {
			method: 'POST',
			url: `${baseUrl}${path}`,
			body: isForm ? body() : JSON.stringify(body),
			headers: isForm ? { Accept: 'application/json' } : { 'Content-Type': 'application/json', Accept: 'application/json' },
			encoding: 'text',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			timeout: timeoutMs,
			abortSignal: attemptSignal,
		};
		const sent = ctx.helpers.httpRequestWithAuthentication.call(scopedTo(ctx, attemptSignal), CREDENTIAL_NAME, options) as Promise<FullResponse>;
		const timedOut = () => {
			attempt.abort();
			return new RequestFailure(requestTimedOut(timeoutMs));
		};
		const response = await withDeadline(sent, timeoutMs, timedOut, signal);
		const outcome = classifyResponse(response, apiKey);
		return 'data' in outcome ? outcome.data : outcome;
	});
}
