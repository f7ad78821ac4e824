/**
 * Bad input is refused before anything is sent: every item is checked first, the error names the
 * item and the parameter, and the emulator sees no request at all (no credit spent, nothing
 * half-done).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { HarnessInputItem } from '../harness';
import { PNG_BYTES } from '../node/helpers';
import { SECRET_KEY, generateAndWait, run, useFaultEmulator } from './support';

const { emu } = useFaultEmulator();

/** The first and third items are fine; the second (item 1) carries the bad value. */
function threeItems(bad: IDataObject, good: IDataObject): HarnessInputItem[] {
	const binary = {
		photo: { data: PNG_BYTES, mimeType: 'image/png', fileName: 'photo.png' },
		doc: { data: Buffer.from('%PDF-1.4 not an image'), mimeType: 'application/pdf', fileName: 'doc.pdf' },
	};
	return [{ json: good, binary }, { json: bad, binary }, { json: good, binary }];
}

/** Parameters that read `names` from each item's JSON, so only item 1 is wrong. */
function fromItems(base: Record<string, unknown>, names: string[]): INodeParameters {
	const parameters: Record<string, unknown> = { ...base };
	for (const name of names) parameters[name] = `={{ $json.${name} }}`;
	return parameters as INodeParameters;
}

async function expectRefused(parameters: INodeParameters, inputItems: HarnessInputItem[], message: RegExp, credentials?: { apiKey: string; baseUrl: string }) {
	const result = await run(emu(), parameters, { inputItems, ...(credentials ? { credentials } : {}) });
	expect(result.error?.message).toMatch(message);
	expect(result.items).toHaveLength(0);
	expect(emu().log).toHaveLength(0);
	return result;
}

