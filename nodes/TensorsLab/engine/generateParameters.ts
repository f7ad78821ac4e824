/**
 * Reads one item's generation parameters (and its source image binaries) into a checked
 * GenerateRequest. Which parameters apply comes from the model's row in models.ts.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { ParameterError } from '../helpers/parameterError';
import { CUSTOM_RESOLUTION, buildGenerateRequest, getModel, type GenerateRequest, type SourceImageInput } from '../helpers/validation';
import { MODELS, type ModelId } from '../models';

function parameter(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback?: unknown): unknown {
	return ctx.getNodeParameter(name, itemIndex, fallback as never) as unknown;
}

export async function readSourceImages(ctx: IExecuteFunctions, itemIndex: number, names: string): Promise<SourceImageInput[]> {
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

/**
 * `fixedModel` is the model of an operation that has only one (Image → Edit); without it the
 * Model parameter is read, and must be one that Generate offers.
 */
export async function readGenerateRequest(ctx: IExecuteFunctions, itemIndex: number, fixedModel?: ModelId): Promise<GenerateRequest> {
	const model = fixedModel ? MODELS[fixedModel] : getModel(parameter(ctx, 'model', itemIndex));
	const optional = (name: string, applies: boolean) => (applies ? parameter(ctx, name, itemIndex, '') : undefined);
	const hasSources = model.maxSourceImages !== null;
	const names = hasSources ? String(parameter(ctx, 'binaryPropertyNames', itemIndex, '') ?? '') : '';
	const sizeChoice = parameter(ctx, model.sizeParameter, itemIndex, '');
	// Width and height belong to Custom; where width × height is also the default (Z-Image) they
	// are read whatever the choice, so that one given beside a ratio is refused, not dropped.
	const readsSize = model.customSize !== null && (sizeChoice === CUSTOM_RESOLUTION || model.defaultSize.choice === CUSTOM_RESOLUTION);
	return buildGenerateRequest({
		model: model.id,
		operation: model.operation,
		modelId: optional('modelId', model.byId),
		prompt: parameter(ctx, 'prompt', itemIndex, ''),
		batchSize: optional('batchSize', model.maxBatchSize !== null),
		resolution: sizeChoice,
		width: optional('width', readsSize),
		height: optional('height', readsSize),
		seed: optional('seed', model.seed !== null),
		promptExtend: model.promptExtend ? parameter(ctx, 'promptExtend', itemIndex, false) : undefined,
		imageUrl: optional('imageUrl', hasSources),
		sourceImages: names.trim() ? await readSourceImages(ctx, itemIndex, names) : [],
	});
}
