/**
 * Issue 11's bad input, refused before anything is sent: Image → Edit without exactly one usable
 * source image, a Model ID for "Other (by ID)" that could change the request path, and a Z-Image
 * ratio given together with a width or height. As in bad-input.test.ts, items 0 and 2 are fine
 * and item 1 is not, so the message must name item 1 and the emulator must see nothing at all.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { HarnessInputItem } from '../harness';
import { PNG_BYTES } from '../node/helpers';
import { run, useFaultEmulator } from './support';

const { emu } = useFaultEmulator();

function threeItems(bad: IDataObject, good: IDataObject): HarnessInputItem[] {
	const binary = {
		photo: { data: PNG_BYTES, mimeType: 'image/png', fileName: 'photo.png' },
		other: { data: PNG_BYTES, mimeType: 'image/png', fileName: 'other.png' },
		doc: { data: Buffer.from('%PDF-1.4 not an image'), mimeType: 'application/pdf', fileName: 'doc.pdf' },
	};
	return [{ json: good, binary }, { json: { ...good, ...bad }, binary }, { json: good, binary }];
}

/** Every parameter of `good` read from the item's JSON, so only item 1 is wrong. */
function fromItems(base: IDataObject, good: IDataObject): INodeParameters {
	const parameters: IDataObject = { ...base, options: {} };
	for (const name of Object.keys(good)) parameters[name] = `={{ $json.${name} }}`;
	return parameters as INodeParameters;
}

async function expectRefused(parameters: INodeParameters, inputItems: HarnessInputItem[], message: RegExp) {
	const result = await run(emu(), parameters, { inputItems });
	expect(result.error?.message).toMatch(message);
	expect(result.items).toHaveLength(0);
	expect(emu().log).toHaveLength(0);
}

describe('Image → Edit', () => {
	const good: IDataObject = { prompt: 'remove the background', resolution: 'apiDefault', width: 2048, height: 2048, binaryPropertyNames: 'photo', imageUrl: '' };

	it.each([
		['no source image', { binaryPropertyNames: '', imageUrl: '' }, /^Quick Edit needs a source image \[item 1, parameter "binaryPropertyNames"\]$/],
		['two source images', { binaryPropertyNames: 'photo, other' }, /^Quick Edit takes at most 1 source image, got 2 \[item 1, parameter "binaryPropertyNames"\]$/],
		['a binary and an image URL together', { imageUrl: 'https://example.com/a.png' }, /^Set either 'Source Image URL' or input binary fields, not both \[item 1, parameter "imageUrl"\]$/],
		['a source that is not an image', { binaryPropertyNames: 'doc' }, /^Binary field "doc" is not an image \(application\/pdf, 21 bytes\) \[item 1, parameter "binaryPropertyNames"\]$/],
		['a missing binary property', { binaryPropertyNames: 'scan' }, /^The input item has no binary field "scan" \[item 1, parameter "binaryPropertyNames"\]$/],
		['a file: image URL', { binaryPropertyNames: '', imageUrl: 'file:///etc/passwd' }, /^Image URL must start with http:\/\/ or https:\/\/, got "file:" \[item 1, parameter "imageUrl"\]$/],
		['an empty prompt', { prompt: ' ' }, /^Prompt is empty \[item 1, parameter "prompt"\]$/],
		['resolution 5:4', { resolution: '5:4' }, /^Resolution "5:4" is not available for Quick Edit \[item 1, parameter "resolution"\]$/],
		['a custom width of 0', { resolution: 'custom', width: 0 }, /^Width must be at least 1, got 0 \[item 1, parameter "width"\]$/],
	])('Edit: refuses %s on item 1 and sends nothing', async (_name, bad, message) => {
		await expectRefused(fromItems({ resource: 'image', operation: 'edit' }, good), threeItems(bad, good), message);
	});

	it('Edit with nothing but a prompt is refused before any request', async () => {
		await expectRefused({ resource: 'image', operation: 'edit', prompt: 'remove the background', options: {} }, [{ json: {} }], /^Quick Edit needs a source image \[item 0, parameter "binaryPropertyNames"\]$/);
	});
});

