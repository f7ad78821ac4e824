/** The node's UI is generated from the capability table and keeps the stable internal names. */
import type { INodeProperties } from 'n8n-workflow';

import { TensorsLabApi } from '../../credentials/TensorsLabApi.credentials';
import { TensorsLab } from '../../nodes/TensorsLab/TensorsLab.node';
import { MODELS, MODEL_IDS } from '../../nodes/TensorsLab/models';

const description = new TensorsLab().description;
const properties = description.properties;
const byName = (name: string) => properties.filter((p) => p.name === name);
const values = (p: INodeProperties) => (p.options ?? []).map((o) => ('value' in o ? o.value : undefined));
const valueSet = (p: INodeProperties) => values(p).map(String).sort();

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

	it('offers every model of the table, SeeDream V4.5 by default', () => {
		const models = byName('model').filter((p) => (p.displayOptions?.show?.resource as string[]).includes('image'));
		expect(models.length).toBeGreaterThan(0);
		for (const model of models) {
			expect(valueSet(model)).toEqual([...MODEL_IDS, 'custom'].sort());
			expect(model.default).toBe('seedreamv45');
		}
		expect(MODEL_IDS).toEqual(['seedreamv45', 'seedreamv5', 'seedreamv4', 'zimage']);
	});

	it('draws each model\'s resolution options from the table', () => {
		for (const id of MODEL_IDS.filter((m) => MODELS[m].sizeParameter === 'resolution')) {
			const options = byName('resolution').filter((p) => (p.displayOptions?.show?.model as string[] | undefined)?.includes(id));
			const expected = ['apiDefault', ...MODELS[id].ratios, ...MODELS[id].levels, ...(MODELS[id].customSize ? ['custom'] : [])];
			for (const option of options) expect(valueSet(option)).toEqual(expected.sort());
		}
		const v4 = byName('resolution').find((p) => (p.displayOptions?.show?.model as string[]).includes('seedreamv4'))!;
		expect((v4.options as Array<{ name: string }>).map((o) => o.name)).toEqual([
			'API Default (Chosen by TensorsLab)',
			'Landscape 16:9',
			'Landscape 4:3',
			'Portrait 3:4',
			'Portrait 9:16',
			'Square 1:1',
		]);
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
		expect(credential.authenticate).toEqual({ type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey.trim()}}' } } });
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
		for (const name of ['prompt', 'ratio', 'duration', 'videoResolution', 'binaryPropertyNames', 'imageUrl']) {
			expect(videoOnly(name).length).toBeGreaterThan(0);
		}
		expect(valueSet(videoOnly('ratio')[0])).toEqual(['apiDefault', '16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'].sort());
		// FPS, Generate Audio, Return Last Frame and Seed are in Additional Fields; audio and last frame for SeeDance 2.0 only.
		for (const operation of ['generate', 'generateAndWait']) {
			const [additional] = videoOnly('additionalFields').filter((p) => (p.displayOptions?.show?.operation as string[]).includes(operation));
			expect((additional.options as INodeProperties[]).map((o) => [o.name, o.displayOptions?.show?.['/model'] ?? 'all'])).toEqual([
				['fps', 'all'],
				['generateAudio', ['seedancev2']],
				['returnLastFrame', ['seedancev2']],
				['seed', 'all'],
			]);
		}
		for (const name of ['fps', 'seed', 'generateAudio', 'returnLastFrame']) expect(videoOnly(name)).toEqual([]);
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

/** docs/ux-guidelines.md: the rules of n8n's UX guidelines that can be read off the description. */
describe("n8n's UX guidelines", () => {
	/** Every property, with those inside collections, and every option of a dropdown. */
	const everyProperty = (list: INodeProperties[]): INodeProperties[] =>
		list.flatMap((p) => [p, ...(p.type === 'collection' ? everyProperty(p.options as INodeProperties[]) : [])]);
	const all = everyProperty(properties);
	const dropdownOptions = all.flatMap((p) => (p.type === 'options' ? (p.options as Array<{ name: string; description?: string; action?: string }>) : []));

	it('sorts every list of five or more options by name (the video resolutions stay in ascending order)', () => {
		for (const p of all.filter((p) => p.type === 'options' && (p.options ?? []).length >= 5)) {
			const names = (p.options as Array<{ name: string }>).map((o) => o.name);
			if (p.name === 'videoResolution') expect(names.slice(1).map((n) => parseInt(n, 10))).toEqual(names.slice(1).map((n) => parseInt(n, 10)).sort((a, b) => a - b));
			else expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
		}
		for (const p of all.filter((p) => p.type === 'collection')) {
			const names = (p.options as INodeProperties[]).map((o) => o.displayName);
			expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
		}
	});

	it('names actions without articles, in sentence case', () => {
		const actions = dropdownOptions.filter((o) => o.action).map((o) => o.action!);
		expect(actions.length).toBe(8);
		for (const action of actions) {
			expect(action).not.toMatch(/\b(a|an|the)\b/i);
			expect(action.slice(1)).toBe(action.slice(1).toLowerCase());
		}
	});

	it('starts placeholders with "e.g."', () => {
		for (const p of all.filter((p) => p.placeholder && p.type !== 'collection')) expect(p.placeholder).toMatch(/^e\.g\. /);
	});

	it('ends a description with a period only when it has more than one sentence', () => {
		const texts = [...all.map((p) => p.description), ...dropdownOptions.map((o) => o.description)].filter((t): t is string => !!t);
		for (const text of texts) {
			const sentences = text.replace(/e\.g\./g, 'eg').split(/\.\s+(?=[A-Z0-9'"])/).length;
			if (sentences > 1) expect(`${text} ends with a period`).toBe(`${text.replace(/\.?$/, '.')} ends with a period`);
			else expect(`${text} has no period at the end`).toBe(`${text.replace(/\.$/, '')} has no period at the end`);
		}
	});

	it('starts boolean descriptions with "Whether" and says "binary field", never "binary property"', () => {
		for (const p of all.filter((p) => p.type === 'boolean')) expect(p.description).toMatch(/^Whether /);
		for (const p of all) expect(`${p.displayName} ${p.description ?? ''} ${p.hint ?? ''}`).not.toMatch(/binary propert/i);
	});

	it('has a Simplify switch on Task → Get, on by default', () => {
		expect(byName('simplify')).toMatchObject([
			{ type: 'boolean', default: true, description: 'Whether to return a simplified version of the response instead of the raw data' },
		]);
	});
});
