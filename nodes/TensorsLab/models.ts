/**
 * What each TensorsLab model accepts, as data. The UI options (resolution dropdowns, which
 * fields show) and the validation that runs before any request both read this table, so adding
 * a model is one row here. What each row follows, and the choices made where TensorsLab's sources
 * differ, is in docs/tensorslab-api.md; where a row departs from the obvious reading it says why.
 */

export type ModelId = 'seedreamv45' | 'seedreamv5' | 'seedreamv4' | 'zimage' | 'custom' | 'quickedit';

/** Where a row is offered: in Generate's Model dropdown, or as the one model of Image → Edit. */
export type ModelOperation = 'generate' | 'edit';

/** The parameter that holds a model's size choice: the Resolution dropdown, or Z-Image's Size. */
export type SizeParameter = 'resolution' | 'zimageSize';

interface PixelBounds {
	/** Inclusive bounds on width × height. */
	minPixels?: number;
	maxPixels?: number;
}

export interface CustomSize extends PixelBounds {
	/** How the API wants W and H joined: `2048x2048` for SeeDream, `1024*1024` for Z-Image. */
	separator: 'x' | '*';
}

export interface ModelCapabilities {
	id: ModelId;
	displayName: string;
	description: string;
	operation: ModelOperation;
	/** The request path; for a row `byId`, the prefix the user's Model ID is appended to. */
	endpoint: string;
	/**
	 * "Other (by ID)": a model the node does not know yet. The user names it (helpers/modelId.ts
	 * checks the name), the resolution is sent as typed, and only what holds for every model is
	 * checked; TensorsLab checks the rest.
	 */
	byId: boolean;
	sizeParameter: SizeParameter;
	/**
	 * What an unset size choice means, and the width and height the Custom fields show. 'apiDefault'
	 * sends no resolution; 'custom' sends width × height (Z-Image, whose documented form is W*H,
	 * 1024*1024 by default; a width or height there that is not the default cannot go with a ratio).
	 */
	defaultSize: { choice: 'apiDefault' | 'custom'; width: number; height: number };
	/** Aspect ratios offered in the size dropdown. */
	ratios: readonly string[];
	/** Named levels such as 2K and 4K. */
	levels: readonly string[];
	/** Custom W×H support, or null where the model takes only the listed values. */
	customSize: CustomSize | null;
	/** The API's default when resolution is not sent; shown to the user, never sent by us. */
	apiDefaultResolution: string;
	/** Largest batchsize (Infinity: no limit known), or null where the model takes no batchsize field. */
	maxBatchSize: number | null;
	/** Largest number of sourceImage files (Infinity: no limit known), or null where the model takes none. */
	maxSourceImages: number | null;
	/** Whether one source image (a file or a URL) is required. */
	sourceRequired: boolean;
	/** Inclusive seed range, or null where the model takes no seed. */
	seed: { min: number; max: number } | null;
	/** Whether the model takes `prompt_extend`. */
	promptExtend: boolean;
}

// The 3,686,400–16,777,216 pixel bounds are the reference's, stated for SeeDream V4.5; the notes
// say V5 Lite takes the same parameters, so it gets the same bounds.
const SEEDREAM_HIGH_RES: PixelBounds = { minPixels: 3_686_400, maxPixels: 16_777_216 };

// ByteDance documents at most 14 reference images per Seedream request (notes); TensorsLab
// publishes no figure of its own, so 14 is the limit we enforce before spending credits.
const MAX_REFERENCE_IMAGES = 14;

const SEEDREAM_DEFAULT_SIZE = { choice: 'apiDefault', width: 2048, height: 2048 } as const;

