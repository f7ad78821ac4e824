/**
 * The one module that talks HTTP. API calls go through `httpRequestWithAuthentication`, so the
 * key is added by n8n from the credential and only ever sent to the credential's Base URL;
 * result images are fetched with plain `httpRequest`, without it.
 *
 * Retries live here too, because only here is it known whether a request may have taken effect:
 * status, delete and download are safe to repeat; a generate request spends credits and the API
 * has no idempotency key, so it is repeated only when the failure proves it was not processed.
 */
import * as n8nWorkflow from 'n8n-workflow';
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IBinaryData,
	type IHttpRequestOptions,
	type JsonObject,
} from 'n8n-workflow';

import { ParameterError, normalizeBaseUrl } from '../helpers/validation';
import { SNIFF_BYTES, extensionForMimeType, sniffImageType } from '../helpers/imageType';

export const CREDENTIAL_NAME = 'tensorsLabApi';

/** The reference's request timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 180_000;

/** Result images are at most tens of MB (a 4K PNG); anything far larger is not an image we asked for. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024;

export const TOP_UP_URL = 'https://tensorai.tensorslab.com/';

const CODE_SUCCESS = 1000;
const CODE_INSUFFICIENT_CREDITS = 9000;

/** Repeatable requests (status, delete, download) get this many tries in all. */
const MAX_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
/** A Retry-After longer than this is not waited for: the error is reported instead. */
const RETRY_AFTER_CAP_MS = 60_000;

export interface RequestContext {
	/** The execution's cancel signal; aborts sleeps and requests at once. */
	signal?: AbortSignal;
	timeoutMs?: number;
	itemIndex?: number;
}

type Ctx = IExecuteFunctions;

export interface TensorsLabErrorDetails {
	message: string;
	description?: string;
	httpCode?: string;
	apiCode?: number;
	/** True when a generate request may have created a task although we saw no answer. */
	outcomeUnknown?: boolean;
}

/** Failure classification used by the retry policy. */
interface Failure {
	details: TensorsLabErrorDetails;
	/** Safe to repeat even a generate request: the server provably did not process it. */
	notProcessed: boolean;
	/** Worth repeating a repeatable request. */
	transient: boolean;
	retryAfterMs?: number;
	aborted?: boolean;
}

class RequestFailure extends Error {
	constructor(readonly failure: Failure) {
		super(failure.details.message);
	}
}

async function getBaseUrlAndKey(ctx: Ctx, itemIndex?: number): Promise<{ baseUrl: string; apiKey: string }> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME, itemIndex ?? 0);
	try {
		return { baseUrl: normalizeBaseUrl(credentials.baseUrl), apiKey: String(credentials.apiKey ?? '') };
	} catch (error) {
		// Refused before anything is sent; the message names the item and the parameter, as for
		// every other refused input.
		throw parameterErrorToNodeError(ctx, error as ParameterError, itemIndex ?? 0);
	}
}

/** "1 second", "0.3 seconds", "180 seconds": durations in messages as the user set them. */
export function formatSeconds(ms: number): string {
	const seconds = Math.round(ms / 100) / 10;
	return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** Replaces every occurrence of the key in text, so no message can carry it. */
export function redact(text: string, secret: string): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join('[redacted]');
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

function classifyThrown(error: unknown, signal: AbortSignal | undefined, timeoutMs: number): Failure {
	const { codes, messages, aborted } = errorCodes(error);
	const text = `${codes.join(' ')} ${messages.join(' ')}`;
	if (signal?.aborted || (aborted && !/timeout/i.test(text))) {
		return {
			details: { message: 'The execution was cancelled' },
			notProcessed: false,
			transient: false,
			aborted: true,
		};
	}
	if (codes.includes('ECONNREFUSED') || /ECONNREFUSED/.test(text)) {
		return {
			details: {
				message: 'Could not connect to TensorsLab: the connection was refused',
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
		return {
			details: {
				message: `TensorsLab did not answer within ${formatSeconds(timeoutMs)}`,
				description: 'The request timed out. Raise "Request Timeout" in the options if the network is slow.',
			},
			notProcessed: false,
			transient: true,
		};
	}
	if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
		return {
			details: {
				message: 'Could not resolve the TensorsLab host name',
				description: 'Check the Base URL in the credential.',
			},
			// A name that does not resolve means nothing was sent.
			notProcessed: true,
			transient: codes.includes('EAI_AGAIN'),
		};
	}
	return {
		details: {
			message: `The connection to TensorsLab failed (${codes[0] ?? 'network error'})`,
			description: 'The connection was interrupted before an answer arrived.',
		},
		notProcessed: false,
		transient: true,
	};
}

function parseRetryAfter(value: unknown): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const seconds = Number(text);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(text));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	return JSON.stringify(body ?? '');
}

