/**
 * Reads one item's generation parameters (and its source image binaries) into a checked
 * GenerateRequest. Which parameters apply comes from the model's row in models.ts.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { SNIFF_BYTES } from '../helpers/imageType';
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
				`The input item has no binary field "${property}"`,
				available.length ? `Binary fields on this item: ${available.join(', ')}` : 'This item has no binary data; read a file first, for example with "Read/Write Files from Disk".',
			);
		}
		images.push({
			property,
			fileName: binary.fileName,
			mimeType: binary.mimeType,
			sizeLabel: typeof binary.bytes === 'number' ? `${binary.bytes} bytes` : binary.fileSize,
			bytes: await readHead(ctx, binary),
			// Through n8n's helper, so filesystem and database binary modes work as well as memory;
			// called only when the item's request is built (see helpers/multipart.ts).
			read: async () => await ctx.helpers.getBinaryDataBuffer(itemIndex, property),
		});
	}
	return images;
}

/**
 * The first bytes of a binary, enough for the type check, without reading the whole file: every
 * item is checked before the first request, and holding all their files from then on would make
 * memory grow with the number of items (300 photos of 8 MB: 2.4 GB).
 */
async function readHead(ctx: IExecuteFunctions, binary: IBinaryData): Promise<Uint8Array> {
	if (!binary.id) {
		// Memory mode: the data is base64 on the item already; decode only its start.
		return Buffer.from(binary.data.slice(0, Math.ceil(SNIFF_BYTES / 3) * 4), 'base64');
	}
	const stream = await ctx.helpers.getBinaryStream(binary.id, SNIFF_BYTES);
	let head = Buffer.alloc(0);
	// Leaving the loop early destroys the stream: the rest of the file is never read.
	for await (const chunk of stream) {
		head = Buffer.concat([head, Buffer.from(chunk as Uint8Array)]);
		if (head.length >= SNIFF_BYTES) break;
	}
	return head;
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
