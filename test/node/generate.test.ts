import { expectedImageBytes } from '../../emulator';
import { testCredential } from '../harness';
import { JPEG_BYTES, PNG_BYTES, generateRequests, run, useEmulator } from './helpers';

const { emu } = useEmulator();

const generateAndWait = (extra: Record<string, unknown>) => ({
	resource: 'image',
	operation: 'generateAndWait',
	options: {},
	...extra,
});

describe('credential', () => {
	it('passes the test with the right key and fails with a wrong one', async () => {
		expect(await testCredential({ apiKey: emu().apiKey, baseUrl: emu().url })).toMatchObject({ status: 'OK' });
		const wrong = await testCredential({ apiKey: 'wrong-key', baseUrl: `${emu().url}/` });
		expect(wrong.status).toBe('Error');
		// The test spends nothing: it deletes an empty list of tasks.
		expect(emu().apiRequests('generate')).toHaveLength(0);
		const deletes = emu().apiRequests('deleteimagestask');
		expect(deletes.length).toBeGreaterThanOrEqual(2);
		for (const request of deletes) expect(request.json).toEqual({ taskids: [] });
	});
});

describe('Generate and Wait', () => {
	it.each([
		['seedreamv45', { resolution: '16:9', batchSize: 2 }, { prompt: ['a fox'], batchsize: ['2'], resolution: ['16:9'] }, 2],
		['seedreamv5', { resolution: '4K', batchSize: 1 }, { prompt: ['a fox'], batchsize: ['1'], resolution: ['4K'] }, 1],
		['seedreamv4', { resolution: 'apiDefault', batchSize: 3 }, { prompt: ['a fox'], batchsize: ['3'] }, 3],
		['seedreamv45', { resolution: 'custom', width: 3750, height: 1250 }, { prompt: ['a fox'], batchsize: ['1'], resolution: ['3750x1250'] }, 1],
		['zimage', { width: 768, height: 1344, seed: 7, promptExtend: true }, { prompt: ['a fox'], resolution: ['768*1344'], seed: ['7'], prompt_extend: ['1'] }, 1],
		['zimage', {}, { prompt: ['a fox'], resolution: ['1024*1024'] }, 1],
	])('%s %j sends exactly %j and outputs every image', async (model, params, fields, count) => {
		const result = await run(emu(), generateAndWait({ model, prompt: 'a fox', ...params }));
		expect(result.error).toBeUndefined();
		expect(generateRequests(emu())).toEqual([{ path: `/v1/images/${model}`, fields, files: [] }]);
		expect(result.items).toHaveLength(count);
		const taskId = result.items[0].json.taskId as string;
		result.items.forEach((item, index) => {
			expect(item.json).toMatchObject({ taskId, model, status: 'completed', index, prompt: 'a fox' });
			expect(item.json.url).toBe(`${emu().imageOrigin}/images/${taskId}/${index}.png`);
			expect(item.pairedItem).toEqual({ item: 0 });
			const binary = result.binaries[index].data;
			expect(binary.buffer.equals(expectedImageBytes(taskId, index))).toBe(true);
			expect(binary).toMatchObject({ mimeType: 'image/png', fileExtension: 'png', fileName: `tensorslab-${taskId}-${index}.png` });
		});
		expect(new Set(result.binaries.map((b) => b.data.fileName)).size).toBe(count);
		expect(result.items[0].json).toMatchObject(model === 'zimage' && 'seed' in params ? { seed: 7 } : {});
	});

	it('sends input binaries as sourceImage files with their names, types and bytes', async () => {
		const result = await run(
			emu(),
			generateAndWait({ model: 'seedreamv4', prompt: 'restyle', binaryPropertyNames: 'photo, sketch', resolution: '1:1' }),
			{
				inputItems: [
					{
						json: {},
						binary: {
							photo: { data: JPEG_BYTES, mimeType: 'image/jpeg', fileName: 'me.jpg' },
							sketch: { data: PNG_BYTES, mimeType: 'application/octet-stream', fileName: 'sketch.png' },
						},
					},
				],
			},
		);
		expect(result.error).toBeUndefined();
		expect(generateRequests(emu())).toEqual([
			{
				path: '/v1/images/seedreamv4',
				fields: { prompt: ['restyle'], batchsize: ['1'], resolution: ['1:1'] },
				files: [
					{ field: 'sourceImage', filename: 'me.jpg', contentType: 'image/jpeg', bytes: JPEG_BYTES },
					{ field: 'sourceImage', filename: 'sketch.png', contentType: 'image/png', bytes: PNG_BYTES },
				],
			},
		]);
	});

	it('works in filesystem binary mode for input and output', async () => {
		const result = await run(
			emu(),
			generateAndWait({ model: 'seedreamv45', prompt: 'p', binaryPropertyNames: 'data' }),
			{ binaryMode: 'filesystem', inputItems: [{ json: {}, binary: { data: { data: PNG_BYTES, mimeType: 'image/png', fileName: 'in.png' } } }] },
		);
		expect(result.error).toBeUndefined();
		expect(emu().apiRequests('generate')[0].files[0].bytes.equals(PNG_BYTES)).toBe(true);
		const taskId = result.items[0].json.taskId as string;
		expect(result.binaries[0].data.buffer.equals(expectedImageBytes(taskId, 0))).toBe(true);
		expect(result.binaries[0].data.id).toMatch(/^filesystem/);
	});

	it('sends an image URL for image-to-image', async () => {
		await run(emu(), generateAndWait({ model: 'seedreamv45', prompt: 'p', imageUrl: 'https://example.com/a.jpg' }));
		expect(generateRequests(emu())[0].fields).toEqual({ prompt: ['p'], batchsize: ['1'], imageUrl: ['https://example.com/a.jpg'] });
	});

	it('puts all images on one item with prefixed binary properties', async () => {
		const result = await run(
			emu(),
			generateAndWait({ model: 'seedreamv45', prompt: 'p', batchSize: 3, options: { outputMode: 'singleItem', binaryPropertyName: 'img' } }),
		);
		expect(result.items).toHaveLength(1);
		const taskId = result.items[0].json.taskId as string;
		expect(Object.keys(result.binaries[0]).sort()).toEqual(['img_0', 'img_1', 'img_2']);
		expect(result.binaries[0].img_2.buffer.equals(expectedImageBytes(taskId, 2))).toBe(true);
		expect(result.items[0].json.urls).toHaveLength(3);
	});

	it('returns only URLs when downloads are off, and downloads nothing', async () => {
		const result = await run(emu(), generateAndWait({ model: 'seedreamv45', prompt: 'p', batchSize: 2, options: { downloadImages: false } }));
		expect(result.items.map((i) => i.binary)).toEqual([undefined, undefined]);
		expect(result.items.map((i) => i.json.url)).toHaveLength(2);
		expect(emu().imageRequests()).toHaveLength(0);
	});

	it('deletes the task after download when asked', async () => {
		const result = await run(emu(), generateAndWait({ model: 'zimage', prompt: 'p', options: { deleteAfterDownload: true } }));
		const taskId = result.items[0].json.taskId;
		expect(result.items[0].json.deletedFromTensorsLab).toBe(true);
		expect(emu().apiRequests('deleteimagestask').map((r) => r.json)).toEqual([{ taskids: [taskId] }]);
	});

	it('never sends the Authorization header to the image origin', async () => {
		await run(emu(), generateAndWait({ model: 'seedreamv45', prompt: 'p', batchSize: 2 }));
		expect(emu().imageRequests()).toHaveLength(2);
		for (const request of emu().imageRequests()) expect(request.headers.authorization).toBeUndefined();
		for (const request of emu().apiRequests()) expect(request.headers.authorization).toBe(`Bearer ${emu().apiKey}`);
	});

	it('outputs many items in input order with correct pairing, concurrently', async () => {
		emu().configure({ queuedMs: 10, processingMs: 300 });
		const prompts = Array.from({ length: 12 }, (_, i) => `prompt ${i}`);
		const started = Date.now();
		const result = await run(emu(), generateAndWait({ model: 'zimage', prompt: '={{ $json.prompt }}', options: { maxConcurrency: 12 } }), {
			inputItems: prompts.map((prompt) => ({ json: { prompt } })),
		});
		const elapsed = Date.now() - started;
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.json.prompt)).toEqual(prompts);
		expect(result.items.map((i) => i.pairedItem)).toEqual(prompts.map((_, item) => ({ item })));
		// Twelve 0.3 s tasks side by side take about one task's time, not twelve.
		expect(elapsed).toBeLessThan(12 * 310);
		const submitted = emu().apiRequests('generate').map((r) => r.time);
		expect(Math.max(...submitted) - Math.min(...submitted)).toBeLessThan(300);
	});
});

