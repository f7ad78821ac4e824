/** Shared set-up for the node's integration tests: one emulator per file, the n8n-core harness. */
import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../emulator';
import { disposeHarness, runNode, type RunNodeOptions, type RunNodeResult } from '../harness';

export const PNG_BYTES = Buffer.from(
	'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201a1d2b1ea0000000049454e44ae426082',
	'hex',
);
export const JPEG_BYTES = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0 some jpeg body')]);

export function useEmulator(): { emu: () => Emulator } {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({ queuedMs: 20, processingMs: 60 });
	});
	beforeEach(() => {
		emulator!.reset();
		emulator!.configure({ queuedMs: 20, processingMs: 60, credits: null });
	});
	afterAll(async () => {
		await emulator?.close();
		await disposeHarness();
	});
	return { emu: () => emulator! };
}

export async function run(
	emu: Emulator,
	parameters: INodeParameters,
	extra: Partial<RunNodeOptions> = {},
): Promise<RunNodeResult> {
	return await runNode({
		parameters,
		credentials: { apiKey: emu.apiKey, baseUrl: emu.url },
		timeoutMs: 20_000,
		...extra,
	});
}

/** The fields and files of every generate request the emulator received. */
export function generateRequests(emu: Emulator) {
	return emu.apiRequests('generate').map((r) => ({
		path: r.path,
		fields: r.fields,
		files: r.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, bytes: f.bytes })),
	}));
}
