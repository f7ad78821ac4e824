import { MODELS } from '../../nodes/TensorsLab/models';
import { normalizeBaseUrl } from '../../nodes/TensorsLab/helpers/baseUrl';
import { ParameterError } from '../../nodes/TensorsLab/helpers/parameterError';
import { parseTaskId, parseTaskIds } from '../../nodes/TensorsLab/helpers/taskIds';
import { buildGenerateRequest, resolveResolution, type GenerateParameters } from '../../nodes/TensorsLab/helpers/validation';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);

function refusal(params: GenerateParameters): ParameterError {
	try {
		buildGenerateRequest(params);
	} catch (error) {
		expect(error).toBeInstanceOf(ParameterError);
		return error as ParameterError;
	}
	throw new Error(`expected ${JSON.stringify(params)} to be refused`);
}

describe('buildGenerateRequest', () => {
	it('sends only prompt and batchsize for a plain SeeDream V4.5 request', () => {
		const request = buildGenerateRequest({ model: 'seedreamv45', prompt: 'a cat', batchSize: 2, resolution: 'apiDefault' });
		expect(request).toEqual({
			model: 'seedreamv45',
			endpoint: '/v1/images/seedreamv45',
			fields: [
				['prompt', 'a cat'],
				['batchsize', '2'],
			],
			files: [],
			imageCount: 2,
		});
	});

	it.each(['', '   ', undefined, null, {}, ['a']])('refuses the prompt %p', (prompt) => {
		expect(refusal({ model: 'seedreamv45', prompt }).parameter).toBe('prompt');
	});

	// Issue 12: a number from an expression ({{ 42 }}) was refused as "Prompt is empty"; it is text.
	it('takes a numeric prompt as its digits', () => {
		expect(buildGenerateRequest({ model: 'seedreamv45', prompt: 42 }).fields[0]).toEqual(['prompt', '42']);
	});

	it('sends a 100 kB prompt intact (the API documents no limit)', () => {
		const prompt = 'x'.repeat(100 * 1024);
		expect(buildGenerateRequest({ model: 'seedreamv4', prompt }).fields[0]).toEqual(['prompt', prompt]);
	});

	it.each([0, 16, 2.5, -1, 'two'])('refuses batch size %p', (batchSize) => {
		const error = refusal({ model: 'seedreamv45', prompt: 'p', batchSize });
		expect(error.parameter).toBe('batchSize');
	});

	it.each([1, 15, '7'])('accepts batch size %p', (batchSize) => {
		const request = buildGenerateRequest({ model: 'seedreamv45', prompt: 'p', batchSize });
		expect(request.fields).toContainEqual(['batchsize', String(batchSize)]);
		expect(request.imageCount).toBe(Number(batchSize));
	});

	it('maps ratios and levels per model from the table', () => {
		for (const ratio of MODELS.seedreamv45.ratios) {
			expect(resolveResolution(MODELS.seedreamv45, ratio, undefined, undefined)).toBe(ratio);
		}
		expect(resolveResolution(MODELS.seedreamv45, '4K', undefined, undefined)).toBe('4K');
		expect(resolveResolution(MODELS.seedreamv5, '2k', undefined, undefined)).toBe('2K');
		expect(resolveResolution(MODELS.seedreamv4, '16:9', undefined, undefined)).toBe('16:9');
		expect(resolveResolution(MODELS.seedreamv45, 'apiDefault', undefined, undefined)).toBeUndefined();
	});

	it.each([
		['seedreamv4', '2:3'],
		['seedreamv4', '2K'],
		['seedreamv4', 'custom'],
		['seedreamv45', '5:4'],
		['seedreamv45', '8K'],
		['seedreamv45', '2048 by 2048'],
	])('refuses %s resolution %p', (model, resolution) => {
		expect(refusal({ model, prompt: 'p', resolution, width: 2048, height: 2048 }).parameter).toBe('resolution');
	});

	it('checks custom sizes against the pixel bounds of the reference', () => {
		const custom = (width: unknown, height: unknown) =>
			buildGenerateRequest({ model: 'seedreamv45', prompt: 'p', resolution: 'custom', width, height }).fields;
		expect(custom(3750, 1250)).toContainEqual(['resolution', '3750x1250']);
		expect(custom(4096, 4096)).toContainEqual(['resolution', '4096x4096']);
		expect(custom(1920, 1920)).toContainEqual(['resolution', '1920x1920']); // exactly 3,686,400
		expect(refusal({ model: 'seedreamv45', prompt: 'p', resolution: 'custom', width: 1500, height: 1500 }).message).toMatch(
			/2,250,000 pixels.*between 3,686,400 and 16,777,216/,
		);
		expect(refusal({ model: 'seedreamv5', prompt: 'p', resolution: 'custom', width: 4097, height: 4097 }).parameter).toBe('width');
		expect(refusal({ model: 'seedreamv45', prompt: 'p', resolution: 'custom', width: 2048.5, height: 2048 }).parameter).toBe('width');
		expect(refusal({ model: 'seedreamv45', prompt: 'p', resolution: 'custom', width: 2048, height: 0 }).parameter).toBe('height');
	});

	it('accepts a W×H string given directly (expressions, AI agents)', () => {
		expect(buildGenerateRequest({ model: 'seedreamv45', prompt: 'p', resolution: '2560X1440' }).fields).toContainEqual([
			'resolution',
			'2560x1440',
		]);
	});

	it('always sends Z-Image sizes as W*H, with the seed and prompt_extend, and no batchsize', () => {
		const request = buildGenerateRequest({
			model: 'zimage',
			prompt: 'p',
			batchSize: 3,
			width: 768,
			height: 1344,
			seed: 42,
			promptExtend: true,
		});
		expect(request.fields).toEqual([
			['prompt', 'p'],
			['resolution', '768*1344'],
			['seed', '42'],
			['prompt_extend', '1'],
		]);
		expect(request.imageCount).toBe(1);
		expect(buildGenerateRequest({ model: 'zimage', prompt: 'p' }).fields).toContainEqual(['resolution', '1024*1024']);
	});

	it.each([-1, 2147483648, 1.5, 'abc'])('refuses Z-Image seed %p', (seed) => {
		expect(refusal({ model: 'zimage', prompt: 'p', seed }).parameter).toBe('seed');
	});

	it('leaves the seed out when empty', () => {
		expect(buildGenerateRequest({ model: 'zimage', prompt: 'p', seed: '' }).fields.map(([n]) => n)).not.toContain('seed');
	});

	it('sends source images with their names and sniffed types', async () => {
		const request = buildGenerateRequest({
			model: 'seedreamv45',
			prompt: 'p',
			sourceImages: [
				{ property: 'data', fileName: 'a.png', mimeType: 'image/png', bytes: PNG },
				{ property: 'photo', mimeType: 'application/octet-stream', bytes: JPEG },
			],
		});
		expect(request.files.map(({ fileName, mimeType }) => ({ fileName, mimeType }))).toEqual([
			{ fileName: 'a.png', mimeType: 'image/png' },
			{ fileName: 'source-2.jpg', mimeType: 'image/jpeg' },
		]);
		expect(await Promise.all(request.files.map(async (file) => await file.read()))).toEqual([PNG, JPEG]);
	});

	it('reads a source image whole only when asked: the check needs its first bytes alone', async () => {
		let reads = 0;
		const request = buildGenerateRequest({
			model: 'seedreamv45',
			prompt: 'p',
			sourceImages: [{ property: 'data', bytes: PNG.subarray(0, 12), sizeLabel: '8 MB', read: async () => (reads++, PNG) }],
		});
		expect(reads).toBe(0);
		expect(await request.files[0].read()).toBe(PNG);
		expect(reads).toBe(1);
	});

	it('refuses a source binary that is not an image, naming its property', () => {
		const error = refusal({
			model: 'seedreamv45',
			prompt: 'p',
			sourceImages: [{ property: 'doc', mimeType: 'application/pdf', bytes: Buffer.from('%PDF-1.7 hello') }],
		});
		expect(error.parameter).toBe('binaryPropertyNames');
		expect(error.message).toContain('"doc"');
	});

	it('refuses more than 14 source images, source images on Z-Image, and URL plus files', () => {
		const image = { property: 'data', bytes: PNG };
		expect(refusal({ model: 'seedreamv45', prompt: 'p', sourceImages: Array(15).fill(image) }).parameter).toBe('binaryPropertyNames');
		expect(refusal({ model: 'zimage', prompt: 'p', sourceImages: [image] }).parameter).toBe('binaryPropertyNames');
		expect(refusal({ model: 'seedreamv4', prompt: 'p', sourceImages: [image], imageUrl: 'https://x.test/a.png' }).parameter).toBe('imageUrl');
	});

	it.each(['ftp://x.test/a.png', 'file:///etc/passwd', 'not a url', 'javascript:alert(1)'])('refuses image URL %p', (imageUrl) => {
		expect(refusal({ model: 'seedreamv45', prompt: 'p', imageUrl }).parameter).toBe('imageUrl');
	});

	it('sends an http(s) image URL', () => {
		expect(buildGenerateRequest({ model: 'seedreamv45', prompt: 'p', imageUrl: ' https://x.test/a.png ' }).fields).toContainEqual([
			'imageUrl',
			'https://x.test/a.png',
		]);
	});

	it('refuses an unknown model', () => {
		expect(refusal({ model: 'dalle', prompt: 'p' }).parameter).toBe('model');
	});
});

