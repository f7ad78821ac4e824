/** Issue 11's pure parts: the Model ID check (shared with video), and the rows for Edit, Z-Image's Size and "Other (by ID)". */
import type { INodeProperties } from 'n8n-workflow';

import { TensorsLab } from '../../nodes/TensorsLab/TensorsLab.node';
import { EDIT_MODEL_ID, GENERATE_MODEL_IDS, MODELS, MODEL_IDS } from '../../nodes/TensorsLab/models';
import { parseModelId } from '../../nodes/TensorsLab/helpers/modelId';
import { ParameterError } from '../../nodes/TensorsLab/helpers/parameterError';
import { buildGenerateRequest, type GenerateParameters } from '../../nodes/TensorsLab/helpers/validation';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

function refusal(params: GenerateParameters): ParameterError {
	try {
		buildGenerateRequest(params);
	} catch (error) {
		expect(error).toBeInstanceOf(ParameterError);
		return error as ParameterError;
	}
	throw new Error(`expected ${JSON.stringify(params)} to be refused`);
}

describe('parseModelId', () => {
	it.each(['seedreamv6', ' zimage2 ', '42', 7])('accepts %p', (value) => {
		expect(parseModelId(value)).toBe(String(value).trim());
	});

	it.each(['a/b', '..', '../x', 'a.b', 'A', 'a b', 'a?b', 'a#b', 'a%2fb', 'a\\b', 'é', '', '  ', null, undefined, {}])('refuses %p, naming modelId', (value) => {
		expect(() => parseModelId(value)).toThrow(ParameterError);
		try {
			parseModelId(value);
		} catch (error) {
			expect((error as ParameterError).parameter).toBe('modelId');
		}
	});

	it('names the parameter it is given and refuses the reserved names', () => {
		expect(() => parseModelId('x/y', { parameter: 'videoModelId' })).toThrow(expect.objectContaining({ parameter: 'videoModelId' }));
		expect(() => parseModelId('infobytaskid', { reserved: ['infobytaskid'] })).toThrow(/not a model/);
	});
});

const properties = new TensorsLab().description.properties;
const shownFor = (name: string, operation: string) =>
	properties.filter((p) => p.name === name && (p.displayOptions?.show?.resource as string[] | undefined)?.includes('image') && (p.displayOptions?.show?.operation as string[]).includes(operation));
const values = (p: INodeProperties) => (p.options ?? []).map((o) => ('value' in o ? o.value : undefined));
/** The values of a dropdown, whatever their order (test/unit/description.test.ts checks the order). */
const valueSet = (p: INodeProperties) => values(p).map(String).sort();

