/**
 * Issue 11 against the emulator: Image → Edit (TensorsLab's undocumented quick edit), Z-Image's
 * Size choice (ratios beside width × height) and "Other (by ID)" for a model the node does not
 * know yet. The refusals before any request are in test/faults/edit-and-models.test.ts.
 */
import { expectedImageBytes } from '../../emulator';
import { JPEG_BYTES, PNG_BYTES, generateRequests, run, useEmulator } from './helpers';

const { emu } = useEmulator();

const photo = [{ json: {}, binary: { data: { data: PNG_BYTES, mimeType: 'image/png', fileName: 'photo.png' } } }];

const edit = (extra: Record<string, unknown>) => ({ resource: 'image', operation: 'edit', prompt: 'remove the background', options: {}, ...extra });
const generateAndWait = (extra: Record<string, unknown>) => ({ resource: 'image', operation: 'generateAndWait', options: {}, ...extra });

describe('Image → Edit', () => {
	it.each([
		['apiDefault', {}, {}],
		['21:9', { resolution: '21:9' }, { resolution: ['21:9'] }],
		['9:21', { resolution: '9:21' }, { resolution: ['9:21'] }],
		['4K', { resolution: '4K' }, { resolution: ['4K'] }],
		['custom', { resolution: 'custom', width: 3000, height: 1000 }, { resolution: ['3000x1000'] }],
	])('resolution %s: posts the binary to /v1/images/quickedit and outputs the image like Generate and Wait', async (_name, params, resolution) => {
		const result = await run(emu(), edit({ binaryPropertyNames: 'data', ...params }), { inputItems: photo });
		expect(result.error).toBeUndefined();
		expect(generateRequests(emu())).toEqual([
			{
				path: '/v1/images/quickedit',
				fields: { prompt: ['remove the background'], ...resolution },
				files: [{ field: 'sourceImage', filename: 'photo.png', contentType: 'image/png', bytes: PNG_BYTES }],
			},
		]);
		expect(result.items).toHaveLength(1);
		const taskId = result.items[0].json.taskId as string;
		expect(result.items[0].json).toMatchObject({ taskId, model: 'quickedit', status: 'completed', index: 0, prompt: 'remove the background' });
		expect(result.items[0].json.url).toBe(`${emu().imageOrigin}/images/${taskId}/0.png`);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.binaries[0].data.buffer.equals(expectedImageBytes(taskId, 0))).toBe(true);
		expect(result.binaries[0].data).toMatchObject({ mimeType: 'image/png', fileName: `tensorslab-${taskId}-0.png` });
	});

	it('edits from an image URL, and reports the size the ratio asks for', async () => {
		const result = await run(emu(), edit({ imageUrl: 'https://example.com/photo.jpg', resolution: '21:9', options: { downloadImages: false } }));
		expect(result.error).toBeUndefined();
		expect(generateRequests(emu())).toEqual([
			{ path: '/v1/images/quickedit', fields: { prompt: ['remove the background'], resolution: ['21:9'], imageUrl: ['https://example.com/photo.jpg'] }, files: [] },
		]);
		expect(result.items[0].json).toMatchObject({ model: 'quickedit', width: 3024, height: 1296 });
		expect(emu().imageRequests()).toHaveLength(0);
	});

	it('edits many items side by side, each with its own image, and keeps the pairing', async () => {
		const items = [PNG_BYTES, JPEG_BYTES, PNG_BYTES].map((data, i) => ({
			json: { instruction: `edit ${i}` },
			binary: { data: { data, mimeType: 'application/octet-stream', fileName: `in-${i}` } },
		}));
		const result = await run(emu(), edit({ prompt: '={{ $json.instruction }}', binaryPropertyNames: 'data', options: { outputMode: 'singleItem', binaryPropertyName: 'edited' } }), {
			inputItems: items,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.prompt, item.pairedItem])).toEqual([0, 1, 2].map((item) => [`edit ${item}`, { item }]));
		expect(generateRequests(emu()).map((r) => r.files[0].contentType).sort()).toEqual(['image/jpeg', 'image/png', 'image/png']);
		expect(Object.keys(result.binaries[1])).toEqual(['edited_0']);
	});

	it('edits the image a Generate step made (generate, then widen to 21:9)', async () => {
		const generated = await run(emu(), generateAndWait({ model: 'seedreamv45', prompt: 'a lighthouse', resolution: '1:1' }));
		expect(generated.error).toBeUndefined();
		const input = generated.items.map((item, index) => ({
			json: item.json,
			binary: { data: { data: generated.binaries[index].data.buffer, mimeType: 'image/png', fileName: generated.binaries[index].data.fileName } },
		}));
		emu().clearLog();
		const edited = await run(emu(), edit({ prompt: 'widen the scene', resolution: '21:9', binaryPropertyNames: 'data' }), { inputItems: input });
		expect(edited.error).toBeUndefined();
		const [request] = emu().apiRequests('generate');
		expect(request.path).toBe('/v1/images/quickedit');
		expect(request.files[0].bytes.equals(generated.binaries[0].data.buffer)).toBe(true);
		expect(edited.items[0].json).toMatchObject({ model: 'quickedit', width: 3024, height: 1296 });
	});
});

