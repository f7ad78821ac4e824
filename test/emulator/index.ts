/**
 * Local emulator of the TensorsLab Image API (dev only: unit tests, e2e tests against a real n8n,
 * the benchmark, and trying the node without spending credits).
 *
 * Two real HTTP servers on loopback:
 *  - the API origin (`url`): POST /v1/images/{seedreamv45,seedreamv5,seedreamv4,zimage},
 *    /v1/images/infobytaskid, /v1/images/deleteimagestask, plus unauthenticated control endpoints
 *    under /__emulator/ for out-of-process use;
 *  - the image origin (`imageOrigin`, a different port and therefore a different origin):
 *    GET /images/<taskid>/<index>.png serving real, deterministic PNG files.
 *
 * Sources: /work/shared/tensorslab-api-reference.md (primary) and tensorslab-api-notes.md. Where
 * they are silent, the choice made here is written next to the code as "CHOICE:". The emulator is
 * deliberately strict (unknown or repeated parameters are refused) so that tests catch a node that
 * sends what it should not; the real service may be more lenient.
 *
 * Only Node built-ins and web globals (Response/FormData/File) are used.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { expectedImageBytes as pngExpectedBytes, imagePieces, planImage } from './png';
import type { ImageSpec } from './png';

export { crc32, encodePng, imageColour, parsePng, PNG_SIGNATURE } from './png';
export type { ImageSpec, ParsedPng } from './png';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

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
	publicHost: string;
}

export interface RecordedFile {
	field: string;
	filename: string;
	/** The part's Content-Type header exactly as sent; '' when the part had none. */
	contentType: string;
	size: number;
	bytes: Buffer;
}

export type EndpointName =
	| 'seedreamv45'
	| 'seedreamv5'
	| 'seedreamv4'
	| 'zimage'
	| 'infobytaskid'
	| 'deleteimagestask'
	| 'image';
export type GenerateEndpoint = 'seedreamv45' | 'seedreamv5' | 'seedreamv4' | 'zimage';
export type FaultTarget = EndpointName | 'generate' | '*';

export interface RecordedRequest {
	seq: number;
	/** Date.now() at arrival. */
	time: number;
	origin: 'api' | 'images';
	method: string;
	/** Path without the query string. */
	path: string;
	/** Raw request target (path + query). Addition to the brief. */
	url: string;
	/** Raw headers, lower-case names, including authorization if sent. */
	headers: Record<string, string | string[] | undefined>;
	contentType?: string;
	/** Multipart (or urlencoded) text fields; repeated names keep all values in order. */
	fields: Record<string, string[]>;
	/** Multipart file parts in order. */
	files: RecordedFile[];
	/** Parsed JSON body (when the body was JSON and parsed). */
	json?: unknown;
	/** Why the body could not be parsed, if it could not. Addition to the brief. */
	parseError?: string;
	rawBodySize: number;
	endpoint: EndpointName | 'control' | 'unknown';
	/** The fault applied to this request, if any. Addition to the brief. */
	fault?: Fault;
	/** Set when the answer is sent; stays undefined for reset/hang faults and aborted requests. */
	response?: { status: number; code?: number };
}

export type Fault =
	| { kind: 'http'; status: number; retryAfter?: string; body?: string }
	| { kind: 'reset' }
	| { kind: 'hang' }
	| { kind: 'slow'; delayMs: number; trickle?: boolean }
	| { kind: 'malformedJson' }
	| { kind: 'redirect'; location: string; status?: number }
	| { kind: 'failTask'; message?: string }
	| { kind: 'unknownStatus'; value: number; forMs?: number }
	| { kind: 'emptyUrls' }
	| { kind: 'imageNotFound' }
	| { kind: 'badScheme'; scheme?: string }
	| { kind: 'outOfCredits' };

export type FaultKind = Fault['kind'];

export interface QueuedFault {
	target: FaultTarget;
	fault: Fault;
	/** How many more matching requests it applies to (Infinity = until cleared). */
	remaining: number;
}

export interface Emulator {
	/** API base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
	readonly url: string;
	/** Image origin, e.g. http://127.0.0.1:41235 (no trailing slash). */
	readonly imageOrigin: string;
	readonly apiKey: string;
	readonly noCreditsKey: string;
	/** Current settings; change them with configure(). */
	readonly options: Readonly<EmulatorSettings>;
	configure(patch: Partial<EmulatorOptions>): void;
	/** Every request to BOTH origins, in arrival order (control requests excluded). */
	readonly log: RecordedRequest[];
	apiRequests(endpoint?: FaultTarget): RecordedRequest[];
	imageRequests(): RecordedRequest[];
	clearLog(): void;
	inject(target: FaultTarget, fault: Fault, times?: number): void;
	clearFaults(): void;
	/** Queued faults (inspection). Addition to the brief. */
	readonly faults: readonly QueuedFault[];
	/** Clear log, faults, tasks; credits back to the option. Settings are kept. */
	reset(): void;
	readonly tasks: Map<string, EmulatedTask>;
	/** Every task not yet finished becomes finished (3, or 4 with failTask) now. */
	completeAllNow(): void;
	/** Remaining credits of apiKey (null = unlimited). Addition to the brief. */
	readonly creditsLeft: number | null;
	/** Exact bytes the image origin serves for image `index` of `taskid`. Addition to the brief. */
	expectedImageBytes(taskid: string, index: number): Buffer;
	/** Emits 'request' (RecordedRequest) when an answer was sent or the request ended. Addition. */
	readonly events: EventEmitter;
	close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Constants and pure helpers
// ---------------------------------------------------------------------------------------------

export const DEFAULT_API_KEY = 'tl-emulator-key';
export const DEFAULT_NO_CREDITS_KEY = 'tl-no-credits-key';

export const GENERATE_ENDPOINTS: readonly GenerateEndpoint[] = ['seedreamv45', 'seedreamv5', 'seedreamv4', 'zimage'];

const CODE_SUCCESS = 1000;
const CODE_NO_CREDITS = 9000;
const CODE_ERROR = 9999;

/** Maximum accepted request body. CHOICE: 512 MiB (14 reference images of up to 30 MB fit); larger → HTTP 413. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;
/** Notes: up to 14 reference images per request (ByteDance's published Seedream limit). */
const MAX_SOURCE_IMAGES = 14;
/** Reference: total pixels for WxH on seedreamv45 (and v5, same parameters per the notes). */
const MIN_PIXELS = 3_686_400;
const MAX_PIXELS = 16_777_216;

/** Reference's ratio list for seedreamv45 / seedreamv5. */
const V45_RATIOS = ['9:16', '16:9', '3:4', '4:3', '1:1', '2:3', '3:2'];
/**
 * Reference's ratio list for seedreamv4 (five ratios, no levels, no WxH).
 * CHOICE: TensorsLab's own client also sends `2K` to seedreamv4 (notes); the reference wins and the
 * emulator refuses `2K` there, so a node that sends it is caught.
 */
const V4_RATIOS = ['9:16', '16:9', '3:4', '4:3', '1:1'];
/** Notes: zimage accepts these five ratios or W*H. */
const ZIMAGE_RATIOS = ['9:16', '16:9', '1:1', '3:4', '4:3'];

/**
 * CHOICE: reported width/height for SeeDream ratios, at about 2K (≈4 MP, all inside the pixel
 * bounds). Levels: 2K → 2048x2048, 4K → 4096x4096. WxH → as given.
 */
const SEEDREAM_RATIO_SIZES: Record<string, [number, number]> = {
	'1:1': [2048, 2048],
	'16:9': [2560, 1440],
	'9:16': [1440, 2560],
	'4:3': [2304, 1728],
	'3:4': [1728, 2304],
	'3:2': [2496, 1664],
	'2:3': [1664, 2496],
};
/** CHOICE: reported width/height for zimage ratios, at about 1 MP (its default is 1024*1024). */
const ZIMAGE_RATIO_SIZES: Record<string, [number, number]> = {
	'1:1': [1024, 1024],
	'16:9': [1280, 720],
	'9:16': [720, 1280],
	'4:3': [1152, 864],
	'3:4': [864, 1152],
};

/** Parameters each model accepts (reference tables). Anything else is refused, naming it. */
const ALLOWED_FIELDS: Record<GenerateEndpoint, readonly string[]> = {
	seedreamv45: ['category', 'prompt', 'batchsize', 'resolution', 'sourceImage', 'imageUrl'],
	seedreamv5: ['category', 'prompt', 'batchsize', 'resolution', 'sourceImage', 'imageUrl'],
	seedreamv4: ['category', 'prompt', 'batchsize', 'resolution', 'sourceImage', 'imageUrl'],
	zimage: ['prompt', 'resolution', 'seed', 'prompt_extend'],
};

const TRANSPORT_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['http', 'reset', 'hang', 'slow', 'malformedJson', 'redirect']);
const GENERATE_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['failTask', 'emptyUrls', 'imageNotFound', 'badScheme', 'outOfCredits']);
const STATUS_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['unknownStatus']);
const FAULT_TARGETS: ReadonlySet<string> = new Set<string>([
	'seedreamv45', 'seedreamv5', 'seedreamv4', 'zimage', 'infobytaskid', 'deleteimagestask', 'image', 'generate', '*',
]);