function parseEnvelope(body: unknown): IDataObject | undefined {
	if (body && typeof body === 'object' && !Buffer.isBuffer(body) && !(body instanceof ArrayBuffer)) {
		return body as IDataObject;
	}
	try {
		const parsed: unknown = JSON.parse(bodyText(body));
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

function classifyResponse(response: FullResponse): Failure | { data: IDataObject } {
	const status = response.statusCode;
	const envelope = parseEnvelope(response.body);
	const apiMessage = typeof envelope?.msg === 'string' ? envelope.msg : undefined;
	const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
	if (status >= 300 && status < 400) {
		return {
			details: {
				message: `TensorsLab answered with a redirect (HTTP ${status}) that was not followed`,
				description:
					'Redirects are not followed, so the API key is never sent to another host. Point the credential\'s Base URL at the final address.',
				httpCode: String(status),
			},
			notProcessed: false,
			transient: false,
		};
	}
	if (status === 429) {
		return {
			details: {
				message: 'TensorsLab is rate limiting requests (HTTP 429)',
				description: apiMessage ?? 'Too many requests. Lower "Max Concurrency" or try again later.',
				httpCode: '429',
			},
			// A 429 is a refusal before processing, so even a generate request may be sent again.
			notProcessed: true,
			transient: true,
			retryAfterMs,
		};
	}
	if (status === 401 || status === 403) {
		return {
			details: {
				message: 'TensorsLab refused the API key',
				description: `${apiMessage ? `${apiMessage}. ` : ''}Check the API key and the Base URL in the credential.`,
				httpCode: String(status),
			},
			notProcessed: true,
			transient: false,
		};
	}
	if (status >= 500) {
		return {
			details: {
				message: `TensorsLab had a server error (HTTP ${status})`,
				description: apiMessage,
				httpCode: String(status),
			},
			notProcessed: false,
			transient: true,
			retryAfterMs,
		};
	}
	if (status >= 400) {
		return {
			details: {
				message: `TensorsLab refused the request (HTTP ${status})${apiMessage ? `: ${apiMessage}` : ''}`,
				httpCode: String(status),
			},
			notProcessed: true,
			transient: false,
		};
	}
	if (!envelope || typeof envelope.code !== 'number') {
		return {
			details: {
				message: 'TensorsLab sent an answer that is not valid JSON',
				description: `HTTP ${status}: ${bodyText(response.body).slice(0, 200)}`,
				httpCode: String(status),
			},
			notProcessed: false,
			transient: true,
		};
	}
	if (envelope.code === CODE_SUCCESS) {
		const data = envelope.data;
		return { data: data && typeof data === 'object' && !Array.isArray(data) ? (data as IDataObject) : {} };
	}
	if (envelope.code === CODE_INSUFFICIENT_CREDITS) {
		return {
			details: {
				message: 'Insufficient TensorsLab credits',
				description: `${apiMessage ? `TensorsLab says: "${apiMessage}". ` : ''}Top up at ${TOP_UP_URL} and run again.`,
				apiCode: envelope.code,
			},
			notProcessed: true,
			transient: false,
		};
	}
	return {
		details: {
			message: `TensorsLab error: ${apiMessage ?? 'unknown error'} (Code: ${envelope.code})`,
			apiCode: envelope.code,
		},
		notProcessed: true,
		transient: false,
	};
}

function backoffMs(attempt: number, retryAfterMs?: number): number {
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, RETRY_AFTER_CAP_MS);
	const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	// Full jitter, so that many items that failed together do not come back together.
	return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/**
 * n8n 2.x's `sleep(ms, signal)` clears its timer when the signal aborts; n8n 1.x's `sleep` ignores
 * a signal and offers `sleepWithAbort` instead. Whichever the running n8n has, no timer outlives
 * an abort (a leftover timer would keep a finished `n8n execute` process alive).
 */
const sleepWithAbortOf1x = (n8nWorkflow as unknown as { sleepWithAbort?: (ms: number, signal: AbortSignal) => Promise<void> })
	.sleepWithAbort;

async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
	if (typeof sleepWithAbortOf1x === 'function') return await sleepWithAbortOf1x(ms, signal);
	return await sleep(ms, signal as never);
}

/** Resolves after `ms`, or rejects (as a cancellation) as soon as the signal aborts. */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw new RequestFailure(classifyThrown(undefined, signal, 0));
	const aborted = await sleepUnlessAborted(ms, signal).then(
		() => false,
		() => true,
	);
	if (aborted) throw new RequestFailure(classifyThrown(undefined, signal, 0));
}

