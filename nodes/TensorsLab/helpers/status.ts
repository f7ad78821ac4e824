/** The task status as the API reports it, mapped to names a workflow can branch on. Pure. */
import type { IDataObject } from 'n8n-workflow';

export type TaskStatusName = 'queued' | 'processing' | 'completed' | 'failed' | 'unknown';

const STATUS_NAMES: Record<number, TaskStatusName> = {
	1: 'queued',
	2: 'processing',
	3: 'completed',
	4: 'failed',
};

export interface TaskInfo {
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
 * Reads the `data` of an infobytaskid answer. An `image_status` outside 1–4 is kept as 'unknown':
 * callers treat it as still running, so a new status the API adds does not fail workflows.
 */
export function parseTaskInfo(data: IDataObject, requestedTaskId: string): TaskInfo {
	const statusCode = optionalNumber(data.image_status) ?? null;
	const urls = Array.isArray(data.url) ? data.url.filter((u): u is string => typeof u === 'string' && u !== '') : [];
	return {
		taskId: optionalString(data.taskid) ?? requestedTaskId,
		statusCode,
		status: (statusCode !== null && STATUS_NAMES[statusCode]) || 'unknown',
		urls,
		width: optionalNumber(data.width),
		height: optionalNumber(data.height),
		seed: optionalNumber(data.origseed),
		prompt: optionalString(data.prompt),
		category: optionalString(data.category),
		startTime: optionalString(data.starttime),
		errorMessage: optionalString(data.error_message),
	};
}

/** JSON for the Get operation and for pending results. */
export function taskInfoToJson(info: TaskInfo): IDataObject {
	const json: IDataObject = {
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
	return json;
}