describe('generation parameters', () => {
	it.each([
		['an empty prompt', { prompt: '' }, /^Prompt is empty \[item 1, parameter "prompt"\]$/],
		['a prompt of spaces and newlines', { prompt: ' \n\t ' }, /^Prompt is empty \[item 1, parameter "prompt"\]$/],
		['batch size 0', { batchSize: 0 }, /^Batch size must be between 1 and 15, got 0 \[item 1, parameter "batchSize"\]$/],
		['batch size 16', { batchSize: 16 }, /^Batch size must be between 1 and 15, got 16 \[item 1, parameter "batchSize"\]$/],
		['batch size 2.5', { batchSize: 2.5 }, /^Batch size must be a whole number, got 2.5 \[item 1, parameter "batchSize"\]$/],
		['batch size -1', { batchSize: -1 }, /^Batch size must be between 1 and 15, got -1 \[item 1, parameter "batchSize"\]$/],
		['a custom size below the pixel minimum', { resolution: 'custom', width: 1500, height: 1500 }, /2,250,000 pixels is outside what SeeDream V4\.5 accepts.*\[item 1, parameter "width"\]$/],
		['a custom size above the pixel maximum', { resolution: 'custom', width: 8192, height: 4096 }, /33,554,432 pixels is outside.*\[item 1, parameter "width"\]$/],
		['a typed size out of bounds', { resolution: '100x100' }, /10,000 pixels is outside.*\[item 1, parameter "width"\]$/],
		['a malformed resolution', { resolution: '2048x' }, /^Resolution "2048x" is not available for SeeDream V4\.5 \[item 1, parameter "resolution"\]$/],
		['an unknown ratio', { resolution: '21:9' }, /^Resolution "21:9" is not available for SeeDream V4\.5 \[item 1, parameter "resolution"\]$/],
		['a resolution that is not text', { resolution: 2048 }, /^Resolution must be text, got 2048 \[item 1, parameter "resolution"\]$/],
		['a width that is not a whole number', { resolution: 'custom', width: 2048.5, height: 2048 }, /^Width must be a whole number, got 2048\.5 \[item 1, parameter "width"\]$/],
		['a height that is not a number', { resolution: 'custom', width: 2048, height: 'tall' }, /^Height must be a whole number, got "tall" \[item 1, parameter "height"\]$/],
		['a zero width', { resolution: 'custom', width: 0, height: 2048 }, /^Width must be at least 1, got 0 \[item 1, parameter "width"\]$/],
		['a missing binary property', { binaryPropertyNames: 'scan' }, /^The input item has no binary field "scan" \[item 1, parameter "binaryPropertyNames"\]$/],
		['a binary property that is not an image', { binaryPropertyNames: 'doc' }, /^Binary field "doc" is not an image \(application\/pdf, 21 bytes\) \[item 1, parameter "binaryPropertyNames"\]$/],
		['fifteen source images', { binaryPropertyNames: Array(15).fill('photo').join(',') }, /takes at most 14 source images, got 15 \[item 1, parameter "binaryPropertyNames"\]$/],
		['an image URL and source binaries together', { binaryPropertyNames: 'photo', imageUrl: 'https://example.com/a.png' }, /not both \[item 1, parameter "imageUrl"\]$/],
		['a file: image URL', { imageUrl: 'file:///etc/passwd' }, /^Image URL must start with http:\/\/ or https:\/\/, got "file:" \[item 1, parameter "imageUrl"\]$/],
		['an ftp: image URL', { imageUrl: 'ftp://example.com/a.png' }, /got "ftp:" \[item 1, parameter "imageUrl"\]$/],
		['a javascript: image URL', { imageUrl: 'javascript:alert(1)' }, /got "javascript:" \[item 1, parameter "imageUrl"\]$/],
		['an image URL that is not a URL', { imageUrl: 'not a url' }, /^Image URL "not a url" is not a valid URL \[item 1, parameter "imageUrl"\]$/],
	])('SeeDream: refuses %s on item 1 and sends nothing', async (_name, bad, message) => {
		const good: IDataObject = { prompt: 'ok', batchSize: 1, resolution: '1:1', width: 2048, height: 2048, binaryPropertyNames: '', imageUrl: '' };
		await expectRefused(
			fromItems({ resource: 'image', operation: 'generateAndWait', model: 'seedreamv45', options: {} }, Object.keys(good)),
			threeItems({ ...good, ...bad }, good),
			message,
		);
	});

	it.each([
		['a seed below 0', { seed: -1 }, /^Seed must be between 0 and 2147483647, got -1 \[item 1, parameter "seed"\]$/],
		['a seed above 2147483647', { seed: 2_147_483_648 }, /^Seed must be between 0 and 2147483647, got 2147483648 \[item 1, parameter "seed"\]$/],
		['a fractional seed', { seed: 1.5 }, /^Seed must be a whole number, got 1\.5 \[item 1, parameter "seed"\]$/],
		['a width that is not a whole number', { width: 1024.5 }, /^Width must be a whole number, got 1024\.5 \[item 1, parameter "width"\]$/],
		['a negative height', { height: -1024 }, /^Height must be at least 1, got -1024 \[item 1, parameter "height"\]$/],
	])('Z-Image: refuses %s on item 1 and sends nothing', async (_name, bad, message) => {
		const good: IDataObject = { prompt: 'ok', seed: 7, width: 1024, height: 1024 };
		await expectRefused(
			fromItems({ resource: 'image', operation: 'generateAndWait', model: 'zimage', options: {} }, Object.keys(good)),
			threeItems({ ...good, ...bad }, good),
			message,
		);
	});

	it.each([
		['SeeDream V4 at 4K', 'seedreamv4', { resolution: '4K' }, /^Resolution "4K" is not available for SeeDream V4 \[item 1, parameter "resolution"\]$/],
		['SeeDream V4 with a custom size', 'seedreamv4', { resolution: 'custom' }, /^SeeDream V4 does not take a custom size \[item 1, parameter "resolution"\]$/],
		['an unknown model', 'dall-e', {}, /^Unknown model "dall-e" \[item 1, parameter "model"\]$/],
	])('refuses %s on item 1 and sends nothing', async (_name, model, bad, message) => {
		const good: IDataObject = { model: 'seedreamv4', prompt: 'ok', resolution: '1:1' };
		await expectRefused(
			fromItems({ resource: 'image', operation: 'generateAndWait', options: {} }, Object.keys(good)),
			threeItems({ ...good, model, ...bad }, good),
			message,
		);
	});

	it('a literally empty prompt is refused by n8n itself before the node runs', async () => {
		await expect(run(emu(), generateAndWait({ prompt: '' }))).rejects.toThrow(/Parameter "Prompt" is required/);
		expect(emu().log).toHaveLength(0);
	});

	it('Generate (submit only) checks every item before sending the first', async () => {
		await expectRefused(
			{ resource: 'image', operation: 'generate', model: 'seedreamv45', prompt: '={{ $json.prompt }}', batchSize: '={{ $json.batchSize }}', options: {} },
			threeItems({ prompt: 'ok', batchSize: 16 }, { prompt: 'ok', batchSize: 1 }),
			/^Batch size must be between 1 and 15, got 16 \[item 1, parameter "batchSize"\]$/,
		);
	});

	it.each([
		['a negative poll interval', { pollInterval: -1 }, /^'Poll Interval \(Seconds\)' must be a number of at least 0, got -1 \[item 0, parameter "options\.pollInterval"\]$/],
		['a max concurrency of 0', { maxConcurrency: 0 }, /^'Max Concurrency' must be a number of at least 1, got 0 \[item 0, parameter "options\.maxConcurrency"\]$/],
		['a request timeout of 0', { requestTimeout: 0 }, /got 0 \[item 0, parameter "options\.requestTimeout"\]$/],
		['a binary property name with a space', { binaryPropertyName: 'my image' }, /is not a usable binary field name \[item 0, parameter "options\.binaryPropertyName"\]$/],
	])('refuses %s in the options and sends nothing', async (_name, options, message) => {
		await expectRefused(generateAndWait({}, options), [{ json: {} }], message);
	});
});

