/**
 * Turns the node's generation parameters into a request the API will accept, or refuses them
 * with an error that names the parameter. Pure: no n8n context, no I/O, so unit tests reach it
 * directly, and it runs for every item before the first request is sent, because each generate
 * request spends the user's credits.
 */
import { MODELS, isModelId, type ModelCapabilities, type ModelId } from '../models';
import { sniffImageType } from './imageType';
import { ParameterError } from './parameterError';
import { isBlank, parseUrl, toBoolean, toInteger, toText } from './values';

/** The Resolution value that leaves the choice to the API (nothing is sent). */
export const API_DEFAULT_RESOLUTION = 'apiDefault';
export const CUSTOM_RESOLUTION = 'custom';

export interface SourceImageInput {
	/** The binary property it came from, for error messages. */
	property: string;
	fileName?: string;
	mimeType?: string;
	bytes: Uint8Array;
}

export interface GenerateParameters {
	model: string;
	prompt: unknown;
	batchSize?: unknown;
	resolution?: unknown;
	width?: unknown;
	height?: unknown;
	seed?: unknown;
	promptExtend?: unknown;
	imageUrl?: unknown;
	sourceImages?: SourceImageInput[];
}

export interface SourceImageFile {
	fileName: string;
	mimeType: string;
	bytes: Uint8Array;
}

export interface GenerateRequest {
	model: ModelId;
	endpoint: string;
	/** Text fields in the order they are sent; only what the user set (plus Z-Image's size). */
	fields: Array<[name: string, value: string]>;
	files: SourceImageFile[];
	/** Images the task will make: batchsize, or 1. */
	imageCount: number;
}

export function getModel(model: unknown): ModelCapabilities {
	if (!isModelId(model)) {
		throw new ParameterError(
			'model',
			`Unknown model "${String(model)}"`,
			`Use one of: ${Object.keys(MODELS).join(', ')}`,
		);
	}
	return MODELS[model];
}

function positiveInteger(value: unknown, parameter: string, label: string): number {
	const number = toInteger(value, parameter, label);
	if (number < 1) throw new ParameterError(parameter, `${label} must be at least 1, got ${number}`);
	return number;
}

function describePixels(model: ModelCapabilities): string {
	const bounds = model.customSize;
	if (bounds?.minPixels === undefined || bounds.maxPixels === undefined) return '';
	return ` Width × height must be between ${bounds.minPixels.toLocaleString('en-US')} and ${bounds.maxPixels.toLocaleString('en-US')} pixels (for example 2048 × 2048 or 3750 × 1250).`;
}

function customSize(model: ModelCapabilities, width: unknown, height: unknown): string {
	const size = model.customSize;
	if (!size) throw new ParameterError('resolution', `${model.displayName} does not take a custom size`);
	const w = positiveInteger(width, 'width', 'Width');
	const h = positiveInteger(height, 'height', 'Height');
	const pixels = w * h;
	if (
		(size.minPixels !== undefined && pixels < size.minPixels) ||
		(size.maxPixels !== undefined && pixels > size.maxPixels)
	) {
		throw new ParameterError(
			'width',
			`${w} × ${h} = ${pixels.toLocaleString('en-US')} pixels is outside what ${model.displayName} accepts.${describePixels(model)}`,
		);
	}
	return `${w}${size.separator}${h}`;
}

const SIZE_PATTERN = /^\s*(\d+)\s*[x*×]\s*(\d+)\s*$/i;

/** The `resolution` field to send, or undefined to leave it to the API. */
export function resolveResolution(
	model: ModelCapabilities,
	resolution: unknown,
	width: unknown,
	height: unknown,
): string | undefined {
	if (model.sizeAlwaysCustom) return customSize(model, width ?? 1024, height ?? 1024);
	if (isBlank(resolution) || resolution === API_DEFAULT_RESOLUTION) return undefined;
	if (typeof resolution !== 'string') {
		throw new ParameterError('resolution', `Resolution must be text, got ${JSON.stringify(resolution)}`);
	}
	if (resolution === CUSTOM_RESOLUTION) return customSize(model, width, height);
	const value = resolution.trim();
	const named = [...model.ratios, ...model.levels].find((v) => v.toLowerCase() === value.toLowerCase());
	if (named) return named;
	// An expression or an AI agent may pass a size such as "2048x2048" directly.
	const size = SIZE_PATTERN.exec(value);
	if (size && model.customSize) return customSize(model, size[1], size[2]);
	const allowed = [...model.ratios, ...model.levels, ...(model.customSize ? ['custom (or W×H)'] : [])];
	throw new ParameterError(
		'resolution',
		`Resolution "${value}" is not available for ${model.displayName}`,
		`Use one of: ${allowed.join(', ')}.${describePixels(model)}`,
	);
}

