/**
 * The video side of the emulated API (see docs/video-api.md): the three generate endpoints under
 * /v1/video/, their request rules, a video task's life (queued → processing → uploading →
 * completed or failed), /v1/video/infobytaskid and /v1/video/deletevideotask. Routing, auth and
 * transport faults come before, in server.ts; the files are served by image-origin.ts.
 */
import { randomInt } from 'node:crypto';

import { mediaType, sha256 } from './body';
import type { ParsedBody } from './body';
import type { ApiState } from './api';
import { reportedStatus, type Fault } from './faults';
import { CODE_ERROR, CODE_SUCCESS, envelope, invalid, noCredits } from './replies';
import type { Reply } from './replies';
import { checkJsonObject } from './rules';
import type { TaskFileInfo } from './tasks';
import { newTaskId } from './tasks';
import type { RecordedRequest, VideoEndpoint } from './types';

/** What the video handlers use of the server: the image side's state and the video task table. */
interface VideoApiState extends ApiState {
	readonly videoTasks: Map<string, EmulatedVideoTask>;
}

const RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'];
const RULES: Record<VideoEndpoint, { duration: [number, number]; resolutions: string[]; audio: boolean }> = {
	seedancev2: { duration: [5, 15], resolutions: ['480p', '720p', '1080p', '1440p'], audio: true },
	seedancev15pro: { duration: [5, 10], resolutions: ['480p', '720p', '1080p'], audio: false },
	seedancev1profast: { duration: [5, 10], resolutions: ['480p', '720p', '1080p'], audio: false },
};
const ALLOWED = ['prompt', 'ratio', 'duration', 'resolution', 'fps', 'seed', 'sourceImage', 'imageUrl', 'generate_audio', 'return_last_frame'];
const MAX_PROMPT_CHARS = 8192;

/** What a video task reports (the request's values, or the documented defaults). */
interface VideoRequest {
	prompt: string;
	ratio: string;
	duration: number;
	resolution: string;
	fps: string;
	seed: number;
	lastFrame: boolean;
}

/** Checks a generate request to /v1/video/<model>: what it asks for, or why it is refused. */
export function checkVideoGenerate(model: VideoEndpoint, contentType: string | undefined, parsed: ParsedBody): VideoRequest | { refusal: string } {
	const refuse = (refusal: string) => ({ refusal });
	if (mediaType(contentType) !== 'multipart/form-data') return refuse(`Content-Type must be multipart/form-data for /v1/video/${model}`);
	if (parsed.error) return refuse(`Malformed multipart/form-data body: ${parsed.error}`);
	for (const part of parsed.parts) {
		if (!ALLOWED.includes(part.name)) return refuse(`Unknown parameter "${part.name}" for ${model}`);
		if ((part.name === 'sourceImage') !== (part.kind === 'file')) return refuse(`Parameter "${part.name}" has the wrong part kind (${part.kind})`);
	}
	for (const [name, values] of Object.entries(parsed.fields)) if (values.length > 1) return refuse(`Parameter "${name}" given more than once`);
	const field = (n: string): string | undefined => parsed.fields[n]?.[0];
	const rules = RULES[model];
	const prompt = field('prompt');
	if (prompt === undefined || prompt.trim() === '') return refuse('Parameter "prompt" is required and must not be empty');
	if (Array.from(prompt).length > MAX_PROMPT_CHARS) return refuse(`Parameter "prompt" is longer than ${MAX_PROMPT_CHARS} characters`);
	// CHOICE: the defaults reported when a field is not sent: the documentation's 9:16, 5 s, 1080p, "24".
	const ratio = field('ratio') ?? '9:16';
	if (!RATIOS.includes(ratio)) return refuse(`Parameter "ratio" must be one of ${RATIOS.join(', ')} (got "${ratio}")`);
	const duration = field('duration') ?? '5';
	if (!/^\d+$/.test(duration) || +duration < rules.duration[0] || +duration > rules.duration[1]) {
		return refuse(`Parameter "duration" must be an integer from ${rules.duration[0]} to ${rules.duration[1]} for ${model} (got "${duration}")`);
	}
	const resolution = field('resolution') ?? '1080p';
	if (!rules.resolutions.includes(resolution)) return refuse(`Parameter "resolution" must be one of ${rules.resolutions.join(', ')} for ${model} (got "${resolution}")`);
	const fps = field('fps') ?? '24';
	if (!/^[1-9]\d*$/.test(fps)) return refuse(`Parameter "fps" must be a positive integer (got "${fps}")`);
	const seedText = field('seed');
	if (seedText !== undefined && !/^\d+$/.test(seedText)) return refuse(`Parameter "seed" must be an integer ≥ 0 (got "${seedText}")`);
	for (const flag of ['generate_audio', 'return_last_frame']) {
		const value = field(flag);
		if (value === undefined) continue;
		if (!rules.audio) return refuse(`Parameter "${flag}" is only accepted by seedancev2`);
		if (value !== '0' && value !== '1') return refuse(`Parameter "${flag}" must be "0" or "1" (got "${value}")`);
	}
	const sources = parsed.files.filter((f) => f.field === 'sourceImage');
	if (sources.length > 2) return refuse(`Parameter "sourceImage": at most 2 files (got ${sources.length})`);
	if (sources.some((f) => !f.filename || f.size === 0)) return refuse('Parameter "sourceImage": every file needs a filename and content');
	const imageUrl = field('imageUrl');
	// CHOICE: one or two http(s) URLs (first frame, last frame) joined by a bare comma, as TensorsLab's
	// client sends them. Strict: a space around the comma, a third URL or an empty piece is refused.
	if (imageUrl !== undefined) {
		const urls = imageUrl.split(',');
		if (urls.length > 2) return refuse(`Parameter "imageUrl": at most 2 URLs, first and last frame (got ${urls.length})`);
		if (!urls.every(isHttpUrl)) return refuse(`Parameter "imageUrl" must be one or two http(s) URLs joined by "," (got "${imageUrl}")`);
	}
	const seed = seedText === undefined ? randomInt(0, 2 ** 31) : Number(seedText);
	return { prompt, ratio, duration: Number(duration), resolution, fps, seed, lastFrame: field('return_last_frame') === '1' };
}