function isGenerate(e: string): e is GenerateEndpoint {
	return (GENERATE_ENDPOINTS as readonly string[]).includes(e);
}

/** Does a fault queued for `target` match a request to `endpoint`? '*' matches every non-control request of both origins. */
function targetMatches(target: FaultTarget, endpoint: RecordedRequest['endpoint']): boolean {
	if (endpoint === 'control') return false;
	if (target === '*') return true;
	if (target === 'generate') return isGenerate(endpoint);
	return target === endpoint;
}

/** Can a fault of this kind take effect on this endpoint at all? */
function kindApplies(kind: FaultKind, endpoint: RecordedRequest['endpoint']): boolean {
	if (TRANSPORT_FAULTS.has(kind)) return true;
	if (GENERATE_FAULTS.has(kind)) return isGenerate(endpoint);
	if (STATUS_FAULTS.has(kind)) return endpoint === 'infobytaskid';
	return false;
}

/** Validate a fault (used by inject() and the control endpoint); throws with a clear message. */
export function validateFault(target: unknown, fault: unknown): asserts fault is Fault {
	if (typeof target !== 'string' || !FAULT_TARGETS.has(target)) throw new Error(`Unknown fault target ${JSON.stringify(target)}`);
	if (!fault || typeof fault !== 'object') throw new Error('fault must be an object with a kind');
	const f = fault as Record<string, unknown>;
	const kind = f.kind as FaultKind;
	const num = (k: string, optional: boolean) => {
		const v = f[k];
		if (v === undefined && optional) return;
		if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`fault.${k} must be a number`);
	};
	const str = (k: string, optional: boolean) => {
		const v = f[k];
		if (v === undefined && optional) return;
		if (typeof v !== 'string') throw new Error(`fault.${k} must be a string`);
	};
	switch (kind) {
		case 'http':
			num('status', false);
			if ((f.status as number) < 100 || (f.status as number) > 599) throw new Error('fault.status must be 100..599');
			str('retryAfter', true);
			str('body', true);
			break;
		case 'slow':
			num('delayMs', false);
			break;
		case 'redirect':
			str('location', false);
			num('status', true);
			break;
		case 'failTask':
			str('message', true);
			break;
		case 'unknownStatus':
			num('value', false);
			num('forMs', true);
			break;
		case 'badScheme':
			str('scheme', true);
			break;
		case 'reset':
		case 'hang':
		case 'malformedJson':
		case 'emptyUrls':
		case 'imageNotFound':
		case 'outOfCredits':
			break;
		default:
			throw new Error(`Unknown fault kind ${JSON.stringify(f.kind)}`);
	}
	const t = target as FaultTarget;
	const possible = t === '*' ? true : t === 'generate' ? !STATUS_FAULTS.has(kind) : kindApplies(kind, t);
	if (!possible) throw new Error(`Fault kind '${kind}' can never apply to target '${t}'`);
}

