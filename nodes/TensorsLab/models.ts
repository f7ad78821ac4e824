/**
 * What each TensorsLab model accepts, as data. The UI options (resolution dropdowns, which
 * fields show) and the validation that runs before any request both read this table, so adding
 * a model is one row here. What each row follows, and the choices made where TensorsLab's sources
 * differ, is in docs/tensorslab-api.md; where a row departs from the obvious reading it says why.
 */

export type ModelId = 'seedreamv45' | 'seedreamv5' | 'seedreamv4' | 'zimage';

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
	endpoint: string;
	/** Aspect ratios offered in the Resolution dropdown. */
	ratios: readonly string[];
	/** Named levels such as 2K and 4K. */
	levels: readonly string[];
	/** Custom W×H support, or null where the model takes only the listed values. */
	customSize: CustomSize | null;
	/**
	 * True where width and height are always sent (Z-Image has no dropdown: its size is W*H).
	 * The default 1024×1024 is the API's own documented default, so it is safe to send.
	 */
	sizeAlwaysCustom: boolean;
	/** The API's default when resolution is not sent; shown to the user, never sent by us. */
	apiDefaultResolution: string;
	/** Largest batchsize, or null where the model makes one image and takes no batchsize field. */
	maxBatchSize: number | null;
	/** Largest number of sourceImage files, or null where the model takes no source image. */
	maxSourceImages: number | null;
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

export const MODELS: Readonly<Record<ModelId, ModelCapabilities>> = {
	seedreamv45: {
		id: 'seedreamv45',
		displayName: 'SeeDream V4.5',
		description: 'General purpose, highest quality output',
		endpoint: '/v1/images/seedreamv45',
		ratios: ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3'],
		levels: ['2K', '4K'],
		customSize: { separator: 'x', ...SEEDREAM_HIGH_RES },
		sizeAlwaysCustom: false,
		apiDefaultResolution: '2K',
		maxBatchSize: 15,
		maxSourceImages: MAX_REFERENCE_IMAGES,
		seed: null,
		promptExtend: false,
	},
	seedreamv5: {
		id: 'seedreamv5',
		displayName: 'SeeDream V5 Lite',
		// Not in the reference; TensorsLab's documentation lists it with V4.5's parameters.
		description: 'Newest SeeDream; slower and more expensive than V4.5',
		endpoint: '/v1/images/seedreamv5',
		ratios: ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3'],
		levels: ['2K', '4K'],
		customSize: { separator: 'x', ...SEEDREAM_HIGH_RES },
		sizeAlwaysCustom: false,
		apiDefaultResolution: '2K',
		maxBatchSize: 15,
		maxSourceImages: MAX_REFERENCE_IMAGES,
		seed: null,
		promptExtend: false,
	},
	seedreamv4: {
		id: 'seedreamv4',
		displayName: 'SeeDream V4',
		description: 'Faster generation with good quality',
		endpoint: '/v1/images/seedreamv4',
		// The reference lists only these five ratios. TensorsLab's own client also sends 2K to V4,
		// but the reference wins, so V4 offers neither levels nor custom sizes.
		ratios: ['1:1', '16:9', '9:16', '4:3', '3:4'],
		levels: [],
		customSize: null,
		sizeAlwaysCustom: false,
		apiDefaultResolution: 'chosen by TensorsLab',
		maxBatchSize: 15,
		maxSourceImages: MAX_REFERENCE_IMAGES,
		seed: null,
		promptExtend: false,
	},
	zimage: {
		id: 'zimage',
		displayName: 'Z-Image',
		description: 'Specific artistic styles; one PNG per request, reproducible with a seed',
		endpoint: '/v1/images/zimage',
		// The notes say Z-Image also accepts five ratios, but the reference documents only W*H,
		// so the node always sends width*height (default 1024*1024, the API's own default).
		ratios: [],
		levels: [],
		customSize: { separator: '*' },
		sizeAlwaysCustom: true,
		apiDefaultResolution: '1024*1024',
		maxBatchSize: null,
		maxSourceImages: null,
		// The reference says only "integer". We accept 0 to 2,147,483,647 (a signed 32-bit
		// integer), the range every seed-taking backend accepts, so no credits go to a rejection.
		seed: { min: 0, max: 2_147_483_647 },
		promptExtend: true,
	},
};

export const MODEL_IDS = Object.keys(MODELS) as ModelId[];

export function isModelId(value: unknown): value is ModelId {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MODELS, value);
}
