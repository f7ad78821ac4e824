/**
 * What the reference accepts from a request, per model: the parameters each model takes, the
 * resolution forms (ratios, 2K/4K levels, WxH or W*H) with their pixel bounds, the size reported
 * for each, and the JSON body of infobytaskid / deleteimagestask. A request that breaks a rule is
 * refused with a message naming the parameter (the caller sends it as code 9999).
 */
import { randomInt } from 'node:crypto';

import { mediaType } from './body';
import type { ParsedBody } from './body';
import type { GenerateEndpoint } from './types';

/** Notes: up to 14 reference images per request (ByteDance's published Seedream limit). */
const MAX_SOURCE_IMAGES = 14;
/** Reference: total pixels for WxH on seedreamv45 (and v5, same parameters per the notes). */
const MIN_PIXELS = 3_686_400;
const MAX_PIXELS = 16_777_216;

/** Reference's ratio list for seedreamv45 / seedreamv5. */
const V45_RATIOS = ['9:16', '16:9', '3:4', '4:3', '1:1', '2:3', '3:2'];
/**
 * Reference's ratio list for seedreamv4 (five ratios, no levels, no WxH).
 * CHOICE: TensorsLab's own client also sends `2K` to seedreamv4 (notes); the reference wins and the
 * emulator refuses `2K` there, so a node that sends it is caught.
 */
const V4_RATIOS = ['9:16', '16:9', '3:4', '4:3', '1:1'];
/** Notes: zimage accepts these five ratios or W*H. */
const ZIMAGE_RATIOS = ['9:16', '16:9', '1:1', '3:4', '4:3'];
/**
 * quickedit (undocumented; TensorsLab's own client): V4.5's ratios plus 21:9 and 9:21, 2K/4K, or WxH.
 * CHOICE: no pixel bounds are known for it, so WxH is taken as given.
 */
const QUICKEDIT_RATIOS = [...V45_RATIOS, '21:9', '9:21'];

/**
 * CHOICE: reported width/height for SeeDream ratios, at about 2K (≈4 MP, all inside the pixel
 * bounds). Levels: 2K → 2048x2048, 4K → 4096x4096. WxH → as given.
 */
const SEEDREAM_RATIO_SIZES: Record<string, [number, number]> = {
	'1:1': [2048, 2048],
	'16:9': [2560, 1440],
	'9:16': [1440, 2560],
	'4:3': [2304, 1728],
	'3:4': [1728, 2304],
	'3:2': [2496, 1664],
	'2:3': [1664, 2496],
	'21:9': [3024, 1296],
	'9:21': [1296, 3024],
};
/** CHOICE: reported width/height for zimage ratios, at about 1 MP (its default is 1024*1024). */
const ZIMAGE_RATIO_SIZES: Record<string, [number, number]> = {
	'1:1': [1024, 1024],
	'16:9': [1280, 720],
	'9:16': [720, 1280],
	'4:3': [1152, 864],
	'3:4': [864, 1152],
};

/** Parameters each model accepts (reference tables). Anything else is refused, naming it. */
const ALLOWED_FIELDS: Record<GenerateEndpoint, readonly string[]> = {
	seedreamv45: ['category', 'prompt', 'batchsize', 'resolution', 'sourceImage', 'imageUrl'],
	seedreamv5: ['category', 'prompt', 'batchsize', 'resolution', 'sourceImage', 'imageUrl'],
	seedreamv4: ['category', 'prompt', 'batchsize', 'resolution', 'sourceImage', 'imageUrl'],
	zimage: ['prompt', 'resolution', 'seed', 'prompt_extend'],
	// CHOICE (quickedit): no `category` and no `batchsize`, as TensorsLab's client sends it.
	quickedit: ['prompt', 'resolution', 'sourceImage', 'imageUrl'],
	// CHOICE: a test-only model (not TensorsLab's) with seedreamv45's rules, standing in for a model
	// the node does not know yet; any other unknown model path answers 404.
	seedreamv6: ['category', 'prompt', 'batchsize', 'resolution', 'sourceImage', 'imageUrl'],
};