describe('Z-Image Size', () => {
	it.each([
		['16:9', { zimageSize: '16:9' }, ['16:9'], [1280, 720]],
		['3:4', { zimageSize: '3:4' }, ['3:4'], [864, 1152]],
		['custom (the default) with width and height', { width: 768, height: 1344 }, ['768*1344'], [768, 1344]],
		['custom, nothing else set', {}, ['1024*1024'], [1024, 1024]],
		['a ratio from an expression, width and height left at their defaults', { zimageSize: '={{ "9:16" }}' }, ['9:16'], [720, 1280]],
	])('%s sends resolution %j', async (_name, params, resolution, [width, height]) => {
		const result = await run(emu(), generateAndWait({ model: 'zimage', prompt: 'a fox', ...params }));
		expect(result.error).toBeUndefined();
		expect(generateRequests(emu())).toEqual([{ path: '/v1/images/zimage', fields: { prompt: ['a fox'], resolution }, files: [] }]);
		expect(result.items[0].json).toMatchObject({ model: 'zimage', width, height });
	});

	it('a ratio picked in the editor hides width and height, and n8n drops a stray one before the node runs', async () => {
		const result = await run(emu(), generateAndWait({ model: 'zimage', prompt: 'p', zimageSize: '4:3', width: 1280 }));
		expect(result.error).toBeUndefined();
		expect(generateRequests(emu())[0].fields).toEqual({ prompt: ['p'], resolution: ['4:3'] });
	});

	it('a workflow saved before Size existed (width and height only) sends exactly what it sent before', async () => {
		await run(emu(), { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p', width: 1000, height: 600, seed: 5, options: {} });
		expect(generateRequests(emu())[0].fields).toEqual({ prompt: ['p'], resolution: ['1000*600'], seed: ['5'] });
	});
});

describe('Other (by ID)', () => {
	it('posts what the user set to /v1/images/<model ID> and outputs the images with that model', async () => {
		const result = await run(
			emu(),
			generateAndWait({ model: 'custom', modelId: ' seedreamv6 ', prompt: 'a fox', batchSize: 2, resolution: '2560x1440', binaryPropertyNames: 'data' }),
			{ inputItems: photo },
		);
		expect(result.error).toBeUndefined();
		expect(generateRequests(emu())).toEqual([
			{
				path: '/v1/images/seedreamv6',
				fields: { prompt: ['a fox'], batchsize: ['2'], resolution: ['2560x1440'] },
				files: [{ field: 'sourceImage', filename: 'photo.png', contentType: 'image/png', bytes: PNG_BYTES }],
			},
		]);
		expect(result.items).toHaveLength(2);
		expect(result.items.map((item) => item.json.model)).toEqual(['seedreamv6', 'seedreamv6']);
		const taskId = result.items[1].json.taskId as string;
		expect(result.binaries[1].data.buffer.equals(expectedImageBytes(taskId, 1))).toBe(true);
	});

	it('sends only the prompt when nothing else is set, and a URL when given', async () => {
		await run(emu(), { resource: 'image', operation: 'generate', model: 'custom', modelId: 'seedreamv6', prompt: 'p', options: {} });
		await run(emu(), { resource: 'image', operation: 'generate', model: 'custom', modelId: 'seedreamv6', prompt: 'p', imageUrl: 'https://example.com/a.png', resolution: '16:9', options: {} });
		expect(generateRequests(emu()).map((r) => r.fields)).toEqual([{ prompt: ['p'] }, { prompt: ['p'], resolution: ['16:9'], imageUrl: ['https://example.com/a.png'] }]);
	});

	it('leaves the model rules to TensorsLab: a resolution the model refuses comes back as its error, after one request', async () => {
		const result = await run(emu(), generateAndWait({ model: 'custom', modelId: 'seedreamv6', prompt: 'p', resolution: '5:4' }));
		expect(result.error?.message).toMatch(/^TensorsLab refused the request: Parameter "resolution" must be one of .* \(code 9999\)$/);
		expect(emu().apiRequests('generate')).toHaveLength(1);
		expect(emu().tasks.size).toBe(0);
	});

	it('a model ID TensorsLab does not know gets the API\'s answer (HTTP 404, code 9999), sent once, nothing created', async () => {
		const result = await run(emu(), generateAndWait({ model: 'custom', modelId: 'nosuchmodel', prompt: 'p' }));
		expect(result.error?.message).toBe('TensorsLab refused the request (HTTP 404): Not found: POST /v1/images/nosuchmodel');
		expect((result.error as { description?: string }).description).toBe(
			'TensorsLab has no model "nosuchmodel" at /v1/images/nosuchmodel. With "Other (by ID)", check the Model ID (the model\'s name in TensorsLab\'s API, e.g. seedreamv45); otherwise check the Base URL in the credential.',
		);
		expect(emu().log.map((r) => [r.path, r.response])).toEqual([['/v1/images/nosuchmodel', { status: 404, code: 9999 }]]);
		expect(emu().tasks.size).toBe(0);
	});
});
