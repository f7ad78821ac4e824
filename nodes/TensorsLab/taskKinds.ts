/**
 * What each kind of TensorsLab task looks like, as data, as models.ts is for models: where its
 * status and delete endpoints are, which fields of the status answer hold what, what its status
 * codes mean, what its results are and the option defaults that suit it. The poller, the runner
 * and the Task operations read this table; nothing else branches on the kind.
 * See docs/tensorslab-api.md ("Tasks").
 */
import { sniffImageType } from './helpers/imageType';
import type { DownloadKind } from './transport/download';

export type TaskKindId = 'image';

export type TaskStatusName = 'queued' | 'processing' | 'completed' | 'failed' | 'unknown';

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
	/**
	 * Status code → name. A code missing here (one the API adds later) is reported as 'unknown'
	 * and, like every name but 'completed' and 'failed', waited on as still running.
	 */
	statusNames: Readonly<Record<number, TaskStatusName>>;
	/** What a result file is, for downloads. */
	result: DownloadKind;
	/** The file name of result `index` of a task (made safe by the caller). */
	fileName: (taskId: string, index: number) => string;
	/** Option defaults that depend on the kind, in the units the options show. */
	defaults: { timeoutSeconds: number; requestTimeoutSeconds: number; maxSizeMb: number };
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
		statusNames: { 1: 'queued', 2: 'processing', 3: 'completed', 4: 'failed' },
		result: {
			label: 'result image',
			expected: 'an image',
			sizeOption: 'Max Image Size',
			fileType: 'image',
			sniff: sniffImageType,
		},
		fileName: (taskId, index) => `tensorslab-${taskId}-${index}.png`,
		// 180 s is the reference's request timeout; result images are at most tens of MB (a 4K PNG).
		defaults: { timeoutSeconds: 300, requestTimeoutSeconds: 180, maxSizeMb: 200 },
		optionNames: { download: 'downloadImages', maxSizeMb: 'maxImageSizeMb' },
	},
};

/** Defaults of the options that do not depend on the kind of task. */
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
} as const;