/** A generate request that passed every rule, and what its task reports. */
export interface GenerateRequest {
	prompt: string;
	/** Reported (requested) size. */
	width: number;
	height: number;
	imageCount: number;
	origseed: number;
}

/** Checks a generate request to /v1/images/<model>: either what it asks for, or why it is refused. */
export function checkGenerate(model: GenerateEndpoint, contentType: string | undefined, parsed: ParsedBody): GenerateRequest | { refusal: string } {
	const refuse = (refusal: string) => ({ refusal });
	if (mediaType(contentType) !== 'multipart/form-data') {
		return refuse(`Content-Type must be multipart/form-data for /v1/images/${model} (got ${contentType ? `'${mediaType(contentType)}'` : 'none'})`);
	}
	if (parsed.error) return refuse(`Malformed multipart/form-data body: ${parsed.error}`);
	const allowed = ALLOWED_FIELDS[model];
	// Strict: unknown names, text-vs-file mismatch, and repeated single-valued fields are refused.
	for (const part of parsed.parts) {
		if (!allowed.includes(part.name)) return refuse(`Unknown parameter "${part.name}" for ${model}`);
		if (part.name === 'sourceImage') {
			if (part.kind !== 'file') return refuse('Parameter "sourceImage" must be a file part (with a filename), not a text field');
		} else if (part.kind !== 'text') {
			return refuse(`Parameter "${part.name}" must be a text field, not a file`);
		}
	}
	for (const [name, values] of Object.entries(parsed.fields)) {
		if (values.length > 1) return refuse(`Parameter "${name}" given more than once`);
	}
	const field = (n: string): string | undefined => parsed.fields[n]?.[0];

	const prompt = field('prompt');
	if (prompt === undefined || prompt.trim() === '') return refuse('Parameter "prompt" is required and must not be empty');

	let width: number;
	let height: number;
	let imageCount = 1;
	let origseed = randomInt(0, 2 ** 31);
	// CHOICE: an optional parameter sent empty ('') is invalid, not "absent".
	const resolution = field('resolution');

	if (model === 'zimage') {
		if (resolution === undefined) [width, height] = [1024, 1024];
		else if (ZIMAGE_RATIOS.includes(resolution)) [width, height] = ZIMAGE_RATIO_SIZES[resolution];
		else {
			const rm = /^([1-9]\d*)\*([1-9]\d*)$/.exec(resolution);
			if (!rm) return refuse(`Parameter "resolution" must be W*H (with an asterisk, e.g. 1024*1024) or one of ${ZIMAGE_RATIOS.join(', ')} for zimage (got "${resolution}")`);
			[width, height] = [Number(rm[1]), Number(rm[2])];
		}
		const seed = field('seed');
		if (seed !== undefined) {
			if (!/^\d+$/.test(seed) || !Number.isSafeInteger(Number(seed))) return refuse(`Parameter "seed" must be an integer ≥ 0 (got "${seed}")`);
			origseed = Number(seed);
		}
		const extend = field('prompt_extend');
		if (extend !== undefined && extend !== '0' && extend !== '1') return refuse(`Parameter "prompt_extend" must be "0" or "1" (got "${extend}")`);
	} else {
		const category = field('category');
		if (category !== undefined && category !== model) return refuse(`Parameter "category" must be "${model}" for /v1/images/${model} (got "${category}")`);
		const batchsize = field('batchsize');
		if (batchsize !== undefined) {
			const n = Number(batchsize);
			if (!/^\d+$/.test(batchsize) || n < 1 || n > 15) return refuse(`Parameter "batchsize" must be an integer from 1 to 15 (got "${batchsize}")`);
			imageCount = n;
		}
		const sources = parsed.files.filter((f) => f.field === 'sourceImage');
		if (sources.length > MAX_SOURCE_IMAGES) return refuse(`Parameter "sourceImage": at most ${MAX_SOURCE_IMAGES} files (got ${sources.length})`);
		for (const [i, f] of sources.entries()) {
			if (!f.filename) return refuse(`Parameter "sourceImage" file #${i + 1} has no filename`);
			if (f.size === 0) return refuse(`Parameter "sourceImage" file #${i + 1} ("${f.filename}") is empty`);
		}
		// CHOICE: the file formats / pixel limits of reference images (notes) and the "reference +
		// generated ≤ 15" limit are ByteDance's, not TensorsLab's published ones: not enforced.
		// CHOICE: imageUrl together with sourceImage files is accepted (TensorsLab's client never
		// does it; the reference does not forbid it). The log shows it.
		const imageUrl = field('imageUrl');
		if (imageUrl !== undefined) {
			let ok = false;
			try {
				const u = new URL(imageUrl);
				ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
			} catch {
				ok = false;
			}
			if (!ok) return refuse(`Parameter "imageUrl" must be an http(s) URL (got "${imageUrl}")`);
		}
		// CHOICE (quickedit): whether a source is required is not known; the strict reading needs one.
		if (model === 'quickedit' && sources.length === 0 && imageUrl === undefined) {
			return refuse('Parameter "sourceImage" or "imageUrl" is required for quickedit (the image to edit)');
		}
		const levels = model === 'seedreamv4' ? [] : ['2K', '4K'];
		const ratios = model === 'seedreamv4' ? V4_RATIOS : model === 'quickedit' ? QUICKEDIT_RATIOS : V45_RATIOS;
		if (resolution === undefined) {
			// Notes: default 2K for v45/v5. CHOICE: v4 (no documented default) also reports 2048x2048.
			[width, height] = [2048, 2048];
		} else if (ratios.includes(resolution)) {
			[width, height] = SEEDREAM_RATIO_SIZES[resolution];
		} else if (levels.includes(resolution)) {
			[width, height] = resolution === '4K' ? [4096, 4096] : [2048, 2048];
		} else if (model !== 'seedreamv4') {
			const rm = /^([1-9]\d*)x([1-9]\d*)$/.exec(resolution);
			if (!rm) {
				return refuse(`Parameter "resolution" must be one of ${ratios.join(', ')}, 2K, 4K or WxH (lower-case x) for ${model} (got "${resolution}")`);
			}
			[width, height] = [Number(rm[1]), Number(rm[2])];
			const pixels = width * height;
			if (model !== 'quickedit' && (pixels < MIN_PIXELS || pixels > MAX_PIXELS)) {
				return refuse(`Parameter "resolution" ${resolution} has ${pixels} pixels; W*H must be between ${MIN_PIXELS} and ${MAX_PIXELS}`);
			}
		} else {
			return refuse(`Parameter "resolution" must be one of ${V4_RATIOS.join(', ')} for seedreamv4 (got "${resolution}")`);
		}
	}
	return { prompt, width, height, imageCount, origseed };
}

/** JSON body checks shared by status and delete: either the object, or why it is refused. */
export function checkJsonObject(
	endpoint: string,
	contentType: string | undefined,
	parsed: ParsedBody,
	allowedKeys: string[],
): { obj: Record<string, unknown> } | { refusal: string } {
	const t = mediaType(contentType);
	// CHOICE: the reference documents JSON for these endpoints; anything else is refused (9999).
	if (t !== 'application/json' && !t.endsWith('+json')) {
		return { refusal: `Content-Type must be application/json for /v1/images/${endpoint} (got ${t ? `'${t}'` : 'none'})` };
	}
	if (!parsed.jsonOk) return { refusal: 'Request body is not valid JSON' };
	const obj = parsed.json;
	if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { refusal: 'Request body must be a JSON object' };
	for (const k of Object.keys(obj)) {
		if (!allowedKeys.includes(k)) return { refusal: `Unknown parameter "${k}" for ${endpoint}` };
	}
	return { obj: obj as Record<string, unknown> };
}
