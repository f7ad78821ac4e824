/**
 * The image generation parameters, shared by Generate and Generate and Wait. Which ones show for
 * which model, their options and their limits are generated from the capability table in
 * ../../models.ts. Each operation adds its own resource/operation display options.
 */
import type { INodeProperties } from 'n8n-workflow';

import { GENERATE_MODEL_IDS, MODELS, MODEL_IDS, type ModelCapabilities } from '../../models';
import { byName, sizeFields, sourceImageFields } from './sizeFields';

const offered = GENERATE_MODEL_IDS.map((id) => MODELS[id]);
const modelsWhere = (test: (model: ModelCapabilities) => boolean) => offered.filter(test).map((model) => model.id);

const largestBatch = Math.max(...MODEL_IDS.map((id) => MODELS[id].maxBatchSize ?? 1));

/**
 * Model ID, Batch Size and Resolution of "Other (by ID)": sent as given, nothing sent when empty.
 * Each comes before the same-named field of the known models: where n8n cannot tell which one
 * shows (a Model from an expression), the last one's default applies, as it did before.
 */
function byIdFields(): Record<'modelId' | 'batchSize' | 'resolution', INodeProperties> {
	const show = { show: { model: modelsWhere((m) => m.byId) } };
	return {
		modelId: {
			displayName: 'Model ID',
			name: 'modelId',
			type: 'string',
			// Not `required`: n8n would then demand it whenever Model is an expression (it shows
			// every field it cannot rule out), breaking such workflows; the node refuses it empty.
			default: '',
			placeholder: 'e.g. seedreamv6',
			description:
				"The model's name in TensorsLab's API, the last part of its path (seedreamv6 for /v1/images/seedreamv6): lower-case letters and digits only. The node checks only what holds for every model; TensorsLab checks the rest.",
			displayOptions: show,
		},
		batchSize: {
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: '',
			description: "How many images to ask for, sent as the API's batchsize. Leave empty to send none. Each image costs credits.",
			displayOptions: show,
		},
		resolution: {
			displayName: 'Resolution',
			name: 'resolution',
			type: 'string',
			default: '',
			placeholder: 'e.g. 16:9, 2K or 2048x2048',
			description: 'Sent exactly as typed; leave empty to send none',
			displayOptions: show,
		},
	};
}

/** Seed, as image and video generation both offer it (the API's range; empty = random). */
export function seedField(): INodeProperties {
	return {
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2147483647, numberPrecision: 0 },
		default: '',
		description: 'Fixed seed to make results reproducible. Leave empty for a random seed.',
	};
}

export function generationFields(): INodeProperties[] {
	const byId = byIdFields();
	return [
		{
			displayName: 'Model',
			name: 'model',
			type: 'options',
			noDataExpression: false,
			options: byName(GENERATE_MODEL_IDS.map((id) => ({ name: MODELS[id].displayName, value: id, description: MODELS[id].description }))),
			default: 'seedreamv45',
			description: 'The TensorsLab model that generates the image',
		},
		byId.modelId,
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
		byId.batchSize,
		{
			displayName: 'Batch Size',
			name: 'batchSize',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: largestBatch, numberPrecision: 0 },
			default: 1,
			description: `How many images to generate from this prompt (1–${largestBatch}). Each image costs credits.`,
			displayOptions: { show: { model: modelsWhere((m) => m.maxBatchSize !== null && !m.byId) } },
		},
		byId.resolution,
		...sizeFields(offered, true),
		{ ...seedField(), displayOptions: { show: { model: modelsWhere((m) => m.seed !== null) } } },
		{
			displayName: 'Prompt Extend',
			name: 'promptExtend',
			type: 'boolean',
			default: false,
			description: 'Whether TensorsLab should enrich the prompt before generating',
			displayOptions: { show: { model: modelsWhere((m) => m.promptExtend) } },
		},
		...sourceImageFields(
			{
				binary:
					"For image-to-image: comma-separated names of the input item's binary fields, each sent as a source image. Leave empty for text-to-image.",
				url: "For image-to-image: a public http(s) URL of the source image, sent exactly as typed. Use this or 'Input Binary Fields', not both.",
			},
			{ show: { model: modelsWhere((m) => m.maxSourceImages !== null) } },
		),
	];
}
