/**
 * Turns the node's generation parameters into a request the API will accept, or refuses them
 * with an error that names the parameter. Pure: no n8n context, no I/O, so unit tests reach it
 * directly, and it runs for every item before the first request is sent, because each generate
 * request spends the user's credits.
 */
import { GENERATE_MODEL_IDS, MODELS, isModelId, type ModelCapabilities, type ModelOperation, type SizeParameter } from '../models';
import { TASK_KINDS } from '../taskKinds';
import { sniffImageType } from './imageType';
import { validateImageUrl } from './imageUrl';
import { parseModelId } from './modelId';
import { ParameterError } from './parameterError';
import { isBlank, toBoolean, toInteger, toText } from './values';

/** The Resolution value that leaves the choice to the API (nothing is sent). */
export const API_DEFAULT_RESOLUTION = 'apiDefault';
export const CUSTOM_RESOLUTION = 'custom';

export interface SourceImageInput {
	/** The binary property it came from, for error messages. */
	property: string;
	fileName?: string;
	mimeType?: string;
	/** The file's first bytes (at least SNIFF_BYTES, for the type check), or the whole file. */
	bytes: Uint8Array;
	/** The file's size as n8n shows it, for messages. */
	sizeLabel?: string;
	/**
	 * Reads the whole file, when its request is built. Absent: `bytes` is the whole file. Reading
	 * late keeps memory growing with the requests in flight, not with the number of items.
	 */
	read?: () => Promise<Uint8Array>;
}

export interface GenerateParameters {
	model: string;
	/** The operation asking; its models are the ones allowed. Default 'generate'. */
	operation?: ModelOperation;
	/** The Model ID of "Other (by ID)". */
	modelId?: unknown;
	prompt: unknown;
	batchSize?: unknown;
	/** The size choice: the Resolution parameter, or Z-Image's Size (the row's `sizeParameter`). */
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
	/** Reads the file's bytes; called once per generate request, just before it is sent. */
	read: () => Promise<Uint8Array>;
}

export interface GenerateRequest {
	/** The model as sent: the row's ID, or the Model ID of "Other (by ID)". */
	model: string;
	endpoint: string;
	/** Text fields in the order they are sent; only what the user set (plus Z-Image's size). */
	fields: Array<[name: string, value: string]>;
	files: SourceImageFile[];
	/** Images the task will make: batchsize, or 1. */
	imageCount: number;
}

/** The row of `model` if the operation offers it (Generate: its Model dropdown; Edit: its one model). */
export function getModel(model: unknown, operation: ModelOperation = 'generate'): ModelCapabilities {
	if (!isModelId(model) || MODELS[model].operation !== operation) {
		throw new ParameterError(
			'model',
			`Unknown model "${String(model)}"`,
			`Use one of: ${GENERATE_MODEL_IDS.join(', ')} (custom: any other model, by its ID)`,
		);
	}
	return MODELS[model];
}

const SIZE_LABELS: Record<SizeParameter, string> = { resolution: 'Resolution', zimageSize: 'Size' };

const PROMPT_HINTS: Record<ModelOperation, string> = {
	generate: 'Describe the image to generate',
	edit: 'Say what to change, for example "remove the background"',
};

/** Names under /v1/images/ that are not models: the image tasks' status and delete endpoints. */
const NOT_MODELS = [TASK_KINDS.image.statusEndpoint, TASK_KINDS.image.deleteEndpoint].map((path) => path.slice(path.lastIndexOf('/') + 1));

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
	if (!size) throw new ParameterError(model.sizeParameter, `${model.displayName} does not take a custom size`);
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

/**
 * Where width × height is the model's default size (Z-Image), width and height are always shown
 * unless a ratio was picked, and n8n fills in their defaults whenever it cannot tell (a size
 * choice from an expression). A width or height other than the default next to a ratio is then
 * a second, different answer to "what size", so it is refused instead of silently dropped.
 * Elsewhere width and height belong to Custom only and are ignored otherwise, as they always were.
 */
function refuseSizeBesideChoice(model: ModelCapabilities, choice: string, width: unknown, height: unknown): void {
	const defaults = model.defaultSize;
	if (defaults.choice !== CUSTOM_RESOLUTION) return;
	for (const [name, label, value] of [['width', 'Width', width], ['height', 'Height', height]] as const) {
		if (isBlank(value) || Number(String(value).trim()) === defaults[name]) continue;
		const sizeLabel = SIZE_LABELS[model.sizeParameter];
		throw new ParameterError(
			name,
			`${label} ${JSON.stringify(value)} cannot go with ${model.displayName} ${sizeLabel} "${choice}"`,
			`A ratio sets the size itself. Set ${sizeLabel} to Custom Width × Height to send width × height, or leave width and height at ${defaults.width} × ${defaults.height}.`,
		);
	}
}

