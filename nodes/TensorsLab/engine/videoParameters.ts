/**
 * Reads one item's Video parameters (and its source image binaries) into a checked request.
 * Every parameter is read whatever the model, so that a value the model cannot take (set by an
 * expression or an agent) is refused rather than silently dropped.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { SubmitRequest } from '../helpers/multipart';
import { buildVideoRequest } from '../helpers/videoValidation';
import { readSourceImages } from './generateParameters';

export async function readVideoRequest(ctx: IExecuteFunctions, itemIndex: number): Promise<SubmitRequest> {
	const parameter = (name: string, fallback: unknown = '') => ctx.getNodeParameter(name, itemIndex, fallback as never) as unknown;
	const names = String(parameter('binaryPropertyNames') ?? '');
	return buildVideoRequest({
		model: parameter('model', 'seedancev2'),
		prompt: parameter('prompt'),
		ratio: parameter('ratio'),
		duration: parameter('duration'),
		videoResolution: parameter('videoResolution'),
		// In the Additional Fields collection, where the panel puts the fields few workflows set.
		fps: parameter('additionalFields.fps'),
		seed: parameter('additionalFields.seed'),
		generateAudio: parameter('additionalFields.generateAudio', false),
		returnLastFrame: parameter('additionalFields.returnLastFrame', false),
		imageUrl: parameter('imageUrl'),
		sourceImages: names.trim() ? await readSourceImages(ctx, itemIndex, names) : [],
	});
}
