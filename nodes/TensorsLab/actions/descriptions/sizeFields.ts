/**
 * Parameter blocks that image operations share, built from rows of ../../models.ts: a model's
 * size dropdown (Resolution, or Z-Image's Size) with its Width and Height, and the source image
 * fields. Generate shows them per model (`byModel`); Edit, which has one model, shows them as they
 * are. Each operation adds its own resource/operation display options.
 */
import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { API_DEFAULT_RESOLUTION, CUSTOM_RESOLUTION } from '../../helpers/validation';
import type { ModelCapabilities, ModelId } from '../../models';

/** Each ratio under its orientation, so that a list sorted by name groups them: "Landscape 16:9". */
const ORIENTATIONS: Record<string, string> = {
	'1:1': 'Square',
	'16:9': 'Landscape',
	'9:16': 'Portrait',
	'4:3': 'Landscape',
	'3:4': 'Portrait',
	'3:2': 'Landscape',
	'2:3': 'Portrait',
	'21:9': 'Landscape',
	'9:21': 'Portrait',
};

export function ratioName(ratio: string): string {
	return `${ORIENTATIONS[ratio] ?? ''} ${ratio}`.trim();
}

/** n8n's guideline: options in alphabetical order of their names. */
export function byName<T extends { name: string }>(options: T[]): T[] {
	return [...options].sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

const SIZE_NAMES = { resolution: 'Resolution', zimageSize: 'Size' } as const;

/** Dropdown values are in title case: "chosen by TensorsLab" shows as "Chosen by TensorsLab". */
function titleCase(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function sizeOptions(model: ModelCapabilities): INodePropertyOptions[] {
	return byName([
		...(model.defaultSize.choice === API_DEFAULT_RESOLUTION
			? [{ name: `API Default (${titleCase(model.apiDefaultResolution)})`, value: API_DEFAULT_RESOLUTION, description: 'Send no resolution and let TensorsLab choose' }]
			: []),
		...model.ratios.map((ratio) => ({ name: ratioName(ratio), value: ratio })),
		...model.levels.map((level) => ({ name: level, value: level })),
		...(model.customSize ? [{ name: 'Custom Width × Height', value: CUSTOM_RESOLUTION }] : []),
	]);
}

function pixelHint(model: ModelCapabilities): string {
	const size = model.customSize;
	if (size?.minPixels === undefined || size.maxPixels === undefined) return '';
	return `Width × height must be between ${size.minPixels.toLocaleString('en-US')} and ${size.maxPixels.toLocaleString('en-US')} pixels`;
}

/** The size dropdown of every model with fixed choices, then Width and Height for those with a custom size. */
export function sizeFields(models: readonly ModelCapabilities[], byModel: boolean): INodeProperties[] {
	const shown = (ids: ModelId[], show: IDisplayOptions['show'] = {}) => {
		const all = { ...(byModel ? { model: ids } : {}), ...show };
		return Object.keys(all).length ? { displayOptions: { show: all } } : {};
	};
	const choosers = models.filter((model) => !model.byId);
	const dropdowns = choosers.map((model): INodeProperties => {
		const choice = model.defaultSize.choice;
		return {
			displayName: SIZE_NAMES[model.sizeParameter],
			name: model.sizeParameter,
			type: 'options',
			options: sizeOptions(model),
			default: choice,
			description: pixelHint(model) ? `Aspect ratio or size of the images. ${pixelHint(model)}.` : 'Aspect ratio or size of the images',
			...shown([model.id]),
		};
	});
	// One Width and one Height for models that share the size parameter and its defaults, so a
	// value carries over when the model changes.
	const groups = new Map<string, ModelCapabilities[]>();
	for (const model of choosers.filter((m) => m.customSize !== null)) {
		const key = `${model.sizeParameter} ${model.defaultSize.width} ${model.defaultSize.height}`;
		groups.set(key, [...(groups.get(key) ?? []), model]);
	}
	const sizes = [...groups.values()].flatMap((group) =>
		(['width', 'height'] as const).map((name): INodeProperties => {
			const pixels = group[0].defaultSize[name];
			return {
				displayName: name === 'width' ? 'Width' : 'Height',
				name,
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: pixels,
				description: `Image ${name} in pixels`,
				hint: group.map(pixelHint).find((hint) => hint) ?? undefined,
				...shown(
					group.map((model) => model.id),
					{ [group[0].sizeParameter]: [CUSTOM_RESOLUTION] },
				),
			};
		}),
	);
	return [...dropdowns, ...sizes];
}

/**
 * Input Binary Fields (the source images) and Source Image URL, with the operation's own
 * descriptions; `single` where the model takes one source image (the parameter name stays the same).
 */
export function sourceImageFields(
	descriptions: { binary: string; url: string },
	options: { single?: boolean; show?: IDisplayOptions['show'] } = {},
): INodeProperties[] {
	const displayOptions = options.show ? { displayOptions: { show: options.show } } : {};
	return [
		{
			displayName: options.single ? 'Input Binary Field' : 'Input Binary Fields',
			name: 'binaryPropertyNames',
			type: 'string',
			default: '',
			placeholder: options.single ? 'e.g. data' : 'e.g. data, image2',
			description: descriptions.binary,
			...displayOptions,
		},
		{
			displayName: 'Source Image URL',
			name: 'imageUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/image.png',
			description: descriptions.url,
			...displayOptions,
		},
	];
}