/** The `resolution` field to send, or undefined to leave it to the API. */
export function resolveResolution(
	model: ModelCapabilities,
	resolution: unknown,
	width: unknown,
	height: unknown,
): string | undefined {
	const parameter = model.sizeParameter;
	const label = SIZE_LABELS[parameter];
	const defaults = model.defaultSize;
	const choice = isBlank(resolution) ? defaults.choice : resolution;
	if (choice === API_DEFAULT_RESOLUTION) return undefined;
	if (model.byId) return toText(choice, parameter, label)!.trim() || undefined;
	if (typeof choice !== 'string') {
		throw new ParameterError(parameter, `${label} must be text, got ${JSON.stringify(choice)}`);
	}
	if (choice === CUSTOM_RESOLUTION) {
		// Z-Image's width and height default to the API's own 1024 × 1024, so leaving one out is safe.
		const fill = defaults.choice === CUSTOM_RESOLUTION;
		return customSize(model, fill ? (width ?? defaults.width) : width, fill ? (height ?? defaults.height) : height);
	}
	const value = choice.trim();
	const named = [...model.ratios, ...model.levels].find((v) => v.toLowerCase() === value.toLowerCase());
	// An expression or an AI agent may pass a size such as "2048x2048" directly.
	const size = named ? null : SIZE_PATTERN.exec(value);
	if (named || (size && model.customSize)) refuseSizeBesideChoice(model, value, width, height);
	if (named) return named;
	if (size && model.customSize) return customSize(model, size[1], size[2]);
	const allowed = [...model.ratios, ...model.levels, ...(model.customSize ? ['custom (or W×H)'] : [])];
	throw new ParameterError(
		parameter,
		`${label} "${value}" is not available for ${model.displayName}`,
		`Use one of: ${allowed.join(', ')}.${describePixels(model)}`,
	);
}

export function validateSourceImage(image: SourceImageInput, index: number): SourceImageFile {
	const sniffed = sniffImageType(image.bytes);
	if (!sniffed) {
		throw new ParameterError(
			'binaryPropertyNames',
			`Binary field "${image.property}" is not an image (${image.mimeType ?? 'unknown type'}, ${image.sizeLabel ?? `${image.bytes.length} bytes`})`,
			'Source images must be JPEG, PNG, WebP, GIF, BMP or TIFF files',
		);
	}
	// The bytes decide the type: a file labelled application/octet-stream is still sent as what it is.
	const fileName = image.fileName?.trim() || `source-${index + 1}.${sniffed.extension}`;
	const { bytes, read } = image;
	return { fileName, mimeType: sniffed.mimeType, read: read ?? (async () => bytes) };
}

/**
 * Checks one item's parameters against the model's row and builds the request. Throws a
 * ParameterError naming the first wrong parameter.
 */
export function buildGenerateRequest(params: GenerateParameters): GenerateRequest {
	const model = getModel(params.model, params.operation);
	const modelId = model.byId ? parseModelId(params.modelId, { reserved: NOT_MODELS }) : model.id;
	const fields: Array<[string, string]> = [];

	const prompt = toText(params.prompt, 'prompt', 'Prompt');
	if (prompt === undefined || prompt.trim() === '') {
		throw new ParameterError('prompt', 'Prompt is empty', PROMPT_HINTS[model.operation]);
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
				Number.isFinite(model.maxBatchSize)
					? `Batch size must be between 1 and ${model.maxBatchSize}, got ${imageCount}`
					: `Batch size must be at least 1, got ${imageCount}`,
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
				`${model.displayName} takes at most ${model.maxSourceImages} source image${model.maxSourceImages === 1 ? '' : 's'}, got ${sourceImages.length}`,
			);
		}
		sourceImages.forEach((image, index) => files.push(validateSourceImage(image, index)));
		if (hasImageUrl) {
			// TensorsLab's own client never sends both; which one the API would use is undocumented,
			// so we refuse the mix rather than spend credits on a guess.
			if (files.length > 0) {
				throw new ParameterError(
					'imageUrl',
					"Set either 'Source Image URL' or input binary fields, not both",
					"Clear 'Source Image URL' to send the binary files, or clear the input binary fields to send the URL",
				);
			}
			fields.push(['imageUrl', validateImageUrl(params.imageUrl)]);
		}
		if (model.sourceRequired && files.length === 0 && !hasImageUrl) {
			throw new ParameterError(
				'binaryPropertyNames',
				`${model.displayName} needs a source image`,
				"Name the binary field that holds it (e.g. data) in 'Input Binary Field', or give a 'Source Image URL'",
			);
		}
	}

	return { model: modelId, endpoint: model.byId ? `${model.endpoint}${modelId}` : model.endpoint, fields, files, imageCount };
}
