/**
 * Downloads one result file straight into n8n's binary data (streamed, so filesystem mode never
 * holds the whole file in memory), with plain `httpRequest`: the API key is never sent to the
 * result host. Checks the scheme, a size cap, a time cap on the whole transfer and the file's
 * type from its first bytes, and follows a few redirects itself (each hop checked again).
 */
import { NodeOperationError, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import { formatSeconds } from '../helpers/format';
import { SNIFF_BYTES, type ImageType } from '../helpers/imageType';
import type { FullResponse } from './envelope';
import { classifyThrown, parseRetryAfter, type Failure } from './failure';
import { withRetries } from './retry';
import { startDeadline, unlessAborted } from './sleep';

/** Redirects of a result URL followed before giving up (CDNs use one or two). */
const MAX_REDIRECTS = 5;

interface DownloadOptions {
	signal?: AbortSignal;
	timeoutMs: number;
	itemIndex: number;
	maxBytes: number;
	fileName: string;
	kind: DownloadKind;
}

/** What kind of file a download should be: for messages and for the check of its first bytes. */
export interface DownloadKind {
	/** "result image" */
	label: string;
	/** "an image" */
	expected: string;
	/** The option that raises the size cap, for the message when it is hit. */
	sizeOption: string;
	fileType: IBinaryData['fileType'];
	/** Recognises the expected type from the first bytes, or returns undefined. */
	sniff: (head: Uint8Array) => ImageType | undefined;
}

interface DownloadedFile {
	binary: IBinaryData;
	bytes: number;
}

function parseHttpUrl(url: string, base?: URL): URL | undefined {
	try {
		const parsed = new URL(url, base);
		return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
	} catch {
		return undefined;
	}
}

export async function downloadFile(ctx: IExecuteFunctions, url: string, options: DownloadOptions): Promise<DownloadedFile> {
	const parsed = parseHttpUrl(url);
	if (!parsed) {
		throw new NodeOperationError(ctx.getNode(), `Refused to download ${options.kind.label} "${String(url).slice(0, 200)}": only http:// and https:// URLs are fetched`, {
			itemIndex: options.itemIndex,
		});
	}
	return await withRetries(ctx, 'repeatable', { ...options, apiKey: '' }, async () => {
		// The time cap covers the whole transfer and every redirect, not just the wait for headers.
		const timer = startDeadline(options.timeoutMs);
		try {
			return await attemptDownload(ctx, parsed, options, timer.signal);
		} finally {
			timer.clear();
		}
	});
}

type Stream = NodeJS.ReadableStream & { destroy(error?: Error): void; emit: (event: string | symbol, ...args: unknown[]) => boolean };

async function attemptDownload(ctx: IExecuteFunctions, start: URL, options: DownloadOptions, deadline: AbortSignal): Promise<DownloadedFile | Failure> {
	const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
	const { timeoutMs, maxBytes, kind } = options;
	const label = kind.label;
	let url = start;
	let response: FullResponse;
	for (let hop = 0; ; hop++) {
		const host = `the ${label} host ${url.origin}`;
		try {
			const sent = ctx.helpers.httpRequest({
				method: 'GET',
				url: url.href,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: timeoutMs,
				abortSignal: signal,
			}) as Promise<FullResponse>;
			// The HTTP client may not honour our signal (see transport/sleep.ts): stop waiting at
			// once on a deadline or an abort, and close an answer that comes after.
			response = await unlessAborted(sent, signal, (late) => (late.body as Stream)?.destroy?.());
		} catch (error) {
			if (deadline.aborted && !options.signal?.aborted) return timedOut(label, timeoutMs);
			return classifyThrown(error, options.signal, timeoutMs, host);
		}
		if (response.statusCode < 300 || response.statusCode >= 400) break;
		(response.body as Stream).destroy?.();
		const next = parseHttpUrl(String(response.headers.location ?? ''), url);
		if (!next || hop >= MAX_REDIRECTS) {
			return {
				details: {
					message: next
						? `${capitalise(host)} redirected the download more than ${MAX_REDIRECTS} times`
						: `${capitalise(host)} redirected the download to an address that is not http(s)`,
					httpCode: String(response.statusCode),
				},
				notProcessed: true,
				transient: false,
			};
		}
		url = next;
	}
	const stream = response.body as Stream;
	if (response.statusCode !== 200) {
		stream.destroy?.();
		return failedStatus(response, label);
	}
	const declaredLength = Number(response.headers['content-length']);
	if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
		stream.destroy();
		return tooLarge(kind, declaredLength, maxBytes);
	}
	const declaredType = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

	let received = 0;
	let head = Buffer.alloc(0);
	let refused: Failure | undefined;
	const refuse = (failure: Failure) => {
		if (refused) return;
		refused = failure;
		stream.destroy(new Error(failure.details.message));
	};
	const notExpectedType = (): Failure => ({
		details: { message: `The ${label} at ${url.origin} is not ${kind.expected} (Content-Type "${declaredType || 'none'}", ${received} bytes)` },
		notProcessed: true,
		transient: false,
	});
	const onAbort = () => stream.destroy(new Error(deadline.aborted ? 'download timed out' : 'cancelled'));
	signal.addEventListener('abort', onAbort, { once: true });
	// Counting and sniffing watch the stream's events without becoming a listener: a Transform
	// would need the 'stream' module, which community nodes may not import, and a 'data' listener
	// would start the flow before prepareBinaryData's consumer is attached (filesystem mode
	// attaches it after async set-up, and the early chunks would be lost). Readable emits 'data'
	// for every chunk it hands out, flowing or read(), so this sees all. A file that is too large
	// or not of the expected type is refused while it streams, so n8n's store never keeps it.
	const emit = stream.emit.bind(stream);
	stream.emit = (event: string | symbol, ...args: unknown[]) => {
		if (event === 'data' && !refused) {
			const chunk = args[0] as Buffer;
			received += chunk.length;
			const sniffedBefore = head.length >= SNIFF_BYTES;
			if (!sniffedBefore) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
			if (received > maxBytes) refuse(tooLarge(kind, received, maxBytes));
			else if (!sniffedBefore && head.length >= SNIFF_BYTES && !kind.sniff(head)) refuse(notExpectedType());
			if (refused) return false;
		}
		if (event === 'end' && !refused && !kind.sniff(head)) {
			refuse(notExpectedType());
			return false;
		}
		return emit(event, ...args);
	};
	let binary: IBinaryData;
	try {
		binary = await ctx.helpers.prepareBinaryData(stream as never, options.fileName, declaredType || undefined);
	} catch (error) {
		if (refused) return refused;
		if (deadline.aborted && !options.signal?.aborted) return timedOut(label, timeoutMs);
		return classifyThrown(error, options.signal, timeoutMs, `the ${label} host ${url.origin}`);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
	if (refused) return refused;
	const sniffed = kind.sniff(head)!;
	// The bytes decide the type; the header is only a claim.
	binary.mimeType = sniffed.mimeType;
	binary.fileExtension = sniffed.extension;
	binary.fileName = options.fileName.replace(/\.[a-z0-9]+$/i, '') + `.${sniffed.extension}`;
	binary.fileType = kind.fileType;
	return { binary, bytes: received };
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function timedOut(label: string, timeoutMs: number): Failure {
	return {
		details: { message: `Downloading the ${label} took longer than ${formatSeconds(timeoutMs)}` },
		notProcessed: true,
		transient: true,
	};
}

function tooLarge(kind: DownloadKind, bytes: number, maxBytes: number): Failure {
	return {
		details: {
			message: `The ${kind.label} is larger than the ${Math.round(maxBytes / 1024 / 1024)} MB limit (${bytes} bytes or more)`,
			description: `Raise "${kind.sizeOption}" in the options if this file is expected.`,
		},
		notProcessed: true,
		transient: false,
	};
}

function failedStatus(response: FullResponse, label: string): Failure {
	const status = response.statusCode;
	const transient = status === 429 || status >= 500;
	return {
		details: {
			message: `Could not download the ${label} (HTTP ${status})`,
			description:
				status === 404 || status === 403
					? 'TensorsLab keeps result files for a limited time (about 24 hours); the URL may have expired.'
					: undefined,
			httpCode: String(status),
		},
		notProcessed: true,
		transient,
		retryAfterMs: transient ? parseRetryAfter(response.headers['retry-after']) : undefined,
	};
}
