/** A task's status answer, read through its kind's row of the task-kind table. Pure. */
import type { IDataObject } from 'n8n-workflow';

import type { TaskKind } from '../taskKinds';
import type { TaskDetailName, TaskDetails, TaskInfo } from '../taskInfo';

export type { TaskInfo } from '../taskInfo';

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
	const details: Record<string, number | string | undefined> = {};
	for (const [name, { field, type }] of Object.entries(kind.details)) {
		details[name] = type === 'number' ? optionalNumber(data[field]) : optionalString(data[field]);
	}
	return {
		taskId: requestedTaskId,
		statusCode,
		status: (statusCode !== null && kind.statusNames[statusCode]) || 'unknown',
		urls,
		...(details as TaskDetails),
		seed: optionalNumber(data[kind.seedField]),
		prompt: optionalString(data.prompt),
		category: optionalString(data[kind.modelField]),
		startTime: optionalString(data.starttime),
		errorMessage: optionalString(data[kind.failureField]),
	};
}

/** JSON for the Get operation and for pending results: the common fields and the kind's details. */
export function taskInfoToJson(info: TaskInfo, kind: TaskKind): IDataObject {
	const details: IDataObject = {};
	for (const name of Object.keys(kind.details) as TaskDetailName[]) details[name] = info[name] ?? null;
	return {
		taskId: info.taskId,
		status: info.status,
		statusCode: info.statusCode,
		model: info.category ?? null,
		urls: info.urls,
		...details,
		seed: info.seed ?? null,
		prompt: info.prompt ?? null,
		startTime: info.startTime ?? null,
		errorMessage: info.errorMessage ?? null,
	};
}
