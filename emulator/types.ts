/**
 * The emulator's endpoint names and the request log's records. (The `Emulator` handle that
 * `startEmulator` resolves to: handle.ts; options and settings: settings.ts; faults: faults.ts and
 * faultKinds.ts; tasks: tasks.ts.)
 */
import type { Fault } from './faultKinds';

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
	| 'quickedit'
	| 'seedreamv6'
	| 'infobytaskid'
	| 'deleteimagestask'
	| 'image'
	| VideoEndpoint
	| 'videoinfobytaskid'
	| 'deletevideotask'
	| 'video';
/**
 * The image endpoints that create a task. `quickedit` is TensorsLab's undocumented quick edit;
 * `seedreamv6` is not a TensorsLab model but a test-only stand-in for one the node does not know
 * yet (rules.ts), so that "Other (by ID)" can be tested end to end.
 */
export type GenerateEndpoint = 'seedreamv45' | 'seedreamv5' | 'seedreamv4' | 'zimage' | 'quickedit' | 'seedreamv6';

export const GENERATE_ENDPOINTS: readonly GenerateEndpoint[] = ['seedreamv45', 'seedreamv5', 'seedreamv4', 'zimage', 'quickedit', 'seedreamv6'];

export function isGenerate(e: string): e is GenerateEndpoint {
	return (GENERATE_ENDPOINTS as readonly string[]).includes(e);
}

/** The video generate endpoints, under /v1/video/ (see video.ts). */
export type VideoEndpoint = 'seedancev2' | 'seedancev15pro' | 'seedancev1profast';

export const VIDEO_ENDPOINTS: readonly VideoEndpoint[] = ['seedancev2', 'seedancev15pro', 'seedancev1profast'];

export function isVideoGenerate(e: string): e is VideoEndpoint {
	return (VIDEO_ENDPOINTS as readonly string[]).includes(e);
}

export interface RecordedRequest {
	seq: number;
	/** Date.now() at arrival. */
	time: number;
	/**
	 * For status and file requests: Date.now() when the task's state was read (for a status
	 * request, after its body arrived).
	 * Compare this, not `time`, with a task's doneAt: on a loaded machine a request that arrived
	 * just before doneAt can be answered "completed". Addition to the brief.
	 */
	readAt?: number;
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
	/** Date.now() when the answer (for a served file, its headers) was sent; undefined while none was. Addition to the brief. */
	answeredAt?: number;
}
