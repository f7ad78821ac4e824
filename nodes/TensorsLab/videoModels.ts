/**
 * What each TensorsLab video model accepts, as data, as models.ts is for images: the Video
 * fields (which show, their ranges and options) and the checks that run before any request both
 * read this table. See docs/video-api.md for the sources and the choices made where they differ.
 */

export type VideoModelId = 'seedancev2' | 'seedancev15pro' | 'seedancev1profast';

export interface VideoModel {
	id: VideoModelId;
	displayName: string;
	description: string;
	endpoint: string;
	/** Inclusive range of `duration`, in whole seconds. */
	duration: { min: number; max: number };
	/** The `resolution` values it takes. */
	resolutions: readonly string[];
	/** Whether it takes `generate_audio=1` and `return_last_frame=1`. */
	audio: boolean;
	lastFrame: boolean;
}

/** The documented `ratio` values (TensorsLab's own client names only 9:16 and 16:9). */
export const VIDEO_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'] as const;

/** The documentation's maximum prompt length, in characters. */
export const MAX_VIDEO_PROMPT_CHARS = 8192;

/** 1–2 source images; with two, the usual meaning is first and last frame (the API does not say). */
export const MAX_VIDEO_SOURCE_IMAGES = 2;

export const VIDEO_MODELS: Readonly<Record<VideoModelId, VideoModel>> = {
	seedancev2: {
		id: 'seedancev2',
		displayName: 'SeeDance 2.0',
		description: 'Newest and much slower than the others. Up to 15 s and 1440p, with audio. Refuses human faces in source images.',
		endpoint: '/v1/video/seedancev2',
		duration: { min: 5, max: 15 },
		resolutions: ['480p', '720p', '1080p', '1440p'],
		audio: true,
		lastFrame: true,
	},
	seedancev15pro: {
		id: 'seedancev15pro',
		displayName: 'SeeDance 1.5 Pro',
		description: 'Up to 10 s and 1080p. Takes faces in source images.',
		endpoint: '/v1/video/seedancev15pro',
		duration: { min: 5, max: 10 },
		resolutions: ['480p', '720p', '1080p'],
		audio: false,
		lastFrame: false,
	},
	seedancev1profast: {
		id: 'seedancev1profast',
		displayName: 'SeeDance 1.0 Pro Fast',
		description: "Fastest, TensorsLab's own default. Up to 10 s and 1080p. Takes faces in source images.",
		endpoint: '/v1/video/seedancev1profast',
		duration: { min: 5, max: 10 },
		resolutions: ['480p', '720p', '1080p'],
		audio: false,
		lastFrame: false,
	},
};

export const VIDEO_MODEL_IDS = Object.keys(VIDEO_MODELS) as VideoModelId[];

export function isVideoModelId(value: unknown): value is VideoModelId {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(VIDEO_MODELS, value);
}