/** 'YYYY-MM-DD HH:mm:ss'. CHOICE: in UTC (the real service's time zone is not documented). */
function formatStartTime(ms: number): string {
	const d = new Date(ms);
	const p = (n: number) => String(n).padStart(2, '0');
	return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Task id like the reference example: 4 lower-case letters, '_', 16 hex digits. */
function newTaskId(): string {
	const letters = Array.from(randomBytes(4), (b) => String.fromCharCode(97 + (b % 26))).join('');
	return `${letters}_${randomBytes(8).toString('hex')}`;
}

function sha256(buf: Buffer): string {
	return createHash('sha256').update(buf).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------

export interface TaskFileInfo {
	field: string;
	filename: string;
	contentType: string;
	size: number;
	sha256: string;
}

export class EmulatedTask {
	readonly taskid: string;
	/** The endpoint that created it; also the `category` reported by infobytaskid. */
	readonly model: GenerateEndpoint;
	readonly createdAt: number;
	/** Until this time image_status is 1 (createdAt + queuedMs at creation). */
	queuedUntil: number;
	/** From this time the task is finished (queuedUntil + processingMs at creation). */
	doneAt: number;
	readonly fields: Record<string, string[]>;
	readonly files: TaskFileInfo[];
	readonly prompt: string;
	/** Reported (requested) size. */
	readonly width: number;
	readonly height: number;
	readonly imageCount: number;
	readonly origseed: number;
	/** Size of the PNG files served for this task (settings at creation). */
	readonly image: ImageSpec;
	/** The key that created it. */
	readonly apiKey: string;
	/** Fault attached at creation (failTask / emptyUrls / imageNotFound / badScheme). */
	readonly fault?: Fault;
	deleted = false;
	deletedAt?: number;
	/** unknownStatus fault with forMs: report `value` until `until`. */
	statusOverride?: { value: number; until: number };

	private readonly imageOrigin: string;

	constructor(init: {
		taskid: string;
		model: GenerateEndpoint;
		createdAt: number;
		queuedMs: number;
		processingMs: number;
		fields: Record<string, string[]>;
		files: TaskFileInfo[];
		prompt: string;
		width: number;
		height: number;
		imageCount: number;
		origseed: number;
		image: ImageSpec;
		apiKey: string;
		fault?: Fault;
		imageOrigin: string;
	}) {
		this.taskid = init.taskid;
		this.model = init.model;
		this.createdAt = init.createdAt;
		this.queuedUntil = init.createdAt + init.queuedMs;
		this.doneAt = this.queuedUntil + init.processingMs;
		this.fields = init.fields;
		this.files = init.files;
		this.prompt = init.prompt;
		this.width = init.width;
		this.height = init.height;
		this.imageCount = init.imageCount;
		this.origseed = init.origseed;
		this.image = init.image;
		this.apiKey = init.apiKey;
		this.fault = init.fault;
		this.imageOrigin = init.imageOrigin;
	}

	get category(): GenerateEndpoint {
		return this.model;
	}

	get failed(): boolean {
		return this.fault?.kind === 'failTask';
	}

	/** Real image_status at `now`: 1 queued, 2 processing, 3 completed, 4 failed. */
	statusAt(now = Date.now()): 1 | 2 | 3 | 4 {
		if (now < this.queuedUntil) return 1;
		if (now < this.doneAt) return 2;
		return this.failed ? 4 : 3;
	}

	get status(): 1 | 2 | 3 | 4 {
		return this.statusAt();
	}

	/** When it became 3/4 (ms), undefined while still queued/processing. */
	get completedAt(): number | undefined {
		return Date.now() >= this.doneAt ? this.doneAt : undefined;
	}

	get errorMessage(): string | undefined {
		return this.fault?.kind === 'failTask' ? (this.fault.message ?? 'Generation failed: emulated failure') : undefined;
	}

	/** The http(s) URL of image `index` on the image origin (whether or not it is advertised). */
	imageUrl(index: number): string {
		return `${this.imageOrigin}/images/${this.taskid}/${index}.png`;
	}

	/** url[] as reported once completed (respecting emptyUrls / badScheme faults). */
	completedUrls(): string[] {
		if (this.fault?.kind === 'emptyUrls') return [];
		const urls = Array.from({ length: this.imageCount }, (_, i) => this.imageUrl(i));
		if (this.fault?.kind === 'badScheme') {
			// CHOICE: 'file' gives file:///tmp/tensorslab-emulator/<taskid>/<i>.png; any other scheme
			// (default 'ftp') replaces "http" in the normal URL, e.g. ftp://127.0.0.1:port/images/...
			const scheme = (this.fault.scheme ?? 'ftp').replace(/:(\/\/)?$/, '').toLowerCase();
			if (scheme === 'file') return urls.map((_, i) => `file:///tmp/tensorslab-emulator/${this.taskid}/${i}.png`);
			return urls.map((u) => u.replace(/^http:/, `${scheme}:`));
		}
		return urls;
	}

	/** Does the image origin serve image `index` now? Only advertised http URLs of completed, live tasks. */
	servesImage(index: number, now = Date.now()): boolean {
		if (this.deleted || this.statusAt(now) !== 3) return false;
		if (this.fault && ['emptyUrls', 'imageNotFound', 'badScheme'].includes(this.fault.kind)) return false;
		return Number.isInteger(index) && index >= 0 && index < this.imageCount;
	}

	toJSON(): Record<string, unknown> {
		return {
			taskid: this.taskid,
			model: this.model,
			category: this.category,
			createdAt: this.createdAt,
			queuedUntil: this.queuedUntil,
			doneAt: this.doneAt,
			completedAt: this.completedAt,
			status: this.status,
			prompt: this.prompt,
			width: this.width,
			height: this.height,
			imageCount: this.imageCount,
			origseed: this.origseed,
			fields: this.fields,
			files: this.files,
			image: this.image,
			fault: this.fault,
			deleted: this.deleted,
			deletedAt: this.deletedAt,
			urls: this.statusAt() === 3 ? this.completedUrls() : [],
		};
	}
}

// ---------------------------------------------------------------------------------------------
// Body parsing
// ---------------------------------------------------------------------------------------------

interface ParsedBody {
	fields: Record<string, string[]>;
	files: RecordedFile[];
	/** Every part in order (multipart / urlencoded). */
	parts: { name: string; kind: 'text' | 'file' }[];
	json?: unknown;
	jsonOk: boolean;
	error?: string;
}

function mediaType(contentType: string | undefined): string {
	return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function boundaryOf(contentType: string): string | undefined {
	const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * The Content-Type header of every multipart part that has a filename, in order, exactly as sent
 * (undefined when absent). The web FormData parser invents 'text/plain' (or similar) for parts
 * without one; the log should show what the client really sent.
 */
function rawFilePartTypes(body: Buffer, boundary: string): (string | undefined)[] {
	const out: (string | undefined)[] = [];
	const delim = Buffer.from(`--${boundary}`, 'latin1');
	let pos = body.indexOf(delim);
	while (pos !== -1) {
		const afterDelim = pos + delim.length;
		if (body[afterDelim] === 0x2d && body[afterDelim + 1] === 0x2d) break; // closing delimiter
		const headEnd = body.indexOf('\r\n\r\n', afterDelim, 'latin1');
		if (headEnd === -1) break;
		const headers = body.toString('utf8', afterDelim, headEnd).split('\r\n');
		let disposition = '';
		let type: string | undefined;
		for (const line of headers) {
			const i = line.indexOf(':');
			if (i < 0) continue;
			const name = line.slice(0, i).trim().toLowerCase();
			if (name === 'content-disposition') disposition = line.slice(i + 1);
			else if (name === 'content-type') type = line.slice(i + 1).trim();
		}
		if (/;\s*filename\*?=/i.test(disposition)) out.push(type);
		pos = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), headEnd + 4);
		if (pos !== -1) pos += 2;
	}
	return out;
}

async function parseBody(body: Buffer, contentType: string | undefined): Promise<ParsedBody> {
	const parsed: ParsedBody = { fields: {}, files: [], parts: [], jsonOk: false };
	const type = mediaType(contentType);
	if (body.length === 0 && type !== 'multipart/form-data') return parsed;
	try {
		if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') {
			if (type === 'multipart/form-data' && !boundaryOf(contentType ?? '')) throw new Error('no boundary in Content-Type');
			// The web platform's own multipart parser (undici). A Buffer is a valid BodyInit at run time;
			// the cast only bridges the DOM typings' ArrayBuffer-vs-ArrayBufferLike distinction.
			const form = await new Response(body as unknown as BodyInit, { headers: { 'content-type': contentType ?? '' } }).formData();
			const rawTypes = type === 'multipart/form-data' ? rawFilePartTypes(body, boundaryOf(contentType ?? '') ?? '') : [];
			let fileIndex = 0;
			const fileEntries: { name: string; file: File }[] = [];
			form.forEach((value, name) => {
				if (typeof value === 'string') {
					(parsed.fields[name] ??= []).push(value);
					parsed.parts.push({ name, kind: 'text' });
				} else {
					fileEntries.push({ name, file: value });
					parsed.parts.push({ name, kind: 'file' });
				}
			});
			const typesReliable = rawTypes.length === fileEntries.length;
			for (const { name, file } of fileEntries) {
				const bytes = Buffer.from(await file.arrayBuffer());
				parsed.files.push({
					field: name,
					filename: file.name,
					contentType: typesReliable ? (rawTypes[fileIndex] ?? '') : file.type,
					size: bytes.length,
					bytes,
				});
				fileIndex++;
			}
		} else if (type === 'application/json' || type.endsWith('+json')) {
			parsed.json = JSON.parse(body.toString('utf8'));
			parsed.jsonOk = true;
		}
	} catch (err) {
		parsed.error = err instanceof Error ? err.message : String(err);
	}
	return parsed;
}

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

interface Reply {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
	code?: number;
}

function jsonReply(status: number, obj: unknown, extraHeaders: Record<string, string> = {}): Reply {
	const body = Buffer.from(JSON.stringify(obj));
	const code = obj && typeof obj === 'object' && typeof (obj as { code?: unknown }).code === 'number' ? (obj as { code: number }).code : undefined;
	return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...extraHeaders }, body, code };
}