/** An http(s) URL with a host and nothing the URL parser would have to re-encode (no whitespace). */
function isHttpUrl(text: string): boolean {
	if (!/^https?:\/\/[^/\s?#]+\S*$/i.test(text)) return false;
	try {
		return new URL(text).hostname !== '';
	} catch {
		return false;
	}
}

export class EmulatedVideoTask {
	deleted = false;
	statusOverride?: { value: number; until: number };
	queuedUntil: number;
	processingUntil: number;
	/** From this time the task is finished: after the uploading phase (task_status 5). */
	doneAt: number;

	constructor(
		readonly taskid: string,
		readonly model: VideoEndpoint,
		readonly request: VideoRequest,
		readonly files: TaskFileInfo[],
		timing: { createdAt: number; queuedMs: number; processingMs: number; uploadingMs: number },
		/** Size of the MP4 served (settings at creation; null = the small sample). */
		readonly videoBytes: number | null,
		private readonly origin: string,
		readonly fault?: Fault,
	) {
		this.queuedUntil = timing.createdAt + timing.queuedMs;
		this.processingUntil = this.queuedUntil + timing.processingMs;
		this.doneAt = this.processingUntil + timing.uploadingMs;
	}

	/** task_status at `now`: 1 queued, 2 processing, 5 uploading, 3 completed, 4 failed. */
	statusAt(now = Date.now()): 1 | 2 | 3 | 4 | 5 {
		if (now < this.queuedUntil) return 1;
		if (now < this.processingUntil) return 2;
		if (now < this.doneAt) return 5;
		return this.fault?.kind === 'failTask' ? 4 : 3;
	}

	videoUrl(): string {
		return `${this.origin}/videos/${this.taskid}.mp4`;
	}

	lastFrameUrl(): string {
		return `${this.origin}/videos/${this.taskid}/last-frame.png`;
	}

	completedUrls(): string[] {
		if (this.fault?.kind === 'emptyUrls') return [];
		const url = this.videoUrl();
		if (this.fault?.kind === 'badScheme') return [url.replace(/^http:/, `${(this.fault.scheme ?? 'ftp').replace(/:(\/\/)?$/, '')}:`)];
		return [url];
	}

	/** Does the file origin serve its video (or last frame) now? */
	serves(lastFrame: boolean, now = Date.now()): boolean {
		if (this.deleted || this.statusAt(now) !== 3 || (lastFrame && !this.request.lastFrame)) return false;
		return !(this.fault && ['emptyUrls', 'imageNotFound', 'badScheme'].includes(this.fault.kind));
	}

	toJSON(): Record<string, unknown> {
		return { taskid: this.taskid, model: this.model, status: this.statusAt(), ...this.request, files: this.files, deleted: this.deleted, doneAt: this.doneAt };
	}
}

export function handleVideoGenerate(state: VideoApiState, model: VideoEndpoint, rec: RecordedRequest, parsed: ParsedBody, key: string): Reply {
	const checked = checkVideoGenerate(model, rec.contentType, parsed);
	if ('refusal' in checked) return invalid(checked.refusal);
	const settings = state.settings;
	if (key === settings.noCreditsKey) return noCredits();
	const fault = state.faultQueue.takeBehaviourFault(model);
	if (fault?.kind === 'outOfCredits') return noCredits();
	// CHOICE: a video costs one credit here (the real price depends on model, length and resolution).
	if (state.credits !== null) {
		if (state.credits < 1) return noCredits();
		state.credits -= 1;
	}
	const files = parsed.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, size: f.size, sha256: sha256(f.bytes) }));
	const timing = { createdAt: Date.now(), queuedMs: settings.queuedMs, processingMs: settings.processingMs, uploadingMs: settings.uploadingMs };
	const task = new EmulatedVideoTask(newTaskId(), model, checked, files, timing, settings.videoBytes, state.imageOrigin, fault);
	state.videoTasks.set(task.taskid, task);
	return envelope(CODE_SUCCESS, 'Task created successfully', { taskid: task.taskid });
}

