/**
 * What each kind of TensorsLab task looks like, as data, as models.ts is for models: where its
 * status and delete endpoints are, which fields of the status answer hold what, what its status
 * codes mean, what its results are and the option defaults that suit it. The poller, the runner
 * and the Task operations read this table; nothing else branches on the kind.
 * See docs/tensorslab-api.md ("Tasks").
 */
import type { IDataObject } from 'n8n-workflow';

import { sniffImageType } from './helpers/imageType';
import { LONG_TASK_SCHEDULE, type PollSchedule } from './helpers/pollSchedule';
import { sniffVideoType } from './helpers/videoType';
import type { TaskDetailName, TaskInfo, TaskStatusName } from './taskInfo';
import type { DownloadKind } from './transport/download';

export type TaskKindId = 'image' | 'video';

export const TASK_KIND_IDS: readonly TaskKindId[] = ['image', 'video'];

/** What the node sent for a task it submitted itself (null for a task ID given by the user). */
export interface SentTask {
	model: string | null;
	prompt: string | null;
}

/** A file beside the results that the status answer may name (a video's last frame). */
export interface ExtraFile {
	/** The detail of the status answer that holds its URL. */
	detail: TaskDetailName;
	/** Binary property it is stored under, on the first output item of the task. */
	binaryName: string;
	result: DownloadKind;
	fileName: (taskId: string) => string;
}

export interface TaskKind {
	id: TaskKindId;
	statusEndpoint: string;
	deleteEndpoint: string;
	/** Field of the status answer that holds the status code. */
	statusField: string;
	/** Field of the status answer that says why a task failed. */
	failureField: string;
	/** Field of the status answer that holds the result URLs (an array). */
	urlsField: string;
	/** Fields of the status answer that hold the seed and the model. */
	seedField: string;
	modelField: string;
	/** Further fields of the status answer: output name → answer field and type. */
	details: Readonly<Partial<Record<TaskDetailName, { field: string; type: 'number' | 'string' }>>>;
	/**
	 * Status code → name. A code missing here (one the API adds later) is reported as 'unknown'
	 * and, like every name but 'completed' and 'failed', waited on as still running.
	 */
	statusNames: Readonly<Record<number, TaskStatusName>>;
	/** What a result file is, for downloads. */
	result: DownloadKind;
	/** The file name of result `index` of a task (made safe by the caller). */
	fileName: (taskId: string, index: number) => string;
	/** The JSON of the output item for result `index`. */
	resultJson: (info: TaskInfo, index: number, url: string, sent: SentTask) => IDataObject;
	extraFile?: ExtraFile;
	/** Words for the results in labels and messages, and whether "All in One Item" is offered. */
	noun: { one: string; many: string; title: string; titles: string; outputModes: boolean };
	/** Option defaults that depend on the kind, in the units the options show. */
	defaults: { timeoutSeconds: number; requestTimeoutSeconds: number; maxSizeMb: number };
	/** Adaptive polling (helpers/pollSchedule.ts) when no Poll Interval is set. */
	poll: PollSchedule;
	/** Names of the options whose meaning is the same for every kind but whose label is not. */
	optionNames: { download: string; maxSizeMb: string };
}