function envelope(code: number, msg: string, data?: unknown, status = 200, extraHeaders?: Record<string, string>): Reply {
	return jsonReply(status, data === undefined ? { code, msg } : { code, msg, data }, extraHeaders);
}

const invalid = (msg: string) => envelope(CODE_ERROR, msg);
const noCredits = () => envelope(CODE_NO_CREDITS, 'Insufficient credits');

// ---------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------

class TensorsLabEmulator implements Emulator {
	readonly log: RecordedRequest[] = [];
	readonly tasks = new Map<string, EmulatedTask>();
	readonly events = new EventEmitter();
	url = '';
	imageOrigin = '';

	private settings: EmulatorSettings;
	private faultQueue: QueuedFault[] = [];
	private credits: number | null;
	private seq = 0;
	private closed = false;
	private readonly apiServer: http.Server;
	private readonly imageServer: http.Server;
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly sleepers = new Set<() => void>();

	constructor(options: EmulatorOptions) {
		const host = options.host ?? '127.0.0.1';
		this.settings = {
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
			publicHost: options.publicHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
		};
		this.checkSettings(this.settings);
		this.credits = this.settings.credits;
		this.apiServer = http.createServer((req, res) => {
			this.onApiRequest(req, res).catch((err: unknown) => this.internalError(res, err));
		});
		this.imageServer = http.createServer((req, res) => {
			this.onImageRequest(req, res).catch((err: unknown) => this.internalError(res, err));
		});
		for (const server of [this.apiServer, this.imageServer]) {
			server.on('connection', (socket: Socket) => {
				this.sockets.add(socket);
				socket.once('close', () => this.sockets.delete(socket));
			});
			// Node's default 5 s keep-alive is fine; no request timeout so 'hang' really hangs.
			server.requestTimeout = 0;
		}
	}

	get apiKey(): string {
		return this.settings.apiKey;
	}

	get noCreditsKey(): string {
		return this.settings.noCreditsKey;
	}

	get options(): Readonly<EmulatorSettings> {
		return { ...this.settings };
	}

	get creditsLeft(): number | null {
		return this.credits;
	}

	get faults(): readonly QueuedFault[] {
		return this.faultQueue.map((f) => ({ ...f }));
	}

	async listen(): Promise<void> {
		const listen = (server: http.Server, port: number) =>
			new Promise<number>((resolve, reject) => {
				const onError = (err: Error) => reject(err);
				server.once('error', onError);
				server.listen(port, this.settings.host, () => {
					server.off('error', onError);
					resolve((server.address() as AddressInfo).port);
				});
			});
		this.settings.port = await listen(this.apiServer, this.settings.port);
		try {
			this.settings.imagePort = await listen(this.imageServer, this.settings.imagePort);
		} catch (err) {
			await new Promise<void>((resolve) => this.apiServer.close(() => resolve()));
			throw err;
		}
		const h = this.settings.publicHost.includes(':') ? `[${this.settings.publicHost}]` : this.settings.publicHost;
		this.url = `http://${h}:${this.settings.port}`;
		this.imageOrigin = `http://${h}:${this.settings.imagePort}`;
	}