/** Rejects with a cancellation when the signal has fired. */
export function throwIfCancelled(ctx: Ctx, signal?: AbortSignal): void {
	if (signal?.aborted) throw toNodeError(ctx, classifyThrown(undefined, signal, 0).details, '');
}

export function isCancellation(error: unknown): boolean {
	return error instanceof Error && (error as { cancelled?: boolean }).cancelled === true;
}

export function isOutcomeUnknown(error: unknown): boolean {
	return error instanceof Error && (error as { outcomeUnknown?: boolean }).outcomeUnknown === true;
}

function toNodeError(ctx: Ctx, details: TensorsLabErrorDetails, apiKey: string, itemIndex?: number, aborted = false): NodeApiError {
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
	if (aborted) Object.assign(error, { cancelled: true });
	if (details.outcomeUnknown) Object.assign(error, { outcomeUnknown: true });
	if (details.apiCode !== undefined) Object.assign(error, { apiCode: details.apiCode });
	return error;
}

async function withRetries<T>(
	ctx: Ctx,
	apiKey: string,
	kind: 'submit' | 'repeatable',
	request: RequestContext,
	send: () => Promise<T | Failure>,
): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		let result: T | Failure;
		try {
			result = await send();
		} catch (error) {
			result = error instanceof RequestFailure ? error.failure : classifyThrown(error, request.signal, request.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
		}
		if (!isFailure(result)) return result;
		const failure = result;
		if (failure.aborted) throw toNodeError(ctx, failure.details, apiKey, request.itemIndex, true);
		const mayRepeat = kind === 'repeatable' ? failure.transient : failure.transient && failure.notProcessed;
		const waitMs = backoffMs(attempt, failure.retryAfterMs);
		const retryAfterTooLong = failure.retryAfterMs !== undefined && failure.retryAfterMs > RETRY_AFTER_CAP_MS;
		if (!mayRepeat || attempt >= MAX_ATTEMPTS || retryAfterTooLong) {
			let details = failure.details;
			if (kind === 'submit' && !failure.notProcessed) {
				details = {
					...details,
					outcomeUnknown: true,
					description: `${details.description ? `${details.description} ` : ''}The generation request may or may not have created a task, so it was not sent again (that could spend credits twice). Check your TensorsLab task list before running this item again.`,
				};
			} else if (attempt > 1) {
				details = { ...details, description: `${details.description ?? ''} (gave up after ${attempt} attempts)`.trim() };
			}
			throw toNodeError(ctx, details, apiKey, request.itemIndex);
		}
		try {
			await abortableSleep(waitMs, request.signal);
		} catch {
			// abortableSleep only rejects when the execution is cancelled.
			throw toNodeError(ctx, { message: 'The execution was cancelled' }, apiKey, request.itemIndex, true);
		}
	}
}

