/**
 * Video: bad input is refused before anything is sent (the error names the item and the
 * parameter, the emulator sees no request), and the video paths take faults as images do.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { HarnessInputItem } from '../harness';
import { PNG_BYTES } from '../node/helpers';
import { run, useFaultEmulator } from './support';

const { emu } = useFaultEmulator();

function videoParameters(extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}): INodeParameters {
	return { resource: 'video', operation: 'generateAndWait', model: 'seedancev2', prompt: 'a lighthouse at dusk', ...extra, options: { pollInterval: 0.05, ...options } } as INodeParameters;
}

/** Items 0 and 2 are fine; item 1 carries the bad values, read through expressions. */
function threeItems(bad: IDataObject): { parameters: INodeParameters; inputItems: HarnessInputItem[] } {
	const binary = { a: { data: PNG_BYTES, mimeType: 'image/png', fileName: 'a.png' }, b: { data: PNG_BYTES, mimeType: 'image/png', fileName: 'b.png' } };
	const good: IDataObject = { model: 'seedancev2', prompt: 'fine' };
	const parameters: Record<string, unknown> = videoParameters();
	// FPS, Generate Audio, Return Last Frame and Seed are in Additional Fields, where the panel puts them.
	const additionalFields: Record<string, unknown> = {};
	for (const name of new Set([...Object.keys(good), ...Object.keys(bad)])) {
		if (['fps', 'generateAudio', 'returnLastFrame', 'seed'].includes(name)) additionalFields[name] = `={{ $json.${name} }}`;
		else parameters[name] = `={{ $json.${name} }}`;
	}
	if (Object.keys(additionalFields).length) parameters.additionalFields = additionalFields;
	return { parameters: parameters as INodeParameters, inputItems: [{ json: good, binary }, { json: { ...good, ...bad }, binary }, { json: good, binary }] };
}

describe('video parameters', () => {
	it.each([
		['a duration of 16 s on SeeDance 2.0', { duration: 16 }, /^Duration for SeeDance 2\.0 must be between 5 and 15 seconds, got 16 \[item 1, parameter "duration"\]$/],
		['a duration of 11 s on SeeDance 1.5 Pro', { model: 'seedancev15pro', duration: 11 }, /^Duration for SeeDance 1\.5 Pro must be between 5 and 10 seconds, got 11 \[item 1, parameter "duration"\]$/],
		['a duration of 4 s', { duration: 4 }, /must be between 5 and 15 seconds, got 4 \[item 1, parameter "duration"\]$/],
		['1440p on SeeDance 1.0 Pro Fast', { model: 'seedancev1profast', videoResolution: '1440p' }, /^Resolution "1440p" is not available for SeeDance 1\.0 Pro Fast \[item 1, parameter "videoResolution"\]$/],
		['audio on SeeDance 1.5 Pro', { model: 'seedancev15pro', generateAudio: true }, /^SeeDance 1\.5 Pro does not offer Generate Audio \[item 1, parameter "generateAudio"\]$/],
		['a last frame on SeeDance 1.0 Pro Fast', { model: 'seedancev1profast', returnLastFrame: true }, /^SeeDance 1\.0 Pro Fast does not offer Return Last Frame \[item 1, parameter "returnLastFrame"\]$/],
		['three source images', { binaryPropertyNames: 'a,b,a' }, /^SeeDance 2\.0 takes at most 2 source images, got 3 \[item 1, parameter "binaryPropertyNames"\]$/],
		['a prompt of 8193 characters', { prompt: 'x'.repeat(8193) }, /^Prompt must be at most 8192 characters, got 8193 \[item 1, parameter "prompt"\]$/],
		['both binaries and an image URL', { binaryPropertyNames: 'a', imageUrl: 'https://example.com/a.png' }, /not both \[item 1, parameter "imageUrl"\]$/],
		['an unknown ratio', { ratio: '2:1' }, /^Ratio "2:1" is not available for SeeDance 2\.0 \[item 1, parameter "ratio"\]$/],
		['an unknown video model', { model: 'seedancev3' }, /^Unknown video model "seedancev3" \[item 1, parameter "model"\]$/],
		['an fps of 0', { fps: 0 }, /^FPS must be between 1 and 60, got 0 \[item 1, parameter "fps"\]$/],
	])('refuses %s before any request, naming the item and parameter', async (_name, bad, message) => {
		const { parameters, inputItems } = threeItems(bad);
		const result = await run(emu(), parameters, { inputItems });
		expect(result.error?.message).toMatch(message);
		expect(result.items).toHaveLength(0);
		expect(emu().log).toHaveLength(0);
	});

	it('accepts the edges: 15 s and 1440p with audio and last frame on 2.0, 8192 characters, two source images', async () => {
		const { parameters, inputItems } = threeItems({ duration: 15, videoResolution: '1440p', generateAudio: true, returnLastFrame: true, prompt: 'y'.repeat(8192), binaryPropertyNames: 'a,b' });
		const result = await run(emu(), parameters, { inputItems });
		expect(result.error).toBeUndefined();
		expect(emu().apiRequests('generate')).toHaveLength(3);
		// Item 1's request (the items run concurrently, so it need not arrive second).
		const item1 = emu().apiRequests('generate').find((r) => r.fields?.prompt?.[0] === 'y'.repeat(8192))!;
		expect(item1.files).toHaveLength(2);
		expect(item1.fields).toMatchObject({ generate_audio: ['1'], return_last_frame: ['1'] });
	});
});

describe('video faults', () => {
	it('retries two 503 answers of the video status endpoint and delivers the video', async () => {
		emu().inject('videoinfobytaskid', { kind: 'http', status: 503 }, 2);
		const result = await run(emu(), videoParameters());
		expect(result.error).toBeUndefined();
		expect(result.items[0].binary?.data.mimeType).toBe('video/mp4');
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});

	it('sends a video generate request once after a connection reset and says the outcome is unknown', async () => {
		emu().inject('seedancev2', { kind: 'reset' });
		const result = await run(emu(), videoParameters());
		expect(result.error?.message).toMatch(/ECONNRESET/);
		expect((result.error as Error & { description?: string }).description).toMatch(/not sent again/);
		expect(emu().apiRequests('generate')).toHaveLength(1);
	});

	it('retries a 500 on the video download and delivers it intact', async () => {
		emu().inject('video', { kind: 'http', status: 500 }, 1);
		const result = await run(emu(), videoParameters());
		expect(result.error).toBeUndefined();
		expect(result.binaries[0].data.buffer).toEqual(emu().expectedVideoBytes(result.items[0].json.taskId as string));
	});

	it('refuses a video larger than Max Video Size while it streams', async () => {
		emu().configure({ videoBytes: 3 * 1024 * 1024 });
		const result = await run(emu(), videoParameters({}, { maxVideoSizeMb: 1 }));
		expect(result.error?.message).toMatch(/^The result video is larger than the 1 MB limit/);
	});

	it('waits on an unknown video status code as still running', async () => {
		emu().inject('videoinfobytaskid', { kind: 'unknownStatus', value: 9 }, 2);
		const result = await run(emu(), videoParameters());
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('completed');
	});

	it('reports a completed video task without URLs as an error', async () => {
		emu().inject('generate', { kind: 'emptyUrls' });
		const result = await run(emu(), videoParameters());
		expect(result.error?.message).toMatch(/completed but TensorsLab returned no video URLs$/);
	});
});
