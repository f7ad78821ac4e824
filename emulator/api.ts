/**
 * The three kinds of API request once authenticated: generate (spend credits, create a task),
 * infobytaskid (report a task) and deleteimagestask. Routing, auth and transport faults come
 * before, in server.ts; the request rules are in rules.ts.
 */
import { sha256 } from './body';
import type { ParsedBody } from './body';
import { reportedStatus, type FaultQueue } from './faults';
import { CODE_ERROR, CODE_SUCCESS, envelope, invalid, noCredits } from './replies';
import type { Reply } from './replies';
import { checkGenerate, checkJsonObject } from './rules';
import type { EmulatorSettings } from './settings';
import { EmulatedTask, formatStartTime, newTaskId } from './tasks';
import type { GenerateEndpoint, RecordedRequest } from './types';

/** The part of the emulator's state these requests read and change. */
export interface ApiState {
	readonly settings: EmulatorSettings;
	readonly tasks: Map<string, EmulatedTask>;
	readonly faultQueue: FaultQueue;
	readonly imageOrigin: string;
	/** Remaining credits of apiKey (null = unlimited). */
	credits: number | null;
}

export function handleGenerate(state: ApiState, model: GenerateEndpoint, rec: RecordedRequest, parsed: ParsedBody, key: string): Reply {
	const checked = checkGenerate(model, rec.contentType, parsed);
	if ('refusal' in checked) return invalid(checked.refusal);
	const { prompt, width, height, imageCount, origseed } = checked;
	const settings = state.settings;

	// Credits. CHOICE: checked after validation, so a malformed request is told what is wrong
	// even without credits. The no-credits key never consumes a fault.
	if (key === settings.noCreditsKey) return noCredits();
	const fault = state.faultQueue.takeBehaviourFault(model);
	if (fault?.kind === 'outOfCredits') return noCredits();
	// Credits apply to apiKey only (the no-credits key has none by definition).
	if (state.credits !== null) {
		if (state.credits - imageCount < 0) return noCredits();
		state.credits -= imageCount;
	}

	const now = Date.now();
	const task = new EmulatedTask({
		taskid: newTaskId(),
		model,
		createdAt: now,
		queuedMs: settings.queuedMs,
		processingMs: settings.processingMs,
		fields: parsed.fields,
		files: parsed.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, size: f.size, sha256: sha256(f.bytes) })),
		prompt,
		width,
		height,
		imageCount,
		origseed,
		image: { width: settings.imageWidth, height: settings.imageHeight, imageBytes: settings.imageBytes },
		apiKey: key,
		fault,
		imageOrigin: state.imageOrigin,
	});
	state.tasks.set(task.taskid, task);
	return envelope(CODE_SUCCESS, 'Task created successfully', { taskid: task.taskid });
}

export function handleStatus(state: ApiState, rec: RecordedRequest, parsed: ParsedBody): Reply {
	const checked = checkJsonObject(rec.endpoint, rec.contentType, parsed, ['taskid']);
	if ('refusal' in checked) return invalid(checked.refusal);
	const taskid = checked.obj.taskid;
	if (typeof taskid !== 'string' || taskid === '') return invalid('Parameter "taskid" is required (a non-empty string)');
	const task = state.tasks.get(taskid);
	// CHOICE: tasks are not scoped to keys; any valid key may read any task.
	if (!task || task.deleted) return envelope(CODE_ERROR, 'Task not found');
	const now = Date.now();
	rec.readAt = now;
	const real = task.statusAt(now);
	const reported = reportedStatus(task, state.faultQueue, 'infobytaskid', now);
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
	const omit = state.faultQueue.takeBehaviourFault('infobytaskid', 'omitField');
	if (omit?.kind === 'omitField') delete data[omit.field];
	return envelope(CODE_SUCCESS, 'OK', data);
}

export function handleDelete(state: ApiState, rec: RecordedRequest, parsed: ParsedBody): Reply {
	const checked = checkJsonObject(rec.endpoint, rec.contentType, parsed, ['uid', 'taskids']);
	if ('refusal' in checked) return invalid(checked.refusal);
	const { uid, taskids } = checked.obj;
	if (uid !== undefined && typeof uid !== 'string') return invalid('Parameter "uid" must be a string');
	if (!Array.isArray(taskids) || !taskids.every((t) => typeof t === 'string')) {
		return invalid('Parameter "taskids" is required (an array of strings)');
	}
	// An empty list is a valid, free no-op (the credential test relies on it).
	// CHOICE: unknown or already deleted ids are ignored; the answer is still success.
	const now = Date.now();
	for (const id of taskids as string[]) {
		const task = state.tasks.get(id);
		if (task && !task.deleted) {
			task.deleted = true;
			task.deletedAt = now;
		}
	}
	return envelope(CODE_SUCCESS, 'Successfully', { status: 'Success' });
}
