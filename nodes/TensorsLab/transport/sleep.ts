/**
 * Sleeping and deadlines that never outlive an abort. n8n 2.x's `sleep(ms, signal)` clears its
 * timer when the signal aborts; n8n 1.x's `sleep` ignores a signal and offers `sleepWithAbort`
 * instead. Whichever the running n8n has, no timer outlives an abort (a leftover timer would keep a
 * finished `n8n execute` process alive).
 */
import * as n8nWorkflow from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

const sleepWithAbortOf1x = (n8nWorkflow as unknown as { sleepWithAbort?: (ms: number, signal: AbortSignal) => Promise<void> })
	.sleepWithAbort;

/** Resolves after `ms`; rejects as soon as `signal` aborts, and its timer is then gone. */
async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
	if (typeof sleepWithAbortOf1x === 'function') return await sleepWithAbortOf1x(ms, signal);
	return await sleep(ms, signal as never);
}

/** Thrown by `abortableSleep` when the execution is cancelled. */
class CancelledError extends Error {
	readonly cancelled = true;

	constructor() {
		super('The execution was cancelled');
		this.name = 'CancelledError';
	}
}

/** Resolves after `ms`, or rejects with a CancelledError as soon as the signal aborts. */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw new CancelledError();
	const aborted = await sleepUnlessAborted(ms, signal).then(
		() => false,
		() => true,
	);
	if (aborted) throw new CancelledError();
}

/**
 * An AbortSignal that fires after `ms`, and a way to drop its timer once the work is done, so no
 * timer outlives a finished or cancelled request (AbortSignal.timeout's would, for minutes).
 */
export function startDeadline(ms: number): { signal: AbortSignal; clear: () => void } {
	const deadline = new AbortController();
	const done = new AbortController();
	sleepUnlessAborted(ms, done.signal).then(
		() => deadline.abort(new Error('deadline')),
		() => undefined, // cleared: the work finished first
	);
	return { signal: deadline.signal, clear: () => done.abort() };
}

/**
 * Settles with `work`, or rejects with `onDeadline()` once `ms` have passed, or with a
 * cancellation as soon as `signal` aborts, whichever is first; the deadline's timer is gone
 * either way. n8n hands the HTTP client the execution's abort signal instead of ours, so a request
 * cannot be cut off from here; its late answer is ignored instead. The HTTP client's own timeout
 * fires only when the connection goes quiet, so this is what makes Request Timeout a limit on a
 * whole request; and the signal is what lets a task that timed out, or a node that returned, stop
 * waiting for a request at once, with no timer of ours left behind.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onDeadline: () => unknown, signal?: AbortSignal): Promise<T> {
	if (signal?.aborted) {
		work.catch(() => undefined);
		throw new CancelledError();
	}
	const deadline = startDeadline(ms);
	// One listener on the caller's signal, removed when the work settles: a listener left on an
	// AbortSignal.any() signal keeps that signal, and all its listeners reach (the request and its
	// body, source images included), alive until one of its sources aborts, i.e. until the node
	// returns. That made memory grow with the number of items (BENCHMARK.md, source images).
	let cancel: (() => void) | undefined;
	const onAbort = () => {
		deadline.clear();
		cancel?.();
	};
	signal?.addEventListener('abort', onAbort, { once: true });
	try {
		return await new Promise<T>((resolve, reject) => {
			deadline.signal.addEventListener('abort', () => reject(onDeadline()), { once: true });
			cancel = () => reject(new CancelledError());
			work.then(resolve, reject);
		});
	} finally {
		signal?.removeEventListener('abort', onAbort);
		deadline.clear();
	}
}

/**
 * Settles with `work`, or rejects as soon as `signal` aborts (with the signal's reason). For a
 * request the HTTP client will not cut off (see withDeadline): `discard` gets an answer that
 * arrives after the abort, so that its open stream is closed rather than left behind.
 */
export async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal, discard: (late: T) => void): Promise<T> {
	let abandoned = false;
	work.then(
		(late) => {
			if (abandoned) discard(late);
		},
		() => undefined,
	);
	let listener: (() => void) | undefined;
	try {
		return await new Promise<T>((resolve, reject) => {
			listener = () => {
				abandoned = true;
				reject(signal.reason ?? new CancelledError());
			};
			if (signal.aborted) return listener();
			signal.addEventListener('abort', listener, { once: true });
			work.then(resolve, reject);
		});
	} finally {
		if (listener) signal.removeEventListener('abort', listener);
	}
}
