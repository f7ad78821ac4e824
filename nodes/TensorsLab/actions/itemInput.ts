/**
 * Reads one item's parameters (and source image binaries) into a validated GenerateRequest, and
 * runs that check for every item before the first request goes out. Bad input becomes an error
 * naming the item and the parameter; under Continue On Fail it becomes that item's error item.
 */
import {
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { ParameterError, buildGenerateRequest, getModel, type GenerateRequest, type SourceImageInput } from '../helpers/validation';
import { ensureNodeError } from '../transport';

function parameter(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback?: unknown): unknown {
	return ctx.getNodeParameter(name, itemIndex, fallback as never) as unknown;
}

async function readSourceImages(ctx: IExecuteFunctions, itemIndex: number, names: string): Promise<SourceImageInput[]> {
	const properties = names
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	const item = ctx.getInputData()[itemIndex];
	const images: SourceImageInput[] = [];
	for (const property of properties) {
		const binary = item.binary?.[property];
		if (!binary) {
			const available = Object.keys(item.binary ?? {});
			throw new ParameterError(
				'binaryPropertyNames',
				`The input item has no binary property "${property}"`,
				available.length ? `Binary properties on this item: ${available.join(', ')}` : 'This item has no binary data; read a file first, for example with "Read/Write Files from Disk".',
			);
		}
		// Through n8n's helper, so filesystem and database binary modes work as well as memory.
		const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
		images.push({ property, fileName: binary.fileName, mimeType: binary.mimeType, bytes });
	}
	return images;
}

export async function readGenerateRequest(ctx: IExecuteFunctions, itemIndex: number): Promise<GenerateRequest> {
	const model = getModel(parameter(ctx, 'model', itemIndex));
	const optional = (name: string, applies: boolean) => (applies ? parameter(ctx, name, itemIndex, '') : undefined);
	const hasSources = model.maxSourceImages !== null;
	const names = hasSources ? String(parameter(ctx, 'binaryPropertyNames', itemIndex, '') ?? '') : '';
	const showsCustom = model.sizeAlwaysCustom || parameter(ctx, 'resolution', itemIndex, '') === 'custom';
	return buildGenerateRequest({
		model: model.id,
		prompt: parameter(ctx, 'prompt', itemIndex, ''),
		batchSize: optional('batchSize', model.maxBatchSize !== null),
		resolution: model.sizeAlwaysCustom ? undefined : parameter(ctx, 'resolution', itemIndex, ''),
		width: optional('width', showsCustom),
		height: optional('height', showsCustom),
		seed: optional('seed', model.seed !== null),
		promptExtend: model.promptExtend ? parameter(ctx, 'promptExtend', itemIndex, false) : undefined,
		imageUrl: optional('imageUrl', hasSources),
		sourceImages: names.trim() ? await readSourceImages(ctx, itemIndex, names) : [],
	});
}

/**
 * Runs `read` for every item before anything is sent. Returns per item either its value or,
 * under Continue On Fail, its error item; without it, the first bad item throws.
 */
export async function readAllItems<T>(
	ctx: IExecuteFunctions,
	read: (itemIndex: number) => Promise<T> | T,
): Promise<Array<T | INodeExecutionData[]>> {
	const items = ctx.getInputData();
	const out: Array<T | INodeExecutionData[]> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			out.push(await read(itemIndex));
		} catch (caught) {
			const error = ensureNodeError(ctx, caught, itemIndex);
			if (!ctx.continueOnFail()) throw error;
			out.push([{ json: { error: error.message } as IDataObject, pairedItem: { item: itemIndex } }]);
		}
	}
	return out;
}