	private checkSettings(s: EmulatorSettings): void {
		const nonNegInt = (k: keyof EmulatorSettings) => {
			const v = s[k];
			if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`Emulator option ${k} must be an integer ≥ 0`);
		};
		nonNegInt('queuedMs');
		nonNegInt('processingMs');
		for (const k of ['imageWidth', 'imageHeight'] as const) {
			if (!Number.isInteger(s[k]) || s[k] < 1 || s[k] > 8192) throw new Error(`Emulator option ${k} must be an integer 1..8192`);
		}
		if (s.imageBytes !== null && (!Number.isFinite(s.imageBytes) || s.imageBytes < 0)) throw new Error('Emulator option imageBytes must be a number ≥ 0 or null');
		if (s.credits !== null && (!Number.isFinite(s.credits) || s.credits < 0)) throw new Error('Emulator option credits must be a number ≥ 0 or null');
		if (!s.apiKey || !s.noCreditsKey || s.apiKey === s.noCreditsKey) throw new Error('Emulator keys must be non-empty and different');
	}

	configure(patch: Partial<EmulatorOptions>): void {
		const next: EmulatorSettings = { ...this.settings };
		for (const k of ['host', 'port', 'imagePort', 'publicHost'] as const) {
			if (patch[k] !== undefined && patch[k] !== this.settings[k]) throw new Error(`Emulator option ${k} cannot change after start`);
		}
		if (patch.apiKey !== undefined) next.apiKey = patch.apiKey;
		if (patch.noCreditsKey !== undefined) next.noCreditsKey = patch.noCreditsKey;
		if ('credits' in patch) next.credits = patch.credits ?? null;
		if (patch.queuedMs !== undefined) next.queuedMs = patch.queuedMs;
		if (patch.processingMs !== undefined) next.processingMs = patch.processingMs;
		if (patch.imageWidth !== undefined) next.imageWidth = patch.imageWidth;
		if (patch.imageHeight !== undefined) next.imageHeight = patch.imageHeight;
		if ('imageBytes' in patch) next.imageBytes = patch.imageBytes || null;
		this.checkSettings(next);
		this.settings = next;
		// Setting `credits` sets the balance to it.
		if ('credits' in patch) this.credits = next.credits;
	}

	apiRequests(endpoint?: FaultTarget): RecordedRequest[] {
		return this.log.filter((r) => r.origin === 'api' && r.endpoint !== 'control' && (endpoint === undefined || targetMatches(endpoint, r.endpoint)));
	}

	imageRequests(): RecordedRequest[] {
		return this.log.filter((r) => r.origin === 'images');
	}

	clearLog(): void {
		this.log.length = 0;
	}

	inject(target: FaultTarget, fault: Fault, times = 1): void {
		validateFault(target, fault);
		if (!(times === Infinity || (Number.isInteger(times) && times >= 0))) throw new Error('times must be a non-negative integer or Infinity');
		if (times === 0) return;
		this.faultQueue.push({ target, fault: { ...fault }, remaining: times });
	}

	clearFaults(): void {
		this.faultQueue = [];
	}

	reset(): void {
		this.clearLog();
		this.clearFaults();
		this.tasks.clear();
		this.credits = this.settings.credits;
	}

	completeAllNow(): void {
		const now = Date.now();
		for (const t of this.tasks.values()) {
			if (t.queuedUntil > now) t.queuedUntil = now;
			if (t.doneAt > now) t.doneAt = now;
		}
	}

	expectedImageBytes(taskid: string, index: number): Buffer {
		const task = this.tasks.get(taskid);
		const spec: ImageSpec = task?.image ?? {
			width: this.settings.imageWidth,
			height: this.settings.imageHeight,
			imageBytes: this.settings.imageBytes,
		};
		return pngExpectedBytes(taskid, index, spec);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const wake of this.sleepers) wake();
		this.sleepers.clear();
		const closing = [this.apiServer, this.imageServer].map(
			(server) =>
				new Promise<void>((resolve) => {
					if (!server.listening) return resolve();
					server.close(() => resolve());
				}),
		);
		for (const server of [this.apiServer, this.imageServer]) server.closeAllConnections();
		for (const socket of this.sockets) socket.destroy();
		await Promise.all(closing);
		this.events.removeAllListeners();
	}

	// -----------------------------------------------------------------------------------------
	// Faults
	// -----------------------------------------------------------------------------------------

	/** First queued fault whose target matches and whose kind can apply to this endpoint. */
	private firstApplicable(endpoint: RecordedRequest['endpoint']): QueuedFault | undefined {
		return this.faultQueue.find((q) => targetMatches(q.target, endpoint) && kindApplies(q.fault.kind, endpoint));
	}

	private consume(q: QueuedFault): Fault {
		q.remaining -= 1;
		if (q.remaining <= 0) this.faultQueue = this.faultQueue.filter((x) => x !== q);
		return q.fault;
	}

	/**
	 * CHOICE (fault order): each request consumes at most one fault, the first queued entry whose
	 * target matches and whose kind can apply to the endpoint. Transport faults (http, reset, hang,
	 * slow, malformedJson, redirect) are taken on arrival, BEFORE auth, so e.g. a 5xx burst hits any
	 * request. Behaviour faults (failTask, emptyUrls, imageNotFound, badScheme, outOfCredits on
	 * generate; unknownStatus on infobytaskid) are taken when they take effect: for generate once
	 * auth and validation passed (a refused request leaves them queued for the next one); for
	 * infobytaskid when a found task's status is reported.
	 */
	private takeTransportFault(endpoint: RecordedRequest['endpoint']): Fault | undefined {
		const q = this.firstApplicable(endpoint);
		return q && TRANSPORT_FAULTS.has(q.fault.kind) ? this.consume(q) : undefined;
	}

	private takeBehaviourFault(endpoint: RecordedRequest['endpoint']): Fault | undefined {
		const q = this.firstApplicable(endpoint);
		return q && !TRANSPORT_FAULTS.has(q.fault.kind) ? this.consume(q) : undefined;
	}

	// -----------------------------------------------------------------------------------------
	// Plumbing
	// -----------------------------------------------------------------------------------------

	private record(origin: 'api' | 'images', req: http.IncomingMessage, path: string): RecordedRequest {
		const rec: RecordedRequest = {
			seq: ++this.seq,
			time: Date.now(),
			origin,
			method: req.method ?? 'GET',
			path,
			url: req.url ?? '/',
			headers: { ...req.headers },
			contentType: req.headers['content-type'],
			fields: {},
			files: [],
			rawBodySize: 0,
			endpoint: 'unknown',
		};
		this.log.push(rec);
		return rec;
	}

	private readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
		return new Promise((resolve) => {
			const chunks: Buffer[] = [];
			let size = 0;
			let tooBig = false;
			req.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > MAX_BODY_BYTES) tooBig = true;
				else chunks.push(chunk);
			});
			req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
			req.on('error', () => resolve(undefined));
			req.on('aborted', () => resolve(undefined));
		});
	}

	private delay(ms: number): Promise<void> {
		return new Promise((resolve) => {
			if (this.closed) return resolve();
			const wake = () => {
				clearTimeout(timer);
				this.timers.delete(timer);
				this.sleepers.delete(wake);
				resolve();
			};
			const timer = setTimeout(wake, Math.max(0, ms));
			this.timers.add(timer);
			this.sleepers.add(wake);
		});
	}

	/** A bug in the emulator itself: answer 500 with the message rather than crash the test run. */
	private internalError(res: http.ServerResponse, err: unknown): void {
		if (res.destroyed || this.closed) return;
		if (res.headersSent) {
			res.destroy();
			return;
		}
		const r = envelope(CODE_ERROR, `Emulator internal error: ${err instanceof Error ? err.message : String(err)}`, undefined, 500);
		res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
		res.end(r.body);
	}

	private send(res: http.ServerResponse, rec: RecordedRequest, reply: Reply): void {
		if (res.destroyed || res.headersSent || this.closed) return;
		rec.response = { status: reply.status, code: reply.code };
		res.writeHead(reply.status, { ...reply.headers, 'content-length': String(reply.body.length) });
		res.end(reply.body);
		this.events.emit('request', rec);
	}

	/** Apply a transport fault. Returns true when the request is finished (everything but slow). */
	private applyTransportFault(req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedRequest, fault: Fault): boolean {
		switch (fault.kind) {
			case 'http': {
				const headers: Record<string, string> = {};
				if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
				if (fault.body !== undefined) {
					let isJson = true;
					try {
						JSON.parse(fault.body);
					} catch {
						isJson = false;
					}
					headers['content-type'] = isJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
					this.send(res, rec, { status: fault.status, headers, body: Buffer.from(fault.body) });
				} else {
					this.send(res, rec, envelope(CODE_ERROR, `Emulated HTTP ${fault.status} error`, undefined, fault.status, headers));
				}
				return true;
			}
			case 'reset':
				// A TCP RST where possible (the client sees ECONNRESET), no response at all.
				req.socket.resetAndDestroy();
				this.events.emit('request', rec);
				return true;
			case 'hang':
				// Never answer; the socket is destroyed by the client giving up or by close().
				this.events.emit('request', rec);
				return true;
			case 'malformedJson': {
				const body = Buffer.from('{"code":1000,"msg":"Task created successfully","data":{"taskid":"abcd_12');
				this.send(res, rec, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body });
				return true;
			}
			case 'redirect':
				this.send(res, rec, { status: fault.status ?? 302, headers: { location: fault.location }, body: Buffer.alloc(0) });
				return true;
			default:
				return false;
		}
	}

	// -----------------------------------------------------------------------------------------
	// API origin
	// -----------------------------------------------------------------------------------------

	private async onApiRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		if (path === '/__emulator' || path.startsWith('/__emulator/')) {
			// CHOICE: control requests are not recorded in the log at all.
			const body = await this.readBody(req);
			if (this.closed) return;
			await this.onControl(req, res, path, body ?? Buffer.alloc(0));
			return;
		}
		const rec = this.record('api', req, path);
		const m = /^\/v1\/images\/([A-Za-z0-9_]+)$/.exec(path);
		const name = m?.[1] ?? '';
		rec.endpoint = isGenerate(name) || name === 'infobytaskid' || name === 'deleteimagestask' ? (name as EndpointName) : 'unknown';

		const body = await this.readBody(req);
		if (this.closed) return;
		if (!body) {
			if (!res.destroyed) this.send(res, rec, envelope(CODE_ERROR, 'Request body too large', undefined, 413));
			req.socket.destroy();
			return;
		}
		rec.rawBodySize = body.length;
		const parsed = await parseBody(body, rec.contentType);
		rec.fields = parsed.fields;
		rec.files = parsed.files;
		if (parsed.jsonOk) rec.json = parsed.json;
		if (parsed.error) rec.parseError = parsed.error;

		const fault = this.takeTransportFault(rec.endpoint);
		let delayMs = 0;
		if (fault) {
			rec.fault = fault;
			if (this.applyTransportFault(req, res, rec, fault)) return;
			if (fault.kind === 'slow') delayMs = fault.delayMs;
		}
		// CHOICE (slow): the request is handled at once (a generate creates its task and spends
		// credits), only the answer is delayed — like a real server whose reply is slow, so a client
		// that gives up may leave a task behind.
		const reply = this.handleApi(req, rec, parsed);
		if (delayMs > 0) await this.delay(delayMs);
		this.send(res, rec, reply);
	}

	private handleApi(req: http.IncomingMessage, rec: RecordedRequest, parsed: ParsedBody): Reply {
		if (rec.endpoint === 'unknown') {
			// CHOICE: unknown paths (including /v1/images/quickedit, left out per the notes) → HTTP 404.
			return envelope(CODE_ERROR, `Not found: ${rec.method} ${rec.path}`, undefined, 404);
		}
		// Auth: exactly "Bearer <key>" (scheme case-insensitive as in RFC 6750). CHOICE: a raw key
		// without the scheme (as in the docs' curl examples) is refused, as the reference says Bearer.
		const auth = req.headers.authorization ?? '';
		const am = /^Bearer (.+)$/i.exec(auth);
		const key = am?.[1];
		if (key !== this.settings.apiKey && key !== this.settings.noCreditsKey) {
			return envelope(CODE_ERROR, 'Invalid API key', undefined, 401, { 'www-authenticate': 'Bearer' });
		}
		if (rec.method !== 'POST') {
			// CHOICE: every API endpoint is POST only; other methods → HTTP 405.
			return envelope(CODE_ERROR, `Method ${rec.method} not allowed; use POST`, undefined, 405, { allow: 'POST' });
		}
		if (isGenerate(rec.endpoint)) return this.handleGenerate(rec.endpoint, rec, parsed, key);
		if (rec.endpoint === 'infobytaskid') return this.handleStatus(rec, parsed);
		if (rec.endpoint === 'deleteimagestask') return this.handleDelete(rec, parsed);
		return envelope(CODE_ERROR, `Not found: ${rec.path}`, undefined, 404);
	}

	private handleGenerate(model: GenerateEndpoint, rec: RecordedRequest, parsed: ParsedBody, key: string): Reply {
		if (mediaType(rec.contentType) !== 'multipart/form-data') {
			return invalid(`Content-Type must be multipart/form-data for /v1/images/${model} (got ${rec.contentType ? `'${mediaType(rec.contentType)}'` : 'none'})`);
		}
		if (parsed.error) return invalid(`Malformed multipart/form-data body: ${parsed.error}`);
		const allowed = ALLOWED_FIELDS[model];
		// Strict: unknown names, text-vs-file mismatch, and repeated single-valued fields are refused.
		for (const part of parsed.parts) {
			if (!allowed.includes(part.name)) return invalid(`Unknown parameter "${part.name}" for ${model}`);
			if (part.name === 'sourceImage') {
				if (part.kind !== 'file') return invalid('Parameter "sourceImage" must be a file part (with a filename), not a text field');
			} else if (part.kind !== 'text') {
				return invalid(`Parameter "${part.name}" must be a text field, not a file`);
			}
		}
		for (const [name, values] of Object.entries(parsed.fields)) {
			if (values.length > 1) return invalid(`Parameter "${name}" given more than once`);
		}
		const field = (n: string): string | undefined => parsed.fields[n]?.[0];

		const prompt = field('prompt');
		if (prompt === undefined || prompt.trim() === '') return invalid('Parameter "prompt" is required and must not be empty');

		let width: number;
		let height: number;
		let imageCount = 1;
		let origseed = randomInt(0, 2 ** 31);
		// CHOICE: an optional parameter sent empty ('') is invalid, not "absent".
		const resolution = field('resolution');

		if (model === 'zimage') {
			if (resolution === undefined) [width, height] = [1024, 1024];
			else if (ZIMAGE_RATIOS.includes(resolution)) [width, height] = ZIMAGE_RATIO_SIZES[resolution];
			else {
				const rm = /^([1-9]\d*)\*([1-9]\d*)$/.exec(resolution);
				if (!rm) return invalid(`Parameter "resolution" must be W*H (with an asterisk, e.g. 1024*1024) or one of ${ZIMAGE_RATIOS.join(', ')} for zimage (got "${resolution}")`);
				[width, height] = [Number(rm[1]), Number(rm[2])];
			}
			const seed = field('seed');
			if (seed !== undefined) {
				if (!/^\d+$/.test(seed) || !Number.isSafeInteger(Number(seed))) return invalid(`Parameter "seed" must be an integer ≥ 0 (got "${seed}")`);
				origseed = Number(seed);
			}
			const extend = field('prompt_extend');
			if (extend !== undefined && extend !== '0' && extend !== '1') return invalid(`Parameter "prompt_extend" must be "0" or "1" (got "${extend}")`);
		} else {
			const category = field('category');
			if (category !== undefined && category !== model) return invalid(`Parameter "category" must be "${model}" for /v1/images/${model} (got "${category}")`);
			const batchsize = field('batchsize');
			if (batchsize !== undefined) {
				const n = Number(batchsize);
				if (!/^\d+$/.test(batchsize) || n < 1 || n > 15) return invalid(`Parameter "batchsize" must be an integer from 1 to 15 (got "${batchsize}")`);
				imageCount = n;
			}
			const sources = parsed.files.filter((f) => f.field === 'sourceImage');
			if (sources.length > MAX_SOURCE_IMAGES) return invalid(`Parameter "sourceImage": at most ${MAX_SOURCE_IMAGES} files (got ${sources.length})`);
			for (const [i, f] of sources.entries()) {
				if (!f.filename) return invalid(`Parameter "sourceImage" file #${i + 1} has no filename`);
				if (f.size === 0) return invalid(`Parameter "sourceImage" file #${i + 1} ("${f.filename}") is empty`);
			}
			// CHOICE: the file formats / pixel limits of reference images (notes) and the "reference +
			// generated ≤ 15" limit are ByteDance's, not TensorsLab's published ones: not enforced.
			// CHOICE: imageUrl together with sourceImage files is accepted (TensorsLab's client never
			// does it; the reference does not forbid it). The log shows it.
			const imageUrl = field('imageUrl');
			if (imageUrl !== undefined) {
				let ok = false;
				try {
					const u = new URL(imageUrl);
					ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
				} catch {
					ok = false;
				}
				if (!ok) return invalid(`Parameter "imageUrl" must be an http(s) URL (got "${imageUrl}")`);
			}
			const levels = model === 'seedreamv4' ? [] : ['2K', '4K'];
			const ratios = model === 'seedreamv4' ? V4_RATIOS : V45_RATIOS;
			if (resolution === undefined) {
				// Notes: default 2K for v45/v5. CHOICE: v4 (no documented default) also reports 2048x2048.
				[width, height] = [2048, 2048];
			} else if (ratios.includes(resolution)) {
				[width, height] = SEEDREAM_RATIO_SIZES[resolution];
			} else if (levels.includes(resolution)) {
				[width, height] = resolution === '4K' ? [4096, 4096] : [2048, 2048];
			} else if (model !== 'seedreamv4') {
				const rm = /^([1-9]\d*)x([1-9]\d*)$/.exec(resolution);
				if (!rm) {
					return invalid(`Parameter "resolution" must be one of ${V45_RATIOS.join(', ')}, 2K, 4K or WxH (lower-case x) for ${model} (got "${resolution}")`);
				}
				[width, height] = [Number(rm[1]), Number(rm[2])];
				const pixels = width * height;
				if (pixels < MIN_PIXELS || pixels > MAX_PIXELS) {
					return invalid(`Parameter "resolution" ${resolution} has ${pixels} pixels; W*H must be between ${MIN_PIXELS} and ${MAX_PIXELS}`);
				}
			} else {
				return invalid(`Parameter "resolution" must be one of ${V4_RATIOS.join(', ')} for seedreamv4 (got "${resolution}")`);
			}
		}

		// Credits. CHOICE: checked after validation, so a malformed request is told what is wrong
		// even without credits. The no-credits key never consumes a fault.
		if (key === this.settings.noCreditsKey) return noCredits();
		const fault = this.takeBehaviourFault(model);
		if (fault?.kind === 'outOfCredits') return noCredits();
		// Credits apply to apiKey only (the no-credits key has none by definition).
		if (this.credits !== null) {
			if (this.credits - imageCount < 0) return noCredits();
			this.credits -= imageCount;
		}

		const now = Date.now();
		const task = new EmulatedTask({
			taskid: newTaskId(),
			model,
			createdAt: now,
			queuedMs: this.settings.queuedMs,
			processingMs: this.settings.processingMs,
			fields: parsed.fields,
			files: parsed.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, size: f.size, sha256: sha256(f.bytes) })),
			prompt,
			width,
			height,
			imageCount,
			origseed,
			image: { width: this.settings.imageWidth, height: this.settings.imageHeight, imageBytes: this.settings.imageBytes },
			apiKey: key,
			fault,
			imageOrigin: this.imageOrigin,
		});
		this.tasks.set(task.taskid, task);
		return envelope(CODE_SUCCESS, 'Task created successfully', { taskid: task.taskid });
	}

	/** JSON body checks shared by status and delete: either the object, or the refusal to send. */
	private jsonObject(rec: RecordedRequest, parsed: ParsedBody, allowedKeys: string[]): { obj: Record<string, unknown> } | { refusal: Reply } {
		const t = mediaType(rec.contentType);
		// CHOICE: the reference documents JSON for these endpoints; anything else is refused (9999).
		if (t !== 'application/json' && !t.endsWith('+json')) {
			return { refusal: invalid(`Content-Type must be application/json for /v1/images/${rec.endpoint} (got ${t ? `'${t}'` : 'none'})`) };
		}
		if (!parsed.jsonOk) return { refusal: invalid('Request body is not valid JSON') };
		const obj = parsed.json;
		if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { refusal: invalid('Request body must be a JSON object') };
		for (const k of Object.keys(obj)) {
			if (!allowedKeys.includes(k)) return { refusal: invalid(`Unknown parameter "${k}" for ${rec.endpoint}`) };
		}
		return { obj: obj as Record<string, unknown> };
	}

	private handleStatus(rec: RecordedRequest, parsed: ParsedBody): Reply {
		const checked = this.jsonObject(rec, parsed, ['taskid']);
		if ('refusal' in checked) return checked.refusal;
		const taskid = checked.obj.taskid;
		if (typeof taskid !== 'string' || taskid === '') return invalid('Parameter "taskid" is required (a non-empty string)');
		const task = this.tasks.get(taskid);
		// CHOICE: tasks are not scoped to keys; any valid key may read any task.
		if (!task || task.deleted) return envelope(CODE_ERROR, 'Task not found');
		const now = Date.now();
		const real = task.statusAt(now);
		let reported: number = real;
		if (task.statusOverride && now < task.statusOverride.until) reported = task.statusOverride.value;
		else {
			task.statusOverride = undefined;
			const fault = this.takeBehaviourFault('infobytaskid');
			if (fault?.kind === 'unknownStatus') {
				reported = fault.value;
				// CHOICE: with forMs, the task keeps reporting `value` for that long (one fault use);
				// without it, only this one answer is affected.
				if (fault.forMs !== undefined) task.statusOverride = { value: fault.value, until: now + fault.forMs };
			}
		}
		const data: Record<string, unknown> = {
			taskid: task.taskid,
			category: task.category,
			starttime: formatStartTime(task.createdAt),
			url: real === 3 ? task.completedUrls() : [],
			image_status: reported,
			width: task.width,
			height: task.height,
			prompt: task.prompt,
			negative: '',
			origseed: task.origseed,
		};
		if (real === 4) data.error_message = task.errorMessage;
		return envelope(CODE_SUCCESS, 'OK', data);
	}

	private handleDelete(rec: RecordedRequest, parsed: ParsedBody): Reply {
		const checked = this.jsonObject(rec, parsed, ['uid', 'taskids']);
		if ('refusal' in checked) return checked.refusal;
		const { uid, taskids } = checked.obj;
		if (uid !== undefined && typeof uid !== 'string') return invalid('Parameter "uid" must be a string');
		if (!Array.isArray(taskids) || !taskids.every((t) => typeof t === 'string')) {
			return invalid('Parameter "taskids" is required (an array of strings)');
		}
		// An empty list is a valid, free no-op (the credential test relies on it).
		// CHOICE: unknown or already deleted ids are ignored; the answer is still success.
		const now = Date.now();
		for (const id of taskids as string[]) {
			const task = this.tasks.get(id);
			if (task && !task.deleted) {
				task.deleted = true;
				task.deletedAt = now;
			}
		}
		return envelope(CODE_SUCCESS, 'Successfully', { status: 'Success' });
	}

	// -----------------------------------------------------------------------------------------
	// Image origin
	// -----------------------------------------------------------------------------------------

	private async onImageRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		const rec = this.record('images', req, path);
		// Every request to this origin counts as endpoint 'image' (so faults aimed at 'image' hit it).
		rec.endpoint = 'image';
		const body = await this.readBody(req);
		if (this.closed) return;
		rec.rawBodySize = body?.length ?? 0;

		const fault = this.takeTransportFault('image');
		let slow: Extract<Fault, { kind: 'slow' }> | undefined;
		if (fault) {
			rec.fault = fault;
			if (this.applyTransportFault(req, res, rec, fault)) return;
			if (fault.kind === 'slow') slow = fault;
		}
		const notFound = (): Reply => ({ status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('Not found') });
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			if (slow) await this.delay(slow.delayMs);
			this.send(res, rec, { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('Method not allowed') });
			return;
		}
		const m = /^\/images\/([^/]+)\/(\d+)\.png$/.exec(path);
		const task = m ? this.tasks.get(m[1]) : undefined;
		const index = m ? Number(m[2]) : -1;
		if (!task || !task.servesImage(index)) {
			if (slow) await this.delay(slow.delayMs);
			this.send(res, rec, notFound());
			return;
		}
		const plan = planImage(task.taskid, index, task.image);
		if (slow && !slow.trickle) await this.delay(slow.delayMs);
		if (res.destroyed || this.closed) return;
		rec.response = { status: 200 };
		res.writeHead(200, {
			'content-type': 'image/png',
			'content-length': String(plan.size),
			'cache-control': 'no-store',
		});
		if (req.method === 'HEAD') {
			res.end();
			this.events.emit('request', rec);
			return;
		}
		// Stream the shared pieces with back-pressure; with slow+trickle, spread the body over delayMs in
		// ~10 steps. Each step waits *before* it is written, so the last byte leaves no sooner than
		// delayMs after the headers (waiting after each step would skip the wait of a short last step).
		const stepBytes = slow?.trickle ? Math.max(1, Math.ceil(plan.size / 10)) : Infinity;
		const stepDelay = slow?.trickle ? slow.delayMs / Math.ceil(plan.size / stepBytes) : 0;
		let inStep = 0;
		for (const piece of imagePieces(plan)) {
			let off = 0;
			while (off < piece.length) {
				if (res.destroyed || this.closed) return;
				if (stepDelay > 0 && inStep === 0) {
					await this.delay(stepDelay);
					if (res.destroyed || this.closed) return;
				}
				const end = Math.min(piece.length, off + (stepBytes === Infinity ? piece.length : stepBytes - inStep));
				const ok = res.write(off === 0 && end === piece.length ? piece : piece.subarray(off, end));
				inStep += end - off;
				off = end;
				if (inStep >= stepBytes) inStep = 0;
				if (!ok) await this.drained(res);
			}
		}
		if (res.destroyed || this.closed) return;
		res.end();
		this.events.emit('request', rec);
	}

	private drained(res: http.ServerResponse): Promise<void> {
		return new Promise((resolve) => {
			const done = () => {
				res.off('drain', done);
				res.off('close', done);
				this.sleepers.delete(done);
				resolve();
			};
			res.on('drain', done);
			res.on('close', done);
			this.sleepers.add(done);
		});
	}

	// -----------------------------------------------------------------------------------------
	// Control endpoints (unauthenticated, not recorded, never faulted)
	// -----------------------------------------------------------------------------------------

	private async onControl(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: Buffer): Promise<void> {
		const reply = (status: number, obj: unknown) => {
			if (res.destroyed) return;
			const r = jsonReply(status, obj);
			res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
			res.end(r.body);
		};
		const method = req.method ?? 'GET';
		const query = new URL(req.url ?? '/', 'http://x').searchParams;
		let input: Record<string, unknown> = {};
		if (body.length > 0) {
			try {
				const v: unknown = JSON.parse(body.toString('utf8'));
				if (v && typeof v === 'object' && !Array.isArray(v)) input = v as Record<string, unknown>;
				else return reply(400, { ok: false, error: 'Body must be a JSON object' });
			} catch {
				return reply(400, { ok: false, error: 'Body is not valid JSON' });
			}
		}
		const route = `${method} ${path.replace(/\/+$/, '')}`;
		try {
			switch (route) {
				case 'GET /__emulator':
				case 'GET /__emulator/health':
					return reply(200, { ok: true, url: this.url, imageOrigin: this.imageOrigin, apiKey: this.apiKey, noCreditsKey: this.noCreditsKey });
				case 'GET /__emulator/log': {
					// CHOICE: file bytes are omitted by default (size + sha256 kept); ?bytes=1 adds them as
					// base64. ?since=<seq> returns only later requests.
					const withBytes = query.get('bytes') === '1' || query.get('bytes') === 'true';
					const since = Number(query.get('since') ?? 0) || 0;
					return reply(200, this.log.filter((r) => r.seq > since).map((r) => serializeRecord(r, withBytes)));
				}
				case 'POST /__emulator/clear-log':
					this.clearLog();
					return reply(200, { ok: true });
				case 'POST /__emulator/reset':
					this.reset();
					return reply(200, { ok: true });
				case 'GET /__emulator/faults':
					return reply(200, this.faults.map((f) => ({ ...f, remaining: f.remaining === Infinity ? null : f.remaining })));
				case 'POST /__emulator/faults': {
					// times: a number; null, "Infinity" or -1 mean "until cleared" (JSON has no Infinity).
					const t = input.times;
					const times = t === undefined ? 1 : t === null || t === 'Infinity' || t === -1 ? Infinity : t;
					if (typeof times !== 'number') throw new Error('times must be a number, null or "Infinity"');
					validateFault(input.target, input.fault);
					this.inject(input.target as FaultTarget, input.fault, times);
					return reply(200, { ok: true, queued: this.faultQueue.length });
				}
				case 'DELETE /__emulator/faults':
				case 'POST /__emulator/faults/clear':
					this.clearFaults();
					return reply(200, { ok: true });
				case 'GET /__emulator/options':
					return reply(200, this.options);
				case 'POST /__emulator/configure':
					this.configure(input as Partial<EmulatorOptions>);
					return reply(200, { ok: true, options: this.options, creditsLeft: this.creditsLeft });
				case 'GET /__emulator/tasks':
					return reply(200, [...this.tasks.values()].map((t) => t.toJSON()));
				case 'POST /__emulator/complete-all':
					this.completeAllNow();
					return reply(200, { ok: true });
				default:
					return reply(404, { ok: false, error: `Unknown control endpoint ${route}` });
			}
		} catch (err) {
			return reply(400, { ok: false, error: err instanceof Error ? err.message : String(err) });
		}
	}
}

