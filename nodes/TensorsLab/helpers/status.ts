/** A task's status answer, read through its kind's row of the task-kind table. Pure. */
import type { IDataObject } from 'n8n-workflow';

import type { TaskKind, TaskStatusName } from '../taskKinds';

export interface TaskInfo {
	/** Always the ID the node asked about: the answer's own `taskid` is not trusted. */
	taskId: string;
	statusCode: number | null;
	status: TaskStatusName;
	urls: string[];
	width?: number;
	height?: number;
	seed?: number;
	prompt?: string;
	category?: string;
	startTime?: string;
	errorMessage?: string;
}

function optionalNumber(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

function optionalString(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads the `data` of a status answer. A status code the kind's table does not list is kept as
 * 'unknown': callers treat it as still running, so a new status the API adds does not fail workflows.
 */
export function parseTaskInfo(kind: TaskKind, data: IDataObject, requestedTaskId: string): TaskInfo {
	const statusCode = optionalNumber(data[kind.statusField]) ?? null;
	const rawUrls = data[kind.urlsField];
	const urls = Array.isArray(rawUrls) ? rawUrls.filter((u): u is string => typeof u === 'string' && u !== '') : [];
	return {
		taskId: requestedTaskId,
		statusCode,
		status: (statusCode !== null && kind.statusNames[statusCode]) || 'unknown',
		urls,
		width: optionalNumber(data.width),
		height: optionalNumber(data.height),
		seed: optionalNumber(data.origseed),
		prompt: optionalString(data.prompt),
		category: optionalString(data.category),
		startTime: optionalString(data.starttime),
		errorMessage: optionalString(data[kind.failureField]),
	};
}

/** JSON for the Get operation and for pending results. */
export function taskInfoToJson(info: TaskInfo): IDataObject {
	return {
		taskId: info.taskId,
		status: info.status,
		statusCode: info.statusCode,
		model: info.category ?? null,
		urls: info.urls,
		width: info.width ?? null,
		height: info.height ?? null,
		seed: info.seed ?? null,
		prompt: info.prompt ?? null,
		startTime: info.startTime ?? null,
		errorMessage: info.errorMessage ?? null,
	};
}