describe('task IDs and Base URL', () => {
	it('parses lists, comma-separated strings and arrays, dropping blanks and duplicates', () => {
		expect(parseTaskIds('a_1, b_2,,a_1 ')).toEqual(['a_1', 'b_2']);
		expect(parseTaskIds(['x_1', ' y_2 '])).toEqual(['x_1', 'y_2']);
	});

	it.each(['', ' , ', [], null, undefined])('refuses empty task IDs %p', (value) => {
		expect(() => parseTaskIds(value)).toThrow(ParameterError);
	});

	it('refuses an empty or multi-valued single task ID', () => {
		expect(() => parseTaskId('  ')).toThrow(/empty/);
		expect(() => parseTaskId('a,b')).toThrow(/comma/);
		expect(parseTaskId(' abcd_1 ')).toBe('abcd_1');
	});

	it('accepts only http(s) Base URLs and trims trailing slashes', () => {
		expect(normalizeBaseUrl('https://api.tensorslab.com/')).toBe('https://api.tensorslab.com');
		expect(normalizeBaseUrl('http://127.0.0.1:8787//')).toBe('http://127.0.0.1:8787');
		for (const bad of ['ftp://api.tensorslab.com', 'api.tensorslab.com', '', 'file:///tmp']) {
			expect(() => normalizeBaseUrl(bad)).toThrow(/http:\/\/ or https:\/\//);
		}
	});
});