export function handleVideoStatus(state: VideoApiState, rec: RecordedRequest, parsed: ParsedBody): Reply {
	const checked = checkJsonObject(rec.endpoint, rec.contentType, parsed, ['taskid', 'moreTaskInfo']);
	if ('refusal' in checked) return invalid(checked.refusal);
	const { taskid, moreTaskInfo } = checked.obj;
	if (typeof taskid !== 'string' || taskid === '') return invalid('Parameter "taskid" is required (a non-empty string)');
	if (moreTaskInfo !== undefined && typeof moreTaskInfo !== 'boolean') return invalid('Parameter "moreTaskInfo" must be a boolean');
	const task = state.videoTasks.get(taskid);
	// The documentation: an unknown task ID answers HTTP 404.
	if (!task || task.deleted) return envelope(CODE_ERROR, 'Task not found', undefined, 404);
	const now = Date.now();
	rec.readAt = now;
	const real = task.statusAt(now);
	const reported = reportedStatus(task, state.faultQueue, 'videoinfobytaskid', now);
	const { prompt, ratio, duration, resolution, fps, seed, lastFrame } = task.request;
	const omit = state.faultQueue.takeBehaviourFault('videoinfobytaskid', 'omitField');
	const data: Record<string, unknown> = {
		taskid: task.taskid,
		url: real === 3 ? task.completedUrls() : [],
		task_status: reported,
		// CHOICE: `message` is empty unless the task failed; `imageurl` only once completed, when asked for.
		message: real === 4 ? (task.fault?.kind === 'failTask' && task.fault.message) || 'Video generation failed: emulated failure' : '',
		prompt,
		imageurl: real === 3 && lastFrame ? task.lastFrameUrl() : '',
		resolution,
		fps,
		source: task.model,
		duration,
		seed,
		ratio,
	};
	if (omit?.kind === 'omitField') delete data[omit.field];
	return envelope(CODE_SUCCESS, 'OK', data);
}

export function handleVideoDelete(state: VideoApiState, rec: RecordedRequest, parsed: ParsedBody): Reply {
	const checked = checkJsonObject(rec.endpoint, rec.contentType, parsed, ['uid', 'taskids']);
	if ('refusal' in checked) return invalid(checked.refusal);
	const { uid, taskids } = checked.obj;
	if (uid !== undefined && typeof uid !== 'string') return invalid('Parameter "uid" must be a string');
	if (!Array.isArray(taskids) || !taskids.every((t) => typeof t === 'string')) return invalid('Parameter "taskids" is required (an array of strings)');
	// CHOICE: as for images, unknown or already deleted IDs are ignored; only video tasks are deleted here.
	for (const id of taskids as string[]) {
		const task = state.videoTasks.get(id);
		if (task) task.deleted = true;
	}
	return envelope(CODE_SUCCESS, 'Successfully', { status: 'Success' });
}