describe('description', () => {
	it('offers Edit, saying that quick edit is not in TensorsLab\'s documentation', () => {
		const operation = properties.find((p) => p.name === 'operation' && (p.displayOptions?.show?.resource as string[]).includes('image'))!;
		const editOption = (operation.options as Array<{ value: string; name: string; action: string; description: string }>).find((o) => o.value === 'edit')!;
		expect(editOption).toMatchObject({ name: 'Edit', action: 'Edit image' });
		expect(editOption.description).toMatch(/quick edit endpoint, which TensorsLab's documentation does not describe/);
		expect(shownFor('editNotice', 'edit')).toHaveLength(1);
	});

	it('gives Edit prompt, resolution (the quick edit row), width/height for Custom, one source and the wait options', () => {
		expect(shownFor('prompt', 'edit')[0].required).toBe(true);
		const [resolution] = shownFor('resolution', 'edit');
		expect(valueSet(resolution)).toEqual(['apiDefault', '1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9', '9:21', '2K', '4K', 'custom'].sort());
		expect(resolution.default).toBe('apiDefault');
		expect(shownFor('width', 'edit')[0].displayOptions?.show?.resolution).toEqual(['custom']);
		expect(shownFor('binaryPropertyNames', 'edit')[0].displayName).toBe('Input Binary Field');
		expect(shownFor('imageUrl', 'edit')).toHaveLength(1);
		expect(shownFor('model', 'edit')).toHaveLength(0);
		const generateOptions = shownFor('options', 'generateAndWait')[0].options as INodeProperties[];
		expect((shownFor('options', 'edit')[0].options as INodeProperties[]).map((o) => o.name)).toEqual(generateOptions.map((o) => o.name));
	});

	it('gives Z-Image a Size dropdown (ratios, Custom by default) with width and height under Custom', () => {
		for (const operation of ['generate', 'generateAndWait']) {
			const [size] = shownFor('zimageSize', operation);
			expect([valueSet(size), size.default, size.displayOptions?.show?.model]).toEqual([['1:1', '16:9', '9:16', '4:3', '3:4', 'custom'].sort(), 'custom', ['zimage']]);
			const width = shownFor('width', operation).find((p) => (p.displayOptions?.show?.model as string[]).includes('zimage'))!;
			expect([width.default, width.displayOptions?.show?.zimageSize]).toEqual([1024, ['custom']]);
		}
	});

	it('gives "Other (by ID)" a Model ID and free Batch Size and Resolution, empty by default', () => {
		const custom = (name: string) => shownFor(name, 'generateAndWait').filter((p) => JSON.stringify(p.displayOptions?.show?.model) === '["custom"]');
		// Not marked required: n8n would demand it of every workflow whose Model is an expression.
		expect(custom('modelId')[0]).toMatchObject({ type: 'string', default: '' });
		expect(custom('modelId')[0].required).toBeUndefined();
		expect(custom('batchSize')[0]).toMatchObject({ type: 'number', default: '' });
		expect(custom('resolution')[0]).toMatchObject({ type: 'string', default: '' });
		expect(shownFor('binaryPropertyNames', 'generateAndWait')[0].displayOptions?.show?.model).toContain('custom');
	});
});

describe('model table', () => {
	it('offers the known models and then "Other (by ID)" in Generate; Edit has its own model', () => {
		expect(GENERATE_MODEL_IDS).toEqual([...MODEL_IDS, 'custom']);
		expect(EDIT_MODEL_ID).toBe('quickedit');
		expect(MODELS.quickedit.operation).toBe('edit');
	});
});

describe('buildGenerateRequest: Edit', () => {
	const source = { property: 'data', fileName: 'a.png', bytes: PNG };

	it('sends prompt, resolution and the one source image to quickedit', async () => {
		const request = buildGenerateRequest({ model: 'quickedit', operation: 'edit', prompt: 'erase the car', resolution: '9:21', sourceImages: [source] });
		expect(await request.files[0].read()).toBe(PNG);
		expect({ ...request, files: request.files.map(({ fileName, mimeType }) => ({ fileName, mimeType })) }).toEqual({
			model: 'quickedit',
			endpoint: '/v1/images/quickedit',
			fields: [
				['prompt', 'erase the car'],
				['resolution', '9:21'],
			],
			files: [{ fileName: 'a.png', mimeType: 'image/png' }],
			imageCount: 1,
		});
		expect(buildGenerateRequest({ model: 'quickedit', operation: 'edit', prompt: 'p', resolution: 'custom', width: 640, height: 480, imageUrl: 'https://x.test/a.png' }).fields).toEqual([
			['prompt', 'p'],
			['resolution', '640x480'],
			['imageUrl', 'https://x.test/a.png'],
		]);
	});

	it('requires exactly one source, and is not a Generate model (nor Generate\'s models Edit\'s)', () => {
		expect(refusal({ model: 'quickedit', operation: 'edit', prompt: 'p' }).message).toBe('Quick Edit needs a source image');
		expect(refusal({ model: 'quickedit', operation: 'edit', prompt: 'p', sourceImages: [source, source] }).parameter).toBe('binaryPropertyNames');
		expect(refusal({ model: 'quickedit', prompt: 'p', sourceImages: [source] }).parameter).toBe('model');
		expect(refusal({ model: 'seedreamv45', operation: 'edit', prompt: 'p' }).parameter).toBe('model');
	});
});

describe('buildGenerateRequest: Z-Image Size', () => {
	it.each([
		[{ resolution: '16:9' }, '16:9'],
		[{ resolution: '16:9', width: 1024, height: '1024' }, '16:9'],
		[{ resolution: 'custom', width: 800, height: 600 }, '800*600'],
		[{ resolution: 'custom' }, '1024*1024'],
		[{ width: 640 }, '640*1024'],
		[{ resolution: '720*1280' }, '720*1280'],
	])('%j sends %s', (params, resolution) => {
		expect(buildGenerateRequest({ model: 'zimage', prompt: 'p', ...params }).fields).toContainEqual(['resolution', resolution]);
	});

	it.each([
		[{ resolution: '16:9', width: 1280 }, 'width'],
		[{ resolution: '1:1', height: 512 }, 'height'],
		[{ resolution: '720*1280', width: 2000 }, 'width'],
		[{ resolution: '2:3' }, 'zimageSize'],
		[{ resolution: '2K' }, 'zimageSize'],
	])('refuses %j naming %s', (params, parameter) => {
		expect(refusal({ model: 'zimage', prompt: 'p', ...params }).parameter).toBe(parameter);
	});

	it('leaves SeeDream as it was: width and height beside a ratio are ignored', () => {
		expect(buildGenerateRequest({ model: 'seedreamv45', prompt: 'p', resolution: '16:9', width: 3000, height: 3000 }).fields).toContainEqual(['resolution', '16:9']);
	});
});

describe('buildGenerateRequest: Other (by ID)', () => {
	it('posts to /v1/images/<model ID> with the fields as given, and only what was set', () => {
		expect(buildGenerateRequest({ model: 'custom', modelId: 'seedreamv6', prompt: 'p', batchSize: 40, resolution: ' 5:4 ', imageUrl: 'https://x.test/a.png' })).toEqual({
			model: 'seedreamv6',
			endpoint: '/v1/images/seedreamv6',
			fields: [
				['prompt', 'p'],
				['batchsize', '40'],
				['resolution', '5:4'],
				['imageUrl', 'https://x.test/a.png'],
			],
			files: [],
			imageCount: 40,
		});
		expect(buildGenerateRequest({ model: 'custom', modelId: 'x1', prompt: 'p', batchSize: '', resolution: 'apiDefault' }).fields).toEqual([['prompt', 'p']]);
		expect(buildGenerateRequest({ model: 'custom', modelId: 'x1', prompt: 'p', sourceImages: Array(20).fill({ property: 'data', bytes: PNG }) }).files).toHaveLength(20);
	});

	it('checks only what holds for every model', () => {
		expect(refusal({ model: 'custom', modelId: 'x/y', prompt: 'p' }).parameter).toBe('modelId');
		expect(refusal({ model: 'custom', modelId: 'deleteimagestask', prompt: 'p' }).parameter).toBe('modelId');
		expect(refusal({ model: 'custom', modelId: 'x1', prompt: ' ' }).parameter).toBe('prompt');
		expect(refusal({ model: 'custom', modelId: 'x1', prompt: 'p', batchSize: 1.5 }).parameter).toBe('batchSize');
		expect(refusal({ model: 'custom', modelId: 'x1', prompt: 'p', sourceImages: [{ property: 'doc', bytes: Buffer.from('%PDF') }] }).parameter).toBe('binaryPropertyNames');
		expect(refusal({ model: 'custom', modelId: 'x1', prompt: 'p', imageUrl: 'file:///etc/passwd' }).parameter).toBe('imageUrl');
	});
});
