/**
 * Shared set-up for the fault, bad-input and security suites: one emulator per test file with a
 * distinctive API key (so a leak is easy to search for), fast task timing, and the n8n-core
 * harness.
 */
import type { INodeParameters } from 'n8n-workflow';
import { createHook } from 'node:async_hooks';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { inspect } from 'node:util';

import { startEmulator, type Emulator } from '../../emulator';
import { disposeHarness, runNode, type RunNodeOptions, type RunNodeResult } from '../harness';

/** Distinctive, so that any occurrence of it in an output, error or log line is unmistakable. */
export const SECRET_KEY = 'tl-SECRET-7f3a9c2e5b-do-not-leak-KEY';

export const FAST = { queuedMs: 10, processingMs: 40 };

export function useFaultEmulator(): { emu: () => Emulator } {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({ apiKey: SECRET_KEY, ...FAST });
		// Warm-up: the first run of a file loads (and compiles) the node and n8n-core's services,
		// which would otherwise count against the first test's timings. It sends nothing.
		await runNode({ parameters: { resource: 'task', operation: 'get', taskId: '={{ "" }}' }, credentials: { apiKey: SECRET_KEY, baseUrl: emulator.url } });
	});
	beforeEach(() => {
		emulator!.reset();
		emulator!.configure({ ...FAST, credits: null, imageBytes: null });
	});
	afterAll(async () => {
		await emulator?.close();
		await disposeHarness();
	});
	return { emu: () => emulator! };
}

export async function run(emu: Emulator, parameters: INodeParameters, extra: Partial<RunNodeOptions> = {}): Promise<RunNodeResult> {
	return await runNode({
		parameters,
		credentials: { apiKey: emu.apiKey, baseUrl: emu.url },
		timeoutMs: 20_000,
		...extra,
	});
}

/** Generate and Wait with Z-Image (one image, one credit) and a quick poll, unless overridden. */
export function generateAndWait(extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}): INodeParameters {
	return {
		resource: 'image',
		operation: 'generateAndWait',
		model: 'zimage',
		prompt: 'a lighthouse at dusk',
		...extra,
		options: { pollInterval: 0.05, ...options },
	} as INodeParameters;
}

export function waitAndDownload(taskId: string, options: Record<string, unknown> = {}): INodeParameters {
	return { resource: 'task', operation: 'waitAndDownload', taskId, options: { pollInterval: 0.05, ...options } } as INodeParameters;
}

export const sleep = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The description n8n shows under the message (NodeApiError / NodeOperationError). */
export function descriptionOf(error: unknown): string {
	return String((error as { description?: unknown } | undefined)?.description ?? '');
}

/** Gaps in ms between consecutive recorded requests. */
export function gaps(times: number[]): number[] {
	return times.slice(1).map((time, index) => time - times[index]);
}

/** Server-side sockets of the emulator that are still open on `port` (the emulator's own bookkeeping). */
export function openServerSockets(emu: Emulator, port: number): Socket[] {
	const sockets = (emu as unknown as { sockets: Set<Socket> }).sockets;
	return [...sockets].filter((socket) => !socket.destroyed && socket.localPort === port);
}

/**
 * Watches the timers created from now on. `pending()` lists those still armed (ref'd, neither
 * fired nor cleared), each with the stack that created it, so that a failure shows whose it is.
 *
 * A process-wide count (`process.getActiveResourcesInfo()`) is not usable for this: jest's own
 * reporter arms and clears timers in the test process at moments of its choosing, which once made
 * such a count one higher after a clean cancel. Its timers are left out here by their stack.
 */
export function watchTimers(): { pending: () => string[]; stop: () => void } {
	const armed = new Map<number, { timer: NodeJS.Timeout; stack: string }>();
	const hook = createHook({
		init(asyncId, type, _triggerAsyncId, resource) {
			if (type !== 'Timeout') return;
			const limit = Error.stackTraceLimit;
			Error.stackTraceLimit = 40;
			const stack = new Error('timer created').stack ?? '';
			Error.stackTraceLimit = limit;
			if (/[\\/]node_modules[\\/](@jest|jest-)/.test(stack)) return;
			armed.set(asyncId, { timer: resource as NodeJS.Timeout, stack });
		},
		destroy(asyncId) {
			armed.delete(asyncId);
		},
	}).enable();
	return {
		pending: () =>
			[...armed.values()]
				.filter(({ timer }) => timer.hasRef() && !(timer as unknown as { _destroyed: boolean })._destroyed)
				.map(({ stack }) => stack),
		stop: () => hook.disable(),
	};
}

/** A port nothing listens on right now (bound and released), for "connection refused". */
export async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

export interface RecordingServer {
	url: string;
	requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>;
	close(): Promise<void>;
}

/**
 * A small local HTTP server on its own origin. It records every request (headers included) and
 * answers with `handler`, by default a 200 "ok".
 */
export async function startRecordingServer(
	handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end('ok'),
): Promise<RecordingServer> {
	const requests: RecordingServer['requests'] = [];
	const sockets = new Set<Socket>();
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
		req.resume();
		handler(req, res);
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			for (const socket of sockets) socket.destroy();
			await closed;
		},
	};
}

/**
 * Everything a user or an operator could ever see of a run, as one string: output items (JSON and
 * binary metadata), the error with its description, stack and cause chain, what n8n stored as the
 * execution error and run data, and every log line n8n-core wrote. (Not the harness's own record
 * of the authenticated requests, which holds the header by design.)
 */
export function everythingVisible(result: RunNodeResult): string {
	const seen = new WeakSet<object>();
	const replacer = (_key: string, value: unknown): unknown => {
		if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `<${value.length} bytes>`;
		if (value && typeof value === 'object') {
			if (seen.has(value)) return '[circular]';
			seen.add(value);
			if (value instanceof Error || (typeof (value as Error).message === 'string' && typeof (value as Error).stack === 'string')) {
				const error = value as Error & Record<string, unknown>;
				const own: Record<string, unknown> = {};
				for (const name of Object.getOwnPropertyNames(error)) own[name] = error[name];
				return { name: error.name, message: error.message, stack: error.stack, description: error.description, cause: error.cause, ...own };
			}
		}
		return value;
	};
	const parts = [
		JSON.stringify(result.items, replacer),
		JSON.stringify(result.error ?? null, replacer),
		result.error ? `${String(result.error)} ${result.error.stack ?? ''}` : '',
		JSON.stringify(result.executionError ?? null, replacer),
		JSON.stringify(result.runData, replacer),
		JSON.stringify(result.run.data.resultData.error ?? null, replacer),
		result.logs.map((entry) => `${entry.level} ${entry.message} ${inspect(entry.metadata, { depth: 8 })}`).join('\n'),
		JSON.stringify(result.logs, replacer),
	];
	return parts.join('\n');
}
