/**
 * The Video generation parameters, shared by Video → Generate and Generate and Wait. Which show for
 * which model, their ranges and options come from ../../videoModels.ts.
 */
import type { INodeProperties } from 'n8n-workflow';

import { API_DEFAULT_RESOLUTION } from '../../helpers/validation';
import { MAX_VIDEO_PROMPT_CHARS, VIDEO_MODELS, VIDEO_MODEL_IDS, VIDEO_RATIOS } from '../../videoModels';

const modelsWhere = (test: (id: (typeof VIDEO_MODEL_IDS)[number]) => boolean) => VIDEO_MODEL_IDS.filter(test);
const apiDefault = { name: 'API Default', value: API_DEFAULT_RESOLUTION, description: 'Send nothing and let TensorsLab choose' };

export function videoFields(): INodeProperties[] {
	const withAudio = modelsWhere((id) => VIDEO_MODELS[id].audio);
	const withLastFrame = modelsWhere((id) => VIDEO_MODELS[id].lastFrame);
	return [
		{
			displayName: 'Model',
			name: 'model',
			type: 'options',
			options: VIDEO_MODEL_IDS.map((id) => ({ name: VIDEO_MODELS[id].displayName, value: id, description: VIDEO_MODELS[id].description })),
			default: 'seedancev2',
			description: 'The TensorsLab model that generates the video',
		},
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			required: true,
			placeholder: 'e.g. A lighthouse at dusk, waves rolling in, slow aerial shot',
			description: `Text description of the video to generate, at most ${MAX_VIDEO_PROMPT_CHARS} characters. Sent exactly as written.`,
		},
		{
			displayName: 'Ratio',
			name: 'ratio',
			type: 'options',
			options: [apiDefault, ...VIDEO_RATIOS.map((ratio) => ({ name: ratio === 'adaptive' ? 'Adaptive (From the Source Image)' : ratio, value: ratio }))],
			default: API_DEFAULT_RESOLUTION,
			description: 'Aspect ratio of the video',
		},
		...VIDEO_MODEL_IDS.flatMap((id): INodeProperties[] => {
			const model = VIDEO_MODELS[id];
			const show = { show: { model: [id] } };
			return [
				{
					displayName: 'Duration (Seconds)',
					name: 'duration',
					type: 'number',
					typeOptions: { minValue: model.duration.min, maxValue: model.duration.max, numberPrecision: 0 },
					default: '',
					description: `Length of the video, ${model.duration.min}–${model.duration.max} seconds. Leave empty for TensorsLab's default.`,
					displayOptions: show,
				},
				{
					displayName: 'Resolution',
					name: 'videoResolution',
					type: 'options',
					options: [apiDefault, ...model.resolutions.map((resolution) => ({ name: resolution, value: resolution }))],
					default: API_DEFAULT_RESOLUTION,
					displayOptions: show,
				},
			];
		}),
		{
			displayName: 'FPS',
			name: 'fps',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 60, numberPrecision: 0 },
			default: '',
			description: "Frames per second. Leave empty for TensorsLab's default (24).",
		},
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 2147483647, numberPrecision: 0 },
			default: '',
			description: 'Fixed seed to make results reproducible. Leave empty for a random seed.',
		},
		{
			displayName: 'Generate Audio',
			name: 'generateAudio',
			type: 'boolean',
			default: false,
			description: 'Whether the video should have a soundtrack',
			displayOptions: { show: { model: withAudio } },
		},
		{
			displayName: 'Return Last Frame',
			name: 'returnLastFrame',
			type: 'boolean',
			default: false,
			description: 'Whether TensorsLab should also return the last frame as an image (output under binary "lastFrame"), e.g. to chain videos',
			displayOptions: { show: { model: withLastFrame } },
		},
		{
			displayName: 'Source Image Binary Properties',
			name: 'binaryPropertyNames',
			type: 'string',
			default: '',
			placeholder: 'e.g. data, lastImage',
			description:
				'For image-to-video: 1 or 2 comma-separated binary properties of the input item, each sent as a source image (with two, usually the first and last frame). Leave empty for text-to-video.',
		},
		{
			displayName: 'Source Image URL',
			name: 'imageUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/photo.jpg',
			description: 'For image-to-video: a public http(s) URL of the source image. Use this or binary properties, not both.',
		},
	];
}