export const TASK_KINDS: Readonly<Record<TaskKindId, TaskKind>> = {
	image: {
		id: 'image',
		statusEndpoint: '/v1/images/infobytaskid',
		deleteEndpoint: '/v1/images/deleteimagestask',
		statusField: 'image_status',
		failureField: 'error_message',
		urlsField: 'url',
		seedField: 'origseed',
		modelField: 'category',
		details: { width: { field: 'width', type: 'number' }, height: { field: 'height', type: 'number' } },
		statusNames: { 1: 'queued', 2: 'processing', 3: 'completed', 4: 'failed' },
		result: {
			label: 'result image',
			expected: 'an image',
			sizeOption: 'Max Image Size',
			fileType: 'image',
			sniff: sniffImageType,
		},
		fileName: (taskId, index) => `tensorslab-${taskId}-${index}.png`,
		resultJson: (info, index, url, sent) => ({
			taskId: info.taskId,
			model: sent.model ?? info.category ?? null,
			status: info.status,
			index,
			url,
			width: info.width ?? null,
			height: info.height ?? null,
			seed: info.seed ?? null,
			prompt: info.prompt ?? sent.prompt ?? null,
			// The status answer's `starttime` (TensorsLab's own text, e.g. "2026-01-30 12:00:00").
			startTime: info.startTime ?? null,
		}),
		noun: { one: 'image', many: 'images', title: 'Image', titles: 'Images', outputModes: true },
		// 180 s is the reference's request timeout; result images are at most tens of MB (a 4K PNG).
		defaults: { timeoutSeconds: 300, requestTimeoutSeconds: 180, maxSizeMb: 200 },
		// Tasks of seconds to a minute. Intervals of 1.5 × the lag aimed at, max(0.5 s, 10 % of the
		// age), notice a task 0.75 × that late in the median: 7, 17 and 25 status requests for 5 s,
		// 20 s and 60 s tasks (TensorsLab's own client polls every 1–5 s).
		poll: { minMs: 750, maxMs: 10_000, growth: 0.15 },
		optionNames: { download: 'downloadImages', maxSizeMb: 'maxImageSizeMb' },
	},
	// See docs/video-api.md: the field names differ from the image API's (task_status, message, source).
	video: {
		id: 'video',
		statusEndpoint: '/v1/video/infobytaskid',
		deleteEndpoint: '/v1/video/deletevideotask',
		statusField: 'task_status',
		failureField: 'message',
		urlsField: 'url',
		seedField: 'seed',
		modelField: 'source',
		details: {
			lastFrameUrl: { field: 'imageurl', type: 'string' },
			duration: { field: 'duration', type: 'number' },
			resolution: { field: 'resolution', type: 'string' },
			ratio: { field: 'ratio', type: 'string' },
			fps: { field: 'fps', type: 'number' },
		},
		// 5 (uploading): still running, the files are not downloadable yet.
		statusNames: { 1: 'queued', 2: 'processing', 3: 'completed', 4: 'failed', 5: 'uploading' },
		result: { label: 'result video', expected: 'an MP4 video', sizeOption: 'Max Video Size', fileType: 'video', sniff: sniffVideoType },
		fileName: (taskId) => `tensorslab-${taskId}.mp4`,
		resultJson: (info, _index, url, sent) => ({
			taskId: info.taskId,
			model: sent.model ?? info.category ?? null,
			status: info.status,
			url,
			lastFrameUrl: info.lastFrameUrl ?? null,
			duration: info.duration ?? null,
			resolution: info.resolution ?? null,
			ratio: info.ratio ?? null,
			fps: info.fps ?? null,
			seed: info.seed ?? null,
			prompt: info.prompt ?? sent.prompt ?? null,
		}),
		extraFile: {
			detail: 'lastFrameUrl',
			binaryName: 'lastFrame',
			result: { label: 'last frame image', expected: 'an image', sizeOption: 'Max Video Size', fileType: 'image', sniff: sniffImageType },
			fileName: (taskId) => `tensorslab-${taskId}-last-frame.png`,
		},
		noun: { one: 'video', many: 'videos', title: 'Video', titles: 'Videos', outputModes: false },
		// TensorsLab's client: 300 s per request and 1,800 s in all; a 15 s 1440p MP4 is tens of MB,
		// so 2 GB is a cap against runaway downloads, not a size expected.
		defaults: { timeoutSeconds: 1800, requestTimeoutSeconds: 300, maxSizeMb: 2048 },
		// Tasks of minutes: 40 % of the age up to 10 s, so a 10-minute task costs at most 70 requests.
		poll: LONG_TASK_SCHEDULE,
		optionNames: { download: 'downloadVideos', maxSizeMb: 'maxVideoSizeMb' },
	},
};

export function isTaskKindId(value: unknown): value is TaskKindId {
	return typeof value === 'string' && (TASK_KIND_IDS as readonly string[]).includes(value);
}

/** Defaults of the options that do not depend on the kind of task. */
/** Display names of the number options, for the panel and for the messages that name them. */
export const OPTION_LABELS = {
	maxConcurrency: 'Max Concurrency',
	requestTimeout: 'Request Timeout (Seconds)',
	timeout: 'Timeout (Seconds)',
	pollInterval: 'Poll Interval (Seconds)',
} as const;

export const OPTION_DEFAULTS = {
	/**
	 * Ten tasks in flight lets 50 prompts finish in five waves of one task's duration, while staying
	 * well below what a single account would reasonably send at once (TensorsLab publishes no rate
	 * limit; a 429 is retried with backoff).
	 */
	maxConcurrency: 10,
	/** The UI's upper bound for Max Concurrency. */
	maxConcurrencyLimit: 50,
	/** 0 = adaptive polling. */
	pollIntervalSeconds: 0,
	binaryPropertyName: 'data',
	/**
	 * Upper bounds of the time options, in seconds, checked before any request. Node's timers
	 * overflow above 2^31-1 ms (about 24.8 days) and then fire at once, so an unbounded option
	 * would turn a huge Timeout into an instant one. A day covers the slowest video task, and
	 * TensorsLab keeps results for about 24 hours anyway; an hour is far beyond any one request
	 * or any sensible gap between status checks.
	 */
	maxSeconds: { timeout: 86_400, requestTimeout: 3_600, pollInterval: 3_600 },
} as const;