/** JSON form of a recorded request, as served by GET /__emulator/log. */
export function serializeRecord(r: RecordedRequest, withBytes = false): Record<string, unknown> {
	return {
		...r,
		files: r.files.map((f) => ({
			field: f.field,
			filename: f.filename,
			contentType: f.contentType,
			size: f.size,
			sha256: sha256(f.bytes),
			...(withBytes ? { bytesBase64: f.bytes.toString('base64') } : {}),
		})),
	};
}

/** Start both servers; resolves once they listen. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const emu = new TensorsLabEmulator(options);
	await emu.listen();
	return emu;
}

/** Exact bytes of image `index` of `taskid` for given image settings (default 64x64, no padding). */
export function expectedImageBytes(taskid: string, index: number, spec?: ImageSpec): Buffer {
	return pngExpectedBytes(taskid, index, spec);
}

/**
 * The most tasks in flight at the same moment: each task counts from `start` (its generate request
 * arrived) until `end` (its last image was sent); a task without `end` never leaves. Shared by the
 * concurrency tests and the benchmark, which both read it off the emulator's clock.
 */
export function peakTasksInFlight(spans: ReadonlyArray<{ start: number; end?: number }>): number {
	const events: Array<[time: number, delta: number]> = [];
	for (const { start, end } of spans) {
		events.push([start, +1]);
		if (end !== undefined) events.push([end, -1]);
	}
	// At equal times the -1 goes first: a task that ends as another starts never overlaps it.
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let inFlight = 0;
	let peak = 0;
	for (const [, delta] of events) {
		inFlight += delta;
		peak = Math.max(peak, inFlight);
	}
	return peak;
}
