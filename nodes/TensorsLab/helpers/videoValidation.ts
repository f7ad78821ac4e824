/**
 * Turns the Video parameters into a request the API will accept, or refuses them with an error
 * naming the parameter. Pure, like validation.ts for images, and run for every item before the
 * first request is sent, because each generate request spends credits. The model's row in
 * ../videoModels.ts says what applies.
 */
import {
	MAX_VIDEO_PROMPT_CHARS,
	MAX_VIDEO_SOURCE_IMAGES,
	VIDEO_MODELS,
	VIDEO_RATIOS,
	isVideoModelId,
	type VideoModel,
} from '../videoModels';
import type { SubmitRequest } from './multipart';
import { ParameterError } from './parameterError';
import { validateImageUrl } from './imageUrl';
import { API_DEFAULT_RESOLUTION, validateSourceImage, type SourceImageInput } from './validation';
import { isBlank, toBoolean, toInteger, toText } from './values';

interface VideoParameters {
	model: unknown;
	prompt: unknown;
	ratio?: unknown;
	duration?: unknown;
	videoResolution?: unknown;
	fps?: unknown;
	seed?: unknown;
	generateAudio?: unknown;
	returnLastFrame?: unknown;
	imageUrl?: unknown;
	sourceImages?: SourceImageInput[];
}

/**
 * CHOICE: the API documents fps only as a string defaulting to "24"; whole numbers 1–60 are
 * accepted, which covers every frame rate video players use.
 */
const FPS = { min: 1, max: 60 };
/** CHOICE: the documentation says only "integer"; a signed 32-bit range, as for Z-Image. */
const SEED = { min: 0, max: 2_147_483_647 };

function getVideoModel(model: unknown): VideoModel {
	if (!isVideoModelId(model)) {
		throw new ParameterError('model', `Unknown video model "${String(model)}"`, `Use one of: ${Object.keys(VIDEO_MODELS).join(', ')}`);
	}
	return VIDEO_MODELS[model];
}

function choice(value: unknown, parameter: string, label: string, allowed: readonly string[], model: VideoModel): string | undefined {
	if (isBlank(value) || value === API_DEFAULT_RESOLUTION) return undefined;
	const text = toText(value, parameter, label)!.trim();
	const found = allowed.find((option) => option.toLowerCase() === text.toLowerCase());
	if (!found) {
		throw new ParameterError(parameter, `${label} "${text}" is not available for ${model.displayName}`, `Use one of: ${allowed.join(', ')}`);
	}
	return found;
}

function ranged(value: unknown, parameter: string, label: string, range: { min: number; max: number }, unit = ''): string | undefined {
	if (isBlank(value)) return undefined;
	const number = toInteger(value, parameter, label);
	if (number < range.min || number > range.max) {
		throw new ParameterError(parameter, `${label} must be between ${range.min} and ${range.max}${unit}, got ${number}`);
	}
	return String(number);
}

/** Checks one item's Video parameters and builds the request; throws naming the first wrong parameter. */
export function buildVideoRequest(params: VideoParameters): SubmitRequest {
	const model = getVideoModel(params.model);
	const fields: Array<[string, string]> = [];
	const prompt = toText(params.prompt, 'prompt', 'Prompt');
	if (prompt === undefined || prompt.trim() === '') throw new ParameterError('prompt', 'Prompt is empty', 'Describe the video to generate');
	const length = Array.from(prompt).length;
	if (length > MAX_VIDEO_PROMPT_CHARS) {
		throw new ParameterError('prompt', `Prompt must be at most ${MAX_VIDEO_PROMPT_CHARS} characters, got ${length}`);
	}
	fields.push(['prompt', prompt]);
	const optional: Array<[string, string | undefined]> = [
		['ratio', choice(params.ratio, 'ratio', 'Ratio', VIDEO_RATIOS, model)],
		['duration', ranged(params.duration, 'duration', `Duration for ${model.displayName}`, model.duration, ' seconds')],
		['resolution', choice(params.videoResolution, 'videoResolution', 'Resolution', model.resolutions, model)],
		['fps', ranged(params.fps, 'fps', 'FPS', FPS)],
		['seed', ranged(params.seed, 'seed', 'Seed', SEED)],
	];
	for (const [name, value] of optional) if (value !== undefined) fields.push([name, value]);
	for (const [parameter, label, applies, field] of [
		['generateAudio', 'Generate Audio', model.audio, 'generate_audio'],
		['returnLastFrame', 'Return Last Frame', model.lastFrame, 'return_last_frame'],
	] as const) {
		if (!toBoolean(params[parameter], parameter, label)) continue;
		// TensorsLab's own client drops these silently for other models; refusing says so instead.
		if (!applies) throw new ParameterError(parameter, `${model.displayName} does not offer ${label}`, 'Only SeeDance 2.0 does');
		fields.push([field, '1']);
	}
	const sources = params.sourceImages ?? [];
	if (sources.length > MAX_VIDEO_SOURCE_IMAGES) {
		throw new ParameterError('binaryPropertyNames', `${model.displayName} takes at most ${MAX_VIDEO_SOURCE_IMAGES} source images, got ${sources.length}`);
	}
	const files = sources.map((image, index) => validateSourceImage(image, index));
	if (!isBlank(params.imageUrl)) {
		if (files.length > 0) {
			throw new ParameterError(
				'imageUrl',
				"Set either 'Source Image URL' or input binary fields, not both",
				"Clear 'Source Image URL' to send the binary files, or clear 'Input Binary Fields' to send the URLs",
			);
		}
		fields.push(['imageUrl', validateVideoImageUrls(params.imageUrl)]);
	}
	return { model: model.id, endpoint: model.endpoint, fields, files };
}

const FRAME_LABELS = ['First frame URL', 'Last frame URL'];

/**
 * Source Image URL: one URL (the first frame) or two separated by a comma (first frame, then last
 * frame), sent as one `imageUrl` field joined by "," as TensorsLab's client sends them. Each URL
 * goes out exactly as typed (validateImageUrl); blank pieces ("u1," or "u1, ,") are dropped.
 * Every comma separates: TensorsLab splits the field at commas, so a comma inside a URL is %2C.
 */
export function validateVideoImageUrls(value: unknown): string {
	if (typeof value !== 'string') {
		throw new ParameterError('imageUrl', `Source Image URL must be text, got ${JSON.stringify(value)}`);
	}
	const urls = value
		.split(',')
		.map((url) => url.trim())
		.filter((url) => url !== '');
	if (urls.length === 0) throw new ParameterError('imageUrl', `Source Image URL ${JSON.stringify(value)} holds no URL`);
	if (urls.length > MAX_VIDEO_SOURCE_IMAGES) {
		throw new ParameterError(
			'imageUrl',
			`Source Image URL takes at most ${MAX_VIDEO_SOURCE_IMAGES} URLs (first and last frame), got ${urls.length}`,
			'Separate the first and the last frame by one comma; write a comma inside a URL as %2C',
		);
	}
	const labels = urls.length === 1 ? ['Image URL'] : FRAME_LABELS;
	return urls.map((url, index) => validateImageUrl(url, labels[index])).join(',');
}
