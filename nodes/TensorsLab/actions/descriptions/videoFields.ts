/**
 * The Video generation parameters, shared by Video → Generate and Generate and Wait. Which show for
 * which model, their ranges and options come from ../../videoModels.ts. The fields most users set
 * show at the top; the rest are in an Additional Fields collection (engine/videoParameters.ts
 * reads them from there).
 */
import type { INodeProperties } from 'n8n-workflow';

import { API_DEFAULT_RESOLUTION } from '../../helpers/validation';
import { MAX_VIDEO_PROMPT_CHARS, VIDEO_MODELS, VIDEO_MODEL_IDS, VIDEO_RATIOS, type VideoModel } from '../../videoModels';
import { seedField } from './generationFields';
import { byName, ratioName } from './sizeFields';

const apiDefault = { name: 'API Default', value: API_DEFAULT_RESOLUTION, description: 'Send nothing and let TensorsLab choose' };

/**
 * Additional Fields: the optional fields few workflows set, in alphabetical order. One collection
 * for all models (n8n keeps only the options of the last same-named collection it shows, so one per
 * model would drop Generate Audio when Model is an expression); what only some models take shows
 * for those models.
 */
function additionalFields(): INodeProperties {
	const forModels = (test: (model: VideoModel) => boolean) => ({
		displayOptions: { show: { '/model': VIDEO_MODEL_IDS.filter((id) => test(VIDEO_MODELS[id])) } },
	});
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'FPS',
				name: 'fps',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 60, numberPrecision: 0 },
				default: '',
				description: "Frames per second. Leave empty for TensorsLab's default (24).",
			},
			{
				displayName: 'Generate Audio',
				name: 'generateAudio',
				type: 'boolean',
				default: false,
				description: 'Whether the video should have a soundtrack',
				...forModels((model) => model.audio),
			},
			{
				displayName: 'Return Last Frame',
				name: 'returnLastFrame',
				type: 'boolean',
				default: false,
				description: "Whether TensorsLab should also return the last frame as an image (output in binary field 'lastFrame'), e.g. to chain videos",
				...forModels((model) => model.lastFrame),
			},
			seedField(),
		],
	};
}

export function videoFields(): INodeProperties[] {
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
			options: byName([
				apiDefault,
				...VIDEO_RATIOS.map((ratio) => ({ name: ratio === 'adaptive' ? 'Adaptive (From the Source Image)' : ratioName(ratio), value: ratio })),
			]),
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
					// Kept in ascending order (480p, 720p, …), as n8n's lint keeps numeric lists: sorted
					// by name, 1080p would come before 480p. docs/ux-guidelines.md says so.
					options: [apiDefault, ...model.resolutions.map((resolution) => ({ name: resolution, value: resolution }))],
					description: 'Resolution of the video',
					default: API_DEFAULT_RESOLUTION,
					displayOptions: show,
				},
			];
		}),
		{
			displayName: 'Input Binary Fields',
			name: 'binaryPropertyNames',
			type: 'string',
			default: '',
			placeholder: 'e.g. data, lastImage',
			description:
				"For image-to-video: 1 or 2 comma-separated names of the input item's binary fields, each sent as a source image (with two, usually the first and last frame). Leave empty for text-to-video.",
		},
		{
			displayName: 'Source Image URL',
			name: 'imageUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/first.jpg, https://example.com/last.jpg',
			description:
				"For image-to-video: a public http(s) URL of the first frame, or two URLs separated by a comma: the first frame, then the last frame. Each URL is sent exactly as typed (write a comma inside a URL as %2C). Use this or 'Input Binary Fields', not both.",
		},
		additionalFields(),
	];
}