describe('credential', () => {
	it.each([
		['an ftp: Base URL', 'ftp://127.0.0.1:21'],
		['a file: Base URL', 'file:///etc/passwd'],
		['a Base URL that is not a URL', 'api.tensorslab.com'],
	])('refuses %s before any request, naming the item and the parameter', async (_name, baseUrl) => {
		await expectRefused(
			generateAndWait({}),
			[{ json: {} }],
			new RegExp(`^The credential's Base URL "${baseUrl.replace(/[./]/g, '\\$&')}" is not an http:// or https:// URL \\[item 0, parameter "baseUrl"\\]$`),
			{ apiKey: SECRET_KEY, baseUrl },
		);
	});

	it.each([
		['Task → Get', { resource: 'task', operation: 'get', taskId: 'abcd_1' }],
		['Task → Wait and Download', { resource: 'task', operation: 'waitAndDownload', taskId: 'abcd_1', options: {} }],
		['Task → Delete', { resource: 'task', operation: 'delete', taskIds: 'abcd_1' }],
		['Generate (submit only)', { resource: 'image', operation: 'generate', model: 'zimage', prompt: 'p', options: {} }],
	])('%s refuses an ftp: Base URL before any request', async (_name, parameters) => {
		await expectRefused(parameters as INodeParameters, [{ json: {} }], /Base URL "ftp:\/\/127\.0\.0\.1:21" is not an http:\/\/ or https:\/\/ URL \[item 0, parameter "baseUrl"\]$/, {
			apiKey: SECRET_KEY,
			baseUrl: 'ftp://127.0.0.1:21',
		});
	});
});

describe('task IDs', () => {
	it.each([
		['Task → Get', '', 'taskId', 'get', /^Task ID is empty \[item 1, parameter "taskId"\]$/],
		['Task → Get', '   ', 'taskId', 'get', /^Task ID is empty \[item 1, parameter "taskId"\]$/],
		['Task → Get', 'abcd_1,efgh_2', 'taskId', 'get', /contains a comma; give one task ID \[item 1, parameter "taskId"\]$/],
		['Task → Wait and Download', '', 'taskId', 'waitAndDownload', /^Task ID is empty \[item 1, parameter "taskId"\]$/],
		['Task → Wait and Download', ' ', 'taskId', 'waitAndDownload', /^Task ID is empty \[item 1, parameter "taskId"\]$/],
		['Task → Delete', '', 'taskIds', 'delete', /^No task ID given \[item 1, parameter "taskIds"\]$/],
		['Task → Delete', ' , ,, ', 'taskIds', 'delete', /^No task ID given \[item 1, parameter "taskIds"\]$/],
		['Task → Delete', [], 'taskIds', 'delete', /^No task ID given \[item 1, parameter "taskIds"\]$/],
	])('%s: refuses the task ID %j in %s on item 1 and sends nothing', async (_name, value, parameter, operation, message) => {
		await expectRefused(
			{ resource: 'task', operation, [parameter]: `={{ $json.id }}`, options: {} } as INodeParameters,
			[{ json: { id: 'abcd_1' } }, { json: { id: value } }, { json: { id: 'efgh_2' } }],
			message,
		);
	});
});

describe('a 100 kB prompt', () => {
	it('is sent intact, byte for byte, as one generate request', async () => {
		const unit = 'A lighthouse at dusk — 灯塔, "quotes", \\backslash\\, emoji 🌊\r\n';
		let prompt = '';
		while (Buffer.byteLength(prompt) < 100 * 1024) prompt += unit;
		const result = await run(emu(), { resource: 'image', operation: 'generate', model: 'seedreamv45', prompt: '={{ $json.prompt }}', options: {} }, {
			inputItems: [{ json: { prompt } }],
		});
		expect(result.error).toBeUndefined();
		const requests = emu().apiRequests('generate');
		expect(requests).toHaveLength(1);
		expect(requests[0].fields.prompt).toHaveLength(1);
		expect(Buffer.byteLength(requests[0].fields.prompt[0])).toBeGreaterThanOrEqual(100 * 1024);
		expect(requests[0].fields.prompt[0] === prompt).toBe(true);
		expect(emu().tasks.get(result.items[0].json.taskId as string)?.prompt === prompt).toBe(true);
	});
});
