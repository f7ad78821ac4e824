/** The node's UI is generated from the capability table and keeps the stable internal names. */
import type { INodeProperties } from 'n8n-workflow';

import { TensorsLabApi } from '../../credentials/TensorsLabApi.credentials';
import { TensorsLab } from '../../nodes/TensorsLab/TensorsLab.node';
import { MODELS, MODEL_IDS } from '../../nodes/TensorsLab/models';

const description = new TensorsLab().description;
const properties = description.properties;
const byName = (name: string) => properties.filter((p) => p.name === name);
const values = (p: INodeProperties) => (p.options ?? []).map((o) => ('value' in o ? o.value : undefined));

describe('node description', () => {
	it('keeps the stable names', () => {
		expect(description.name).toBe('tensorsLab');
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'tensorsLabApi', required: true }]);
		expect(values(byName('resource')[0])).toEqual(['image', 'task', 'video']);
		const operations = byName('operation');
		expect(operations.map((p) => [p.displayOptions?.show?.resource, values(p).sort(), p.default])).toEqual([
			[['image'], ['edit', 'generate', 'generateAndWait'], 'generateAndWait'],
			[['task'], ['delete', 'get', 'waitAndDownload'], 'get'],
			[['video'], ['generate', 'generateAndWait'], 'generateAndWait'],
		]);
	});

	it('offers every model of the table, SeeDream V4.5 first and default', () => {
		const models = byName('model').filter((p) => (p.displayOptions?.show?.resource as string[]).includes('image'));
		expect(models.length).toBeGreaterThan(0);
		for (const model of models) {
			expect(values(model)).toEqual([...MODEL_IDS, 'custom']);
			expect(model.default).toBe('seedreamv45');
		}
		expect(MODEL_IDS).toEqual(['seedreamv45', 'seedreamv5', 'seedreamv4', 'zimage']);
	});

	it('draws each model\'s resolution options from the table', () => {
		for (const id of MODEL_IDS.filter((m) => MODELS[m].sizeParameter === 'resolution')) {
			const options = byName('resolution').filter((p) => (p.displayOptions?.show?.model as string[] | undefined)?.includes(id));
			const expected = ['apiDefault', ...MODELS[id].ratios, ...MODELS[id].levels, ...(MODELS[id].customSize ? ['custom'] : [])];
			for (const option of options) expect(values(option)).toEqual(expected);
		}
		const v4 = byName('resolution').find((p) => (p.displayOptions?.show?.model as string[]).includes('seedreamv4'))!;
		expect(values(v4)).toEqual(['apiDefault', '1:1', '16:9', '9:16', '4:3', '3:4']);
		// Z-Image has its own Size dropdown (zimageSize), not Resolution; width and height are its default.
		expect(byName('resolution').some((p) => (p.displayOptions?.show?.model as string[] | undefined)?.includes('zimage'))).toBe(false);
		expect(byName('width').some((p) => (p.displayOptions?.show?.model as string[]).includes('zimage'))).toBe(true);
	});

	it('has the options collection with the stable option names', () => {
		const options = byName('options').find((p) => (p.displayOptions?.show?.operation as string[]).includes('generateAndWait'))!;
		expect((options.options as INodeProperties[]).map((o) => o.name).sort()).toEqual(
			['binaryPropertyName', 'deleteAfterDownload', 'downloadImages', 'maxConcurrency', 'maxImageSizeMb', 'onTimeout', 'outputMode', 'pollInterval', 'requestTimeout', 'timeout'].sort(),
		);
	});
});

describe('credential', () => {
	it('holds the key as a password, a Base URL, Bearer auth and a free test request', () => {
		const credential = new TensorsLabApi();
		expect(credential.name).toBe('tensorsLabApi');
		expect(credential.properties.map((p) => [p.name, p.typeOptions?.password ?? false, p.default])).toEqual([
			['apiKey', true, ''],
			['baseUrl', false, 'https://api.tensorslab.com'],
		]);
		expect(credential.authenticate).toEqual({ type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } } });
		expect(credential.test.request).toMatchObject({ url: '/v1/images/deleteimagestask', method: 'POST', body: { taskids: [] } });
	});
});

describe('video description', () => {
	const videoOnly = (name: string) => byName(name).filter((p) => (p.displayOptions?.show?.resource as string[] | undefined)?.includes('video'));
	it('offers the three video models from the table, SeeDance 2.0 first and default, and the stable field names', () => {
		for (const model of videoOnly('model')) {
			expect(values(model)).toEqual(['seedancev2', 'seedancev15pro', 'seedancev1profast']);
			expect(model.default).toBe('seedancev2');
		}
		for (const name of ['prompt', 'ratio', 'duration', 'videoResolution', 'fps', 'seed', 'generateAudio', 'returnLastFrame', 'binaryPropertyNames', 'imageUrl']) {
			expect(videoOnly(name).length).toBeGreaterThan(0);
		}
		expect(values(videoOnly('ratio')[0])).toEqual(['apiDefault', '16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive']);
		expect(videoOnly('generateAudio').every((p) => JSON.stringify(p.displayOptions?.show?.model) === '["seedancev2"]')).toBe(true);
		const resolutions = videoOnly('videoResolution').map((p) => [p.displayOptions?.show?.model, values(p)]);
		expect(resolutions).toContainEqual([['seedancev2'], ['apiDefault', '480p', '720p', '1080p', '1440p']]);
		expect(resolutions).toContainEqual([['seedancev15pro'], ['apiDefault', '480p', '720p', '1080p']]);
	});

	it('has the video options with their defaults, and Task Type on Get, Wait and Download and Delete', () => {
		const options = videoOnly('options').find((p) => (p.displayOptions?.show?.operation as string[]).includes('generateAndWait'))!;
		const byOption = Object.fromEntries((options.options as INodeProperties[]).map((o) => [o.name, o.default]));
		expect(byOption).toEqual({
			binaryPropertyName: 'data',
			deleteAfterDownload: false,
			downloadVideos: true,
			maxConcurrency: 10,
			maxVideoSizeMb: 2048,
			onTimeout: 'error',
			pollInterval: 0,
			requestTimeout: 300,
			timeout: 1800,
		});
		const taskType = byName('taskType')[0];
		expect([values(taskType), taskType.default, taskType.displayOptions?.show?.operation]).toEqual([['image', 'video'], 'image', ['get', 'waitAndDownload', 'delete']]);
	});
});