describe('validation before any request', () => {
	it.each([
		[{ prompt: '  ' }, /Prompt is empty \[item 1, parameter "prompt"\]/],
		[{ batchSize: 16 }, /Batch size must be between 1 and 15, got 16 \[item 1, parameter "batchSize"\]/],
		[{ resolution: 'custom', width: 1500, height: 1500 }, /2,250,000 pixels.*\[item 1, parameter "width"\]/],
		[{ binaryPropertyNames: 'missing' }, /no binary field "missing" \[item 1, parameter "binaryPropertyNames"\]/],
		[{ binaryPropertyNames: 'doc' }, /"doc" is not an image.*\[item 1, parameter "binaryPropertyNames"\]/],
		[{ imageUrl: 'file:///etc/passwd' }, /http:\/\/ or https:\/\/.*\[item 1, parameter "imageUrl"\]/],
	])('refuses %j on the second item and sends nothing', async (bad, message) => {
		const result = await run(
			emu(),
			generateAndWait({ model: 'seedreamv45', prompt: '={{ $json.prompt }}', ...Object.fromEntries(Object.entries(bad).filter(([k]) => k !== 'prompt').map(([k, v]) => [k, k === 'prompt' ? v : `={{ $itemIndex === 1 ? ${JSON.stringify(v)} : ${JSON.stringify(k === 'batchSize' ? 1 : k === 'resolution' ? '1:1' : k === 'width' || k === 'height' ? 2048 : '')} }}`])) }),
			{
				inputItems: [
					{ json: { prompt: 'ok' } },
					{ json: { prompt: 'prompt' in bad ? bad.prompt : 'ok' }, binary: { doc: { data: Buffer.from('%PDF-1.4'), mimeType: 'application/pdf' } } },
					{ json: { prompt: 'ok' } },
				],
			},
		);
		expect(result.error?.message).toMatch(message);
		expect(emu().log).toHaveLength(0);
	});

	it('with Continue On Fail, outputs an error item for the bad item and processes the rest', async () => {
		const result = await run(emu(), generateAndWait({ model: 'zimage', prompt: '={{ $json.prompt }}' }), {
			continueOnFail: true,
			inputItems: [{ json: { prompt: 'one' } }, { json: { prompt: '' } }, { json: { prompt: 'three' } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		expect(result.items[1].json.error).toMatch(/Prompt is empty \[item 1/);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json.prompt).toBe('one');
		expect(result.items[2].json.prompt).toBe('three');
		expect(emu().apiRequests('generate')).toHaveLength(2);
	});
});

describe('task outcomes', () => {
	it('turns a failed task into an error carrying error_message', async () => {
		emu().inject('generate', { kind: 'failTask', message: 'NSFW content detected' });
		const result = await run(emu(), generateAndWait({ model: 'seedreamv45', prompt: 'p' }));
		expect(result.error?.message).toMatch(/could not complete task \w+_\w+: NSFW content detected/);
	});

	it('failed task under Continue On Fail: error item, other items kept', async () => {
		emu().inject('generate', { kind: 'failTask', message: 'bad luck' });
		const result = await run(emu(), generateAndWait({ model: 'zimage', prompt: '={{ $json.p }}', options: { maxConcurrency: 1 } }), {
			continueOnFail: true,
			inputItems: [{ json: { p: 'first' } }, { json: { p: 'second' } }],
		});
		expect(result.items[0].json.error).toMatch(/bad luck/);
		expect(result.items[0].json.taskId).toBeDefined();
		expect(result.items[1].json).toMatchObject({ prompt: 'second', status: 'completed' });
		expect(result.binaries[1].data.mimeType).toBe('image/png');
	});

	it('times out with an error naming the task ID', async () => {
		emu().configure({ processingMs: 60_000 });
		const result = await run(emu(), generateAndWait({ model: 'zimage', prompt: 'p', options: { timeout: 1 } }));
		const taskId = emu().apiRequests('generate')[0].response && [...emu().tasks.keys()][0];
		expect(result.error?.message).toBe(`TensorsLab task ${taskId} did not finish within 1 second`);
		expect((result.error as { description?: string }).description).toContain('Wait and Download');
	});

	it('times out with a pending item when asked to', async () => {
		emu().configure({ processingMs: 60_000 });
		const result = await run(emu(), generateAndWait({ model: 'zimage', prompt: 'p', options: { timeout: 1, onTimeout: 'returnPending' } }));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ taskId: [...emu().tasks.keys()][0], status: 'pending', model: 'zimage' });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('stops at once when the execution is cancelled while polling', async () => {
		emu().configure({ processingMs: 60_000 });
		const started = Date.now();
		const result = await run(emu(), generateAndWait({ model: 'zimage', prompt: 'p' }), { cancelAfterMs: 700 });
		expect(result.cancelled).toBe(true);
		expect(Date.now() - started).toBeLessThan(3_000);
		const polls = emu().apiRequests('infobytaskid').length;
		await new Promise((r) => setTimeout(r, 1_500));
		expect(emu().apiRequests('infobytaskid').length).toBe(polls);
	});
});

describe('Generate (submit only)', () => {
	it('returns the task ID at once, without polling', async () => {
		const result = await run(emu(), { resource: 'image', operation: 'generate', model: 'seedreamv45', prompt: 'p', batchSize: 2 });
		expect(result.items).toEqual([
			expect.objectContaining({ json: expect.objectContaining({ taskId: [...emu().tasks.keys()][0], model: 'seedreamv45', status: 'queued', imageCount: 2 }), pairedItem: { item: 0 } }),
		]);
		expect(emu().apiRequests('infobytaskid')).toHaveLength(0);
	});
});
