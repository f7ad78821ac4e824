/**
 * Emulated tasks: the life of one generation task (queued → processing → completed or failed,
 * computed from its creation time), what infobytaskid reports about it, and which of its images
 * the image origin serves.
 */
import { randomBytes } from 'node:crypto';

import type { Fault } from './faults';
import type { ImageSpec } from './png';
import type { GenerateEndpoint } from './types';

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

/** Task id like the reference example: 4 lower-case letters, '_', 16 hex digits. */
export function newTaskId(): string {
	const letters = Array.from(randomBytes(4), (b) => String.fromCharCode(97 + (b % 26))).join('');
	return `${letters}_${randomBytes(8).toString('hex')}`;
}

/** 'YYYY-MM-DD HH:mm:ss'. CHOICE: in UTC (the real service's time zone is not documented). */
export function formatStartTime(ms: number): string {
	const d = new Date(ms);
	const p = (n: number) => String(n).padStart(2, '0');
	return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
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