function isFailure(value: unknown): value is Failure {
	return !!value && typeof value === 'object' && 'details' in value && 'transient' in value && 'notProcessed' in value;
}

/** The HTTP body for a request: a fresh FormData for each attempt (a body is sent once). */
export type RequestBody = (() => FormData) | IDataObject;

/**
 * Calls one API endpoint and returns the envelope's `data`. `submit` marks a generate request:
 * it is repeated only when the failure proves it was not processed.
 */
export async function apiRequest(
	ctx: Ctx,
	path: string,
	body: RequestBody,
	kind: 'submit' | 'repeatable',
	request: RequestContext = {},
): Promise<IDataObject> {
	const { baseUrl, apiKey } = await getBaseUrlAndKey(ctx, request.itemIndex);
	const timeoutMs = request.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
	return await withRetries(ctx, apiKey, kind, request, async () => {
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
			// A redirect could carry the Authorization header to another host: never follow one.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			timeout: timeoutMs,
			abortSignal: request.signal,
		};
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_NAME, options)) as FullResponse;
		const outcome = classifyResponse(response);
		return 'data' in outcome ? outcome.data : outcome;
	});
}

export interface DownloadOptions extends RequestContext {
	maxBytes?: number;
	fileName: string;
}

export interface DownloadedImage {
	binary: IBinaryData;
	mimeType: string;
	extension: string;
	bytes: number;
}

/**
 * Downloads one result image straight into n8n's binary data (streamed, so filesystem mode never
 * holds the whole file in memory), without the API key. Checks the scheme, a size cap and a time
 * cap, and names the type from the bytes when they disagree with the Content-Type.
 */
export async function downloadImage(ctx: Ctx, url: string, options: DownloadOptions): Promise<DownloadedImage> {
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		throw new NodeOperationError(ctx.getNode(), `Refused to download result image "${String(url).slice(0, 200)}": only http:// and https:// URLs are fetched`, {
			itemIndex: options.itemIndex,
		});
	}
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
	const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
	return await withRetries(ctx, '', 'repeatable', options, async () => {
		// The time cap covers the whole transfer, not just the wait for headers.
		const timer = startDeadline(timeoutMs);
		try {
			return await attemptDownload(ctx, parsed, options, timer.signal, maxBytes, timeoutMs);
		} finally {
			timer.clear();
		}
	});
}

/**
 * An AbortSignal that fires after `ms`, and a way to drop its timer once the work is done, so no
 * timer outlives a finished or cancelled download (AbortSignal.timeout's would, for minutes).
 */
function startDeadline(ms: number): { signal: AbortSignal; clear: () => void } {
	const deadline = new AbortController();
	const done = new AbortController();
	sleepUnlessAborted(ms, done.signal).then(
		() => deadline.abort(new Error('deadline')),
		() => undefined, // cleared: the download finished first
	);
	return { signal: deadline.signal, clear: () => done.abort() };
}

