/**
 * Shared set-up for the fault, bad-input and security suites: one emulator per test file with a
 * distinctive API key (so a leak is easy to search for), fast task timing, and the n8n-core
 * harness.
 */
import type { INodeParameters } from 'n8n-workflow';
import type { Socket } from 'node:net';

import { startEmulator, type Emulator } from '../emulator';
import { disposeHarness, runNode, type RunNodeOptions, type RunNodeResult } from '../harness';

/** Distinctive, so that any occurrence of it in an output, error or log line is unmistakable. */
export const SECRET_KEY = 'tl-SECRET-7f3a9c2e5b-do-not-leak-KEY';

export const FAST = { queuedMs: 10, processingMs: 40 };

export function useFaultEmulator(): { emu: () => Emulator } {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({ apiKey: SECRET_KEY, ...FAST });
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
