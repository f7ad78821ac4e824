/**
 * What the node reads from a task's status answer, whatever its kind: the shape that the task-kind
 * table (taskKinds.ts) describes and the status parser (helpers/status.ts) fills. Types only, in a
 * file of their own so that the table and the parser need not import each other.
 */

/** The status of a task, as the node names it (the kind's table maps its codes to these). */
export type TaskStatusName = 'queued' | 'processing' | 'uploading' | 'completed' | 'failed' | 'unknown';

/** Fields of a status answer that only some kinds of task have (the row's `details`). */
export interface TaskDetails {
	width?: number;
	height?: number;
	lastFrameUrl?: string;
	duration?: number;
	resolution?: string;
	ratio?: string;
	fps?: number;
}

export type TaskDetailName = keyof TaskDetails;

export interface TaskInfo extends TaskDetails {
	/** Always the ID the node asked about: the answer's own `taskid` is not trusted. */
	taskId: string;
	statusCode: number | null;
	status: TaskStatusName;
	urls: string[];
	seed?: number;
	prompt?: string;
	category?: string;
	startTime?: string;
	errorMessage?: string;
}