describe('Other (by ID)', () => {
	const good: IDataObject = { prompt: 'ok', modelId: 'seedreamv6', batchSize: '', resolution: '', binaryPropertyNames: '', imageUrl: '' };

	it.each([
		['seedream/v6', /^Model ID "seedream\/v6" may contain only lower-case letters a–z and digits 0–9 \[item 1, parameter "modelId"\]$/],
		['../zimage', /^Model ID "\.\.\/zimage" may contain only lower-case letters a–z and digits 0–9 \[item 1, parameter "modelId"\]$/],
		['..', /^Model ID "\.\." may contain only lower-case letters a–z and digits 0–9 \[item 1, parameter "modelId"\]$/],
		['seedreamv6?x=1', /^Model ID "seedreamv6\?x=1" may contain only lower-case letters a–z and digits 0–9 \[item 1, parameter "modelId"\]$/],
		['SeedreamV6', /^Model ID "SeedreamV6" may contain only lower-case letters a–z and digits 0–9 \[item 1, parameter "modelId"\]$/],
		['seedream v6', /^Model ID "seedream v6" may contain only lower-case letters a–z and digits 0–9 \[item 1, parameter "modelId"\]$/],
		['', /^Model ID is empty \[item 1, parameter "modelId"\]$/],
		['infobytaskid', /^"infobytaskid" is not a model: it is another TensorsLab endpoint \[item 1, parameter "modelId"\]$/],
		['deleteimagestask', /^"deleteimagestask" is not a model: it is another TensorsLab endpoint \[item 1, parameter "modelId"\]$/],
	])('refuses the model ID %j on item 1 and sends nothing', async (modelId, message) => {
		await expectRefused(fromItems({ resource: 'image', operation: 'generateAndWait', model: 'custom' }, good), threeItems({ modelId }, good), message);
	});

	it.each([
		['a source that is not an image', { binaryPropertyNames: 'doc' }, /^Binary field "doc" is not an image \(application\/pdf, 21 bytes\) \[item 1, parameter "binaryPropertyNames"\]$/],
		['batch size 0', { batchSize: 0 }, /^Batch size must be at least 1, got 0 \[item 1, parameter "batchSize"\]$/],
		['an ftp: image URL', { imageUrl: 'ftp://example.com/a.png' }, /^Image URL must start with http:\/\/ or https:\/\/, got "ftp:" \[item 1, parameter "imageUrl"\]$/],
		['an empty prompt', { prompt: '' }, /^Prompt is empty \[item 1, parameter "prompt"\]$/],
	])('Other (by ID): refuses %s on item 1 and sends nothing', async (_name, bad, message) => {
		await expectRefused(fromItems({ resource: 'image', operation: 'generate', model: 'custom' }, good), threeItems(bad, good), message);
	});
});

describe('Z-Image Size', () => {
	const good: IDataObject = { prompt: 'ok', zimageSize: '16:9', width: 1024, height: 1024 };

	it.each([
		['width 1280', { width: 1280 }, /^Width 1280 cannot go with Z-Image Size "16:9" \[item 1, parameter "width"\]$/],
		['height 2000', { height: 2000 }, /^Height 2000 cannot go with Z-Image Size "16:9" \[item 1, parameter "height"\]$/],
		['width "768" from an expression', { width: '768' }, /^Width "768" cannot go with Z-Image Size "16:9" \[item 1, parameter "width"\]$/],
	])('refuses ratio 16:9 together with %s on item 1 and sends nothing', async (_name, bad, message) => {
		await expectRefused(fromItems({ resource: 'image', operation: 'generateAndWait', model: 'zimage' }, good), threeItems(bad, good), message);
	});

	it('refuses a ratio Z-Image does not offer (2:3) before any request, naming zimageSize', async () => {
		await expectRefused(
			fromItems({ resource: 'image', operation: 'generateAndWait', model: 'zimage' }, good),
			threeItems({ zimageSize: '2:3' }, good),
			/^Size "2:3" is not available for Z-Image \[item 1, parameter "zimageSize"\]$/,
		);
	});
});
