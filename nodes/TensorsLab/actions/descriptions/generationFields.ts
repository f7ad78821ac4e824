/**
 * The image generation parameters, shared by Generate and Generate and Wait. Which ones show for
 * which model, their options and their limits are generated from the capability table in
 * ../../models.ts. Each operation adds its own resource/operation display options.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MODELS, MODEL_IDS, type ModelCapabilities } from '../../models';
import { API_DEFAULT_RESOLUTION, CUSTOM_RESOLUTION } from '../../helpers/validation';

const modelsWhere = (test: (model: ModelCapabilities) => boolean) => MODEL_IDS.filter((id) => test(MODELS[id]));

const RATIO_NAMES: Record<string, string> = {
	'1:1': 'Square',
	'16:9': 'Landscape',
	'9:16': 'Portrait',
	'4:3': 'Landscape',
	'3:4': 'Portrait',
	'3:2': 'Landscape',
	'2:3': 'Portrait',
};

function resolutionOptions(model: ModelCapabilities): INodePropertyOptions[] {
	return [
		{
			name: `API Default (${model.apiDefaultResolution})`,
			value: API_DEFAULT_RESOLUTION,
			description: 'Send no resolution and let TensorsLab choose',
		},
		...model.ratios.map((ratio) => ({ name: `${ratio} ${RATIO_NAMES[ratio] ?? ''}`.trim(), value: ratio })),
		...model.levels.map((level) => ({ name: level, value: level })),
		...(model.customSize ? [{ name: 'Custom Width × Height', value: CUSTOM_RESOLUTION }] : []),
	];
}

function pixelHint(model: ModelCapabilities): string {
	const size = model.customSize;
	if (size?.minPixels === undefined || size.maxPixels === undefined) return '';
	return `Width × height must be between ${size.minPixels.toLocaleString('en-US')} and ${size.maxPixels.toLocaleString('en-US')} pixels`;
}

const largestBatch = Math.max(...MODEL_IDS.map((id) => MODELS[id].maxBatchSize ?? 1));

export function generationFields(): INodeProperties[] {
	const seedreamIds = modelsWhere((m) => m.maxBatchSize !== null);
	const sourceImageIds = modelsWhere((m) => m.maxSourceImages !== null);
	const customIds = modelsWhere((m) => m.customSize !== null && !m.sizeAlwaysCustom);
	const alwaysSizeIds = modelsWhere((m) => m.sizeAlwaysCustom);
	const seedIds = modelsWhere((m) => m.seed !== null);
	const extendIds = modelsWhere((m) => m.promptExtend);
	return [
		{
			displayName: 'Model',
			name: 'model',
			type: 'options',
			noDataExpression: false,
			options: MODEL_IDS.map((id) => ({ name: MODELS[id].displayName, value: id, description: MODELS[id].description })),
			default: 'seedreamv45',
			description: 'The TensorsLab model that generates the image',
					},
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			required: true,
			placeholder: 'e.g. A lighthouse on a cliff at sunset, oil painting',
			description: 'Text description of the image to generate. Sent exactly as written.',
					},
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: largestBatch, numberPrecision: 0 },
			default: 1,
			description: `How many images to generate from this prompt (1–${largestBatch}). Each image costs credits.`,
			displayOptions: { show: { model: seedreamIds } },
		},
		...MODEL_IDS.filter((id) => !MODELS[id].sizeAlwaysCustom).map(
			(id): INodeProperties => ({
				displayName: 'Resolution',
				name: 'resolution',
				type: 'options',
				options: resolutionOptions(MODELS[id]),
				default: API_DEFAULT_RESOLUTION,
				description: `Aspect ratio or size of the images. ${pixelHint(MODELS[id])}`.trim(),
				displayOptions: { show: { model: [id] } },
			}),
		),
		...[
			{ ids: customIds, extra: { resolution: [CUSTOM_RESOLUTION] }, defaultSize: 2048 },
			{ ids: alwaysSizeIds, extra: {}, defaultSize: 1024 },
		].flatMap(({ ids, extra, defaultSize }): INodeProperties[] =>
			(['width', 'height'] as const).map((name) => ({
				displayName: name === 'width' ? 'Width' : 'Height',
				name,
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: defaultSize,
				description: `Image ${name} in pixels`,
				hint: ids.map((id) => pixelHint(MODELS[id])).find((hint) => hint) ?? undefined,
				displayOptions: { show: { model: ids, ...extra } },
			})),
		),
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 2147483647, numberPrecision: 0 },
			default: '',
			description: 'Fixed seed to make results reproducible. Leave empty for a random seed.',
			displayOptions: { show: { model: seedIds } },
		},
		{
			displayName: 'Prompt Extend',
			name: 'promptExtend',
			type: 'boolean',
			default: false,
			description: 'Whether TensorsLab should enrich the prompt before generating',
			displayOptions: { show: { model: extendIds } },
		},
		{
			displayName: 'Source Image Binary Properties',
			name: 'binaryPropertyNames',
			type: 'string',
			default: '',
			placeholder: 'e.g. data, image2',
			description:
				'For image-to-image: comma-separated names of binary properties of the input item, each sent as a source image. Leave empty for text-to-image.',
			displayOptions: { show: { model: sourceImageIds } },
		},
		{
			displayName: 'Source Image URL',
			name: 'imageUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/photo.jpg',
			description: 'For image-to-image: a public http(s) URL of the source image. Use this or binary properties, not both.',
			displayOptions: { show: { model: sourceImageIds } },
		},
	];
}