export const MODELS: Readonly<Record<ModelId, ModelCapabilities>> = {
	seedreamv45: {
		id: 'seedreamv45',
		displayName: 'SeeDream V4.5',
		description: 'Highest quality output, slower than V4',
		operation: 'generate',
		endpoint: '/v1/images/seedreamv45',
		byId: false,
		sizeParameter: 'resolution',
		defaultSize: SEEDREAM_DEFAULT_SIZE,
		ratios: ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3'],
		levels: ['2K', '4K'],
		customSize: { separator: 'x', ...SEEDREAM_HIGH_RES },
		apiDefaultResolution: '2K',
		maxBatchSize: 15,
		maxSourceImages: MAX_REFERENCE_IMAGES,
		sourceRequired: false,
		seed: null,
		promptExtend: false,
	},
	seedreamv5: {
		id: 'seedreamv5',
		displayName: 'SeeDream V5 Lite',
		// TensorsLab's newest reference documents it with V4.5's parameters; its own client calls it
		// slower and more expensive than V4 (docs/tensorslab-api.md).
		description: 'Newest SeeDream, slower than V4 and costs more',
		operation: 'generate',
		endpoint: '/v1/images/seedreamv5',
		byId: false,
		sizeParameter: 'resolution',
		defaultSize: SEEDREAM_DEFAULT_SIZE,
		ratios: ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3'],
		levels: ['2K', '4K'],
		customSize: { separator: 'x', ...SEEDREAM_HIGH_RES },
		apiDefaultResolution: '2K',
		maxBatchSize: 15,
		maxSourceImages: MAX_REFERENCE_IMAGES,
		sourceRequired: false,
		seed: null,
		promptExtend: false,
	},
	seedreamv4: {
		id: 'seedreamv4',
		displayName: 'SeeDream V4',
		description: "Fastest SeeDream, with good quality. TensorsLab's own default.",
		operation: 'generate',
		endpoint: '/v1/images/seedreamv4',
		byId: false,
		sizeParameter: 'resolution',
		defaultSize: SEEDREAM_DEFAULT_SIZE,
		// The reference lists only these five ratios. TensorsLab's own client also sends 2K to V4,
		// but the reference wins, so V4 offers neither levels nor custom sizes.
		ratios: ['1:1', '16:9', '9:16', '4:3', '3:4'],
		levels: [],
		customSize: null,
		apiDefaultResolution: 'chosen by TensorsLab',
		maxBatchSize: 15,
		maxSourceImages: MAX_REFERENCE_IMAGES,
		sourceRequired: false,
		seed: null,
		promptExtend: false,
	},
	zimage: {
		id: 'zimage',
		displayName: 'Z-Image',
		description: 'The cheapest. One PNG per request, in specific artistic styles, reproducible with a seed.',
		operation: 'generate',
		endpoint: '/v1/images/zimage',
		byId: false,
		// The reference documents only W*H; TensorsLab's documentation also accepts these five
		// ratios. Width × height stays the default (1024*1024, the API's own), so workflows made
		// before the Size choice existed send what they always sent.
		sizeParameter: 'zimageSize',
		defaultSize: { choice: 'custom', width: 1024, height: 1024 },
		ratios: ['1:1', '16:9', '9:16', '4:3', '3:4'],
		levels: [],
		customSize: { separator: '*' },
		apiDefaultResolution: '1024*1024',
		maxBatchSize: null,
		maxSourceImages: null,
		sourceRequired: false,
		// The reference says only "integer". We accept 0 to 2,147,483,647 (a signed 32-bit
		// integer), the range every seed-taking backend accepts, so no credits go to a rejection.
		seed: { min: 0, max: 2_147_483_647 },
		promptExtend: true,
	},
	custom: {
		id: 'custom',
		displayName: 'Other (by ID)',
		description: 'A TensorsLab model this node does not know yet, by its ID; only checks that hold for every model',
		operation: 'generate',
		endpoint: '/v1/images/',
		byId: true,
		sizeParameter: 'resolution',
		defaultSize: { choice: 'apiDefault', width: 2048, height: 2048 },
		ratios: [],
		levels: [],
		customSize: null,
		apiDefaultResolution: 'chosen by TensorsLab',
		maxBatchSize: Infinity,
		maxSourceImages: Infinity,
		sourceRequired: false,
		seed: null,
		promptExtend: false,
	},
	quickedit: {
		id: 'quickedit',
		displayName: 'Quick Edit',
		// Not in TensorsLab's documentation: what is known comes from TensorsLab's own client
		// (docs/tensorslab-api.md, "Image edit (quick edit)"), including 21:9 and 9:21.
		description: 'Edit one image by an instruction: another aspect ratio, an object erased, the background removed',
		operation: 'edit',
		endpoint: '/v1/images/quickedit',
		byId: false,
		sizeParameter: 'resolution',
		defaultSize: { choice: 'apiDefault', width: 2048, height: 2048 },
		ratios: ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9', '9:21'],
		levels: ['2K', '4K'],
		// No pixel bounds are known for quick edit, so none are enforced; TensorsLab decides.
		customSize: { separator: 'x' },
		apiDefaultResolution: 'chosen by TensorsLab',
		maxBatchSize: null,
		// How many source images it takes is not known: exactly one is the safe reading.
		maxSourceImages: 1,
		sourceRequired: true,
		seed: null,
		promptExtend: false,
	},
};

const ALL_IDS = Object.keys(MODELS) as ModelId[];

/** The models of Generate's Model dropdown, in its order ("Other (by ID)" last). */
export const GENERATE_MODEL_IDS = ALL_IDS.filter((id) => MODELS[id].operation === 'generate');

/** The models the node knows by name and offers in Generate (the dropdown without "Other (by ID)"). */
export const MODEL_IDS = GENERATE_MODEL_IDS.filter((id) => !MODELS[id].byId);

/** The one model of Image → Edit. */
export const EDIT_MODEL_ID = ALL_IDS.find((id) => MODELS[id].operation === 'edit')!;

export function isModelId(value: unknown): value is ModelId {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MODELS, value);
}