async function attemptDownload(
	ctx: Ctx,
	parsed: URL,
	options: DownloadOptions,
	deadline: AbortSignal,
	maxBytes: number,
	timeoutMs: number,
): Promise<DownloadedImage | Failure> {
	const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
	let response: FullResponse;
	try {
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url: parsed.href,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
			abortSignal: signal,
		})) as FullResponse;
	} catch (error) {
		if (deadline.aborted && !options.signal?.aborted) return downloadTimeout(timeoutMs);
		return classifyThrown(error, options.signal, timeoutMs);
	}
	const stream = response.body as NodeJS.ReadableStream & { destroy(error?: Error): void };
	if (response.statusCode !== 200) {
		stream.destroy?.();
		const failure = classifyDownloadStatus(response);
		return failure;
	}
	const declaredLength = Number(response.headers['content-length']);
	if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
		stream.destroy();
		return tooLarge(declaredLength, maxBytes);
	}
	const declaredType = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

	let received = 0;
	let head = Buffer.alloc(0);
	let overflow = false;
	const onAbort = () => stream.destroy(new Error(deadline.aborted ? 'download timed out' : 'cancelled'));
	signal.addEventListener('abort', onAbort, { once: true });
	// Counting and sniffing watch the stream's 'data' events without becoming a listener: a
	// Transform would need the 'stream' module, which community nodes may not import, and a
	// 'data' listener would start the flow before prepareBinaryData's consumer is attached
	// (filesystem mode attaches it after async set-up, and the early chunks would be lost).
	// Readable emits 'data' for every chunk it hands out, flowing or read(), so this sees all.
	const emit = stream.emit.bind(stream) as (event: string | symbol, ...args: unknown[]) => boolean;
	stream.emit = ((event: string | symbol, ...args: unknown[]) => {
		if (event === 'data') {
			const chunk = args[0] as Buffer;
			received += chunk.length;
			if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
			if (received > maxBytes && !overflow) {
				overflow = true;
				stream.destroy(new Error('image too large'));
			}
		}
		return emit(event, ...args);
	}) as typeof stream.emit;
	let binary: IBinaryData;
	try {
		binary = await ctx.helpers.prepareBinaryData(stream as never, options.fileName, declaredType || undefined);
	} catch (error) {
		if (overflow) return tooLarge(received, maxBytes);
		if (deadline.aborted && !options.signal?.aborted) return downloadTimeout(timeoutMs);
		return classifyThrown(error, options.signal, timeoutMs);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
	if (overflow) return tooLarge(received, maxBytes);
	const sniffed = sniffImageType(head);
	if (!sniffed) {
		return {
			details: {
				message: `The result image at ${parsed.origin} is not an image (Content-Type "${declaredType || 'none'}", ${received} bytes)`,
			},
			notProcessed: true,
			transient: false,
		} satisfies Failure;
	}
	// The bytes decide the type; the header is only a claim.
	const extension = sniffed.extension ?? extensionForMimeType(declaredType) ?? 'png';
	binary.mimeType = sniffed.mimeType;
	binary.fileExtension = extension;
	binary.fileName = options.fileName.replace(/\.[a-z0-9]+$/i, '') + `.${extension}`;
	binary.fileType = 'image';
	return { binary, mimeType: sniffed.mimeType, extension, bytes: received };
}

function downloadTimeout(timeoutMs: number): Failure {
	return {
		details: { message: `Downloading the result image took longer than ${formatSeconds(timeoutMs)}` },
		notProcessed: true,
		transient: true,
	};
}

function tooLarge(bytes: number, maxBytes: number): Failure {
	return {
		details: {
			message: `The result image is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB limit (${bytes} bytes or more)`,
			description: 'Raise "Max Image Size" in the options if this image is expected.',
		},
		notProcessed: true,
		transient: false,
	};
}

function classifyDownloadStatus(response: FullResponse): Failure {
	const status = response.statusCode;
	const transient = status === 429 || status >= 500;
	return {
		details: {
			message: `Downloading the result image failed (HTTP ${status})`,
			description:
				status === 404 || status === 403
					? 'TensorsLab keeps result images for a limited time (about 24 hours); the URL may have expired.'
					: undefined,
			httpCode: String(status),
		},
		notProcessed: true,
		transient,
		retryAfterMs: transient ? parseRetryAfter(response.headers['retry-after']) : undefined,
	};
}

/** The error as n8n's own error types, so the UI shows it properly; ours pass through unchanged. */
export function ensureNodeError(ctx: Ctx, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ParameterError) return parameterErrorToNodeError(ctx, error, itemIndex ?? 0);
	return new NodeOperationError(ctx.getNode(), error instanceof Error ? error : String(error), { itemIndex });
}

/** ParameterError → NodeOperationError naming the item and the parameter. */
export function parameterErrorToNodeError(ctx: Ctx, error: ParameterError, itemIndex: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `${error.message} [item ${itemIndex}, parameter "${error.parameter}"]`, {
		itemIndex,
		description: error.hint,
	});
}