export function validateImageUrl(value: unknown): string {
	if (typeof value !== 'string') {
		throw new ParameterError('imageUrl', `Image URL must be text, got ${JSON.stringify(value)}`);
	}
	const url = parseUrl(value.trim());
	if (!url) throw new ParameterError('imageUrl', `Image URL "${value}" is not a valid URL`);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new ParameterError('imageUrl', `Image URL must start with http:// or https://, got "${url.protocol}"`);
	}
	return url.href;
}

export function validateSourceImage(image: SourceImageInput, index: number): SourceImageFile {
	const sniffed = sniffImageType(image.bytes);
	if (!sniffed) {
		throw new ParameterError(
			'binaryPropertyNames',
			`Binary property "${image.property}" is not an image (${image.mimeType ?? 'unknown type'}, ${image.bytes.length} bytes)`,
			'Source images must be JPEG, PNG, WebP, GIF, BMP or TIFF files',
		);
	}
	// The bytes decide the type: a file labelled application/octet-stream is still sent as what it is.
	const fileName = image.fileName?.trim() || `source-${index + 1}.${sniffed.extension}`;
	return { fileName, mimeType: sniffed.mimeType, bytes: image.bytes };
}

/**
 * Checks one item's parameters against the model's row and builds the request. Throws a
 * ParameterError naming the first wrong parameter.
 */
export function buildGenerateRequest(params: GenerateParameters): GenerateRequest {
	const model = getModel(params.model);
	const fields: Array<[string, string]> = [];

	const prompt = toText(params.prompt, 'prompt', 'Prompt');
	if (prompt === undefined || prompt.trim() === '') {
		throw new ParameterError('prompt', 'Prompt is empty', 'Describe the image to generate');
	}
	// Sent exactly as given, whatever its length: the API documents no limit, and trimming or
	// cutting it would change what the user pays for.
	fields.push(['prompt', prompt]);

	let imageCount = 1;
	if (model.maxBatchSize !== null && !isBlank(params.batchSize)) {
		imageCount = toInteger(params.batchSize, 'batchSize', 'Batch size');
		if (imageCount < 1 || imageCount > model.maxBatchSize) {
			throw new ParameterError(
				'batchSize',
				`Batch size must be between 1 and ${model.maxBatchSize}, got ${imageCount}`,
			);
		}
		fields.push(['batchsize', String(imageCount)]);
	}

	const resolution = resolveResolution(model, params.resolution, params.width, params.height);
	if (resolution !== undefined) fields.push(['resolution', resolution]);

	if (model.seed && !isBlank(params.seed)) {
		const seed = toInteger(params.seed, 'seed', 'Seed');
		if (seed < model.seed.min || seed > model.seed.max) {
			throw new ParameterError(
				'seed',
				`Seed must be between ${model.seed.min} and ${model.seed.max}, got ${seed}`,
			);
		}
		fields.push(['seed', String(seed)]);
	}
	if (model.promptExtend && toBoolean(params.promptExtend, 'promptExtend', 'Prompt Extend')) fields.push(['prompt_extend', '1']);

	const files: SourceImageFile[] = [];
	const sourceImages = params.sourceImages ?? [];
	const hasImageUrl = !isBlank(params.imageUrl);
	if (model.maxSourceImages === null) {
		if (sourceImages.length > 0 || hasImageUrl) {
			throw new ParameterError(
				sourceImages.length > 0 ? 'binaryPropertyNames' : 'imageUrl',
				`${model.displayName} does not take a source image`,
			);
		}
	} else {
		if (sourceImages.length > model.maxSourceImages) {
			throw new ParameterError(
				'binaryPropertyNames',
				`${model.displayName} takes at most ${model.maxSourceImages} source images, got ${sourceImages.length}`,
			);
		}
		sourceImages.forEach((image, index) => files.push(validateSourceImage(image, index)));
		if (hasImageUrl) {
			// TensorsLab's own client never sends both; which one the API would use is undocumented,
			// so we refuse the mix rather than spend credits on a guess.
			if (files.length > 0) {
				throw new ParameterError(
					'imageUrl',
					'Set either Image URL or source image binaries, not both',
				);
			}
			fields.push(['imageUrl', validateImageUrl(params.imageUrl)]);
		}
	}

	return { model: model.id, endpoint: model.endpoint, fields, files, imageCount };
}
