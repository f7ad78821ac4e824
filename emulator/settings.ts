/**
 * The emulator's options (what `startEmulator` and `configure` take), their defaults, and the
 * resolved settings the servers run with.
 */

export const DEFAULT_API_KEY = 'tl-emulator-key';
export const DEFAULT_NO_CREDITS_KEY = 'tl-no-credits-key';

export interface EmulatorOptions {
	/** Interface to listen on. Default '127.0.0.1'. */
	host?: string;
	/** API port, default 0 (random). */
	port?: number;
	/** Image origin port, default 0 (random). A different port = a different origin. */
	imagePort?: number;
	/** Valid API key. Default 'tl-emulator-key'. */
	apiKey?: string;
	/** Valid key whose generate requests answer {code:9000}. Default 'tl-no-credits-key'. */
	noCreditsKey?: string;
	/**
	 * Credit balance for `apiKey`. Each generate request costs its image count (batchsize, 1 for
	 * zimage); a request that would take it below 0 answers code 9000. null/undefined = unlimited.
	 */
	credits?: number | null;
	/** Time a new task stays image_status 1 (default 30 ms). */
	queuedMs?: number;
	/** Then image_status 2 for this long (default 120 ms), then 3 (or 4 with a failTask fault). */
	processingMs?: number;
	/** Pixel size of the PNG files actually served (default 64x64). Reported width/height stay the requested ones. */
	imageWidth?: number;
	imageHeight?: number;
	/** If set, each served PNG is padded (still a valid PNG) to about this many bytes, and streamed. */
	imageBytes?: number | null;
	/** Time a video task reports task_status 5 (uploading) after processing (default 20 ms). */
	uploadingMs?: number;
	/** If set, each served MP4 is padded (still a valid MP4) to exactly this many bytes; default the 2 KB sample. */
	videoBytes?: number | null;
	/**
	 * Host name written into the URLs the emulator hands out (`url`, `imageOrigin`, task url[]).
	 * Default: `host`, or 127.0.0.1 when listening on 0.0.0.0 / ::. (Addition to the brief, for
	 * an n8n running in a container: e.g. 'host.docker.internal'.)
	 */
	publicHost?: string;
}

/** Current settings, all resolved (ports are the real, bound ones). */
export interface EmulatorSettings {
	host: string;
	port: number;
	imagePort: number;
	apiKey: string;
	noCreditsKey: string;
	credits: number | null;
	queuedMs: number;
	processingMs: number;
	imageWidth: number;
	imageHeight: number;
	imageBytes: number | null;
	uploadingMs: number;
	videoBytes: number | null;
	publicHost: string;
}

/** The options with every default filled in, checked. */
export function resolveSettings(options: EmulatorOptions): EmulatorSettings {
	const host = options.host ?? '127.0.0.1';
	const settings: EmulatorSettings = {
		host,
		port: options.port ?? 0,
		imagePort: options.imagePort ?? 0,
		apiKey: options.apiKey ?? DEFAULT_API_KEY,
		noCreditsKey: options.noCreditsKey ?? DEFAULT_NO_CREDITS_KEY,
		credits: options.credits ?? null,
		queuedMs: options.queuedMs ?? 30,
		processingMs: options.processingMs ?? 120,
		imageWidth: options.imageWidth ?? 64,
		imageHeight: options.imageHeight ?? 64,
		imageBytes: options.imageBytes ?? null,
		uploadingMs: options.uploadingMs ?? 20,
		videoBytes: options.videoBytes ?? null,
		publicHost: options.publicHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
	};
	checkSettings(settings);
	return settings;
}

/** The settings after `configure(patch)`, checked; host and ports cannot change after start. */
export function patchSettings(current: EmulatorSettings, patch: Partial<EmulatorOptions>): EmulatorSettings {
	const next: EmulatorSettings = { ...current };
	for (const k of ['host', 'port', 'imagePort', 'publicHost'] as const) {
		if (patch[k] !== undefined && patch[k] !== current[k]) throw new Error(`Emulator option ${k} cannot change after start`);
	}
	if (patch.apiKey !== undefined) next.apiKey = patch.apiKey;
	if (patch.noCreditsKey !== undefined) next.noCreditsKey = patch.noCreditsKey;
	if ('credits' in patch) next.credits = patch.credits ?? null;
	if (patch.queuedMs !== undefined) next.queuedMs = patch.queuedMs;
	if (patch.processingMs !== undefined) next.processingMs = patch.processingMs;
	if (patch.imageWidth !== undefined) next.imageWidth = patch.imageWidth;
	if (patch.imageHeight !== undefined) next.imageHeight = patch.imageHeight;
	if ('imageBytes' in patch) next.imageBytes = patch.imageBytes || null;
	if (patch.uploadingMs !== undefined) next.uploadingMs = patch.uploadingMs;
	if ('videoBytes' in patch) next.videoBytes = patch.videoBytes || null;
	checkSettings(next);
	return next;
}

function checkSettings(s: EmulatorSettings): void {
	const nonNegInt = (k: keyof EmulatorSettings) => {
		const v = s[k];
		if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`Emulator option ${k} must be an integer ≥ 0`);
	};
	nonNegInt('queuedMs');
	nonNegInt('processingMs');
	nonNegInt('uploadingMs');
	if (s.videoBytes !== null && (!Number.isFinite(s.videoBytes) || s.videoBytes < 0)) throw new Error('Emulator option videoBytes must be a number ≥ 0 or null');
	for (const k of ['imageWidth', 'imageHeight'] as const) {
		if (!Number.isInteger(s[k]) || s[k] < 1 || s[k] > 8192) throw new Error(`Emulator option ${k} must be an integer 1..8192`);
	}
	if (s.imageBytes !== null && (!Number.isFinite(s.imageBytes) || s.imageBytes < 0)) throw new Error('Emulator option imageBytes must be a number ≥ 0 or null');
	if (s.credits !== null && (!Number.isFinite(s.credits) || s.credits < 0)) throw new Error('Emulator option credits must be a number ≥ 0 or null');
	if (!s.apiKey || !s.noCreditsKey || s.apiKey === s.noCreditsKey) throw new Error('Emulator keys must be non-empty and different');
}
