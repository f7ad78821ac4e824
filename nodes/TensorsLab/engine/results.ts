/**
 * A waited-for task's outcome as output items: its files downloaded into binary data (unless told
 * not to), a pending item or an error for a timeout, an error for a failed task.
 */
import {
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { safeFileName } from '../helpers/fileName';
import { formatSeconds } from '../helpers/format';
import { taskInfoToJson, type TaskInfo } from '../helpers/status';
import type { WaitOutcome } from '../helpers/taskPoller';
import type { TaskKind } from '../taskKinds';
import { isCancellation } from '../transport/apiError';
import { deleteTasks } from '../transport/api';
import { downloadFile } from '../transport/download';
import type { RequestContext } from '../transport/request';
import { ensureNodeError } from './errors';
import type { WaitSettings } from './settings';

/** What the runner knows of a task it waited for, beyond the status answer. */
export interface WaitedTask {
	itemIndex: number;
	kind: TaskKind;
	settings: WaitSettings;
	/** The model the node submitted to; unknown (null) for a task ID given by the user. */
	model: string | null;
	prompt?: string;
}

function resultJson(info: TaskInfo, task: WaitedTask, index: number, url: string): IDataObject {
	return task.kind.resultJson(info, index, url, { model: task.model, prompt: task.prompt ?? null });
}

/** Output items for a task that did not complete, or undefined when it did. */
export function unfinishedResults(ctx: IExecuteFunctions, task: WaitedTask, taskId: string, outcome: WaitOutcome): INodeExecutionData[] | undefined {
	const { itemIndex, settings, kind } = task;
	if (outcome.kind === 'failed') {
		throw new NodeOperationError(ctx.getNode(), `TensorsLab could not complete task ${taskId}: ${outcome.info.errorMessage ?? 'no reason given'}`, {
			itemIndex,
			description: `The task reported ${kind.statusField} ${outcome.info.statusCode}.`,
		});
	}
	if (outcome.kind !== 'timeout') return undefined;
	if (settings.onTimeout === 'returnPending') {
		return [
			{
				json: { ...(outcome.info ? taskInfoToJson(outcome.info, kind) : {}), taskId, status: 'pending', model: task.model ?? outcome.info?.category ?? null },
				pairedItem: { item: itemIndex },
			},
		];
	}
	throw new NodeOperationError(ctx.getNode(), `TensorsLab task ${taskId} did not finish within ${formatSeconds(settings.timeoutMs)}`, {
		itemIndex,
		description: `The task keeps running at TensorsLab. Fetch it later with Task → Wait and Download and task ID ${taskId}, or raise the Timeout option.`,
	});
}

/** Turns a completed task into output items (downloading its files unless told not to). */
export async function completedResults(
	ctx: IExecuteFunctions,
	task: WaitedTask,
	info: TaskInfo,
	signal: AbortSignal | undefined,
): Promise<INodeExecutionData[]> {
	const { settings, itemIndex, kind } = task;
	if (info.urls.length === 0) {
		throw new NodeOperationError(ctx.getNode(), `Task ${info.taskId} completed but TensorsLab returned no ${kind.noun.one} URLs`, { itemIndex });
	}
	const context: RequestContext = { signal, itemIndex, timeoutMs: settings.requestTimeoutMs };
	const binaries: Array<IBinaryData | undefined> = [];
	if (settings.downloadResults) {
		// Files of one task are fetched one after another: tasks already run side by side, and
		// this keeps at most one download per in-flight task in memory.
		for (const [index, url] of info.urls.entries()) {
			const file = await downloadFile(ctx, url, {
				...context,
				maxBytes: settings.maxBytes,
				kind: kind.result,
				fileName: safeFileName(kind.fileName(info.taskId, index)),
			});
			binaries.push(file.binary);
		}
	}
	// The extra file (a video's last frame) is a bonus: the results are what was paid for, so a
	// failed extra download is reported on the item instead of failing it.
	let extra: { name: string; binary: IBinaryData } | undefined;
	let extraError: IDataObject = {};
	if (settings.downloadResults) {
		try {
			extra = await downloadExtraFile(ctx, kind, info, settings, context);
		} catch (error) {
			if (isCancellation(error)) throw ensureNodeError(ctx, error, itemIndex);
			extraError = { [`${kind.extraFile!.binaryName}Error`]: (error as Error).message };
		}
	}
	let deleted: IDataObject = {};
	if (settings.deleteAfterDownload && Object.keys(extraError).length > 0) {
		// Deleting would make the file that failed unreachable for good: the task is kept.
		deleted = { deletedFromTensorsLab: false, deleteSkipped: `The task was kept because its ${kind.extraFile!.result.label} could not be downloaded.` };
	} else if (settings.deleteAfterDownload && settings.downloadResults) {
		try {
			await deleteTasks(ctx, kind, [info.taskId], undefined, context);
			deleted = { deletedFromTensorsLab: true };
		} catch (error) {
			if (isCancellation(error)) throw ensureNodeError(ctx, error, itemIndex);
			// The files are already here; losing them over a failed clean-up would be worse.
			deleted = { deletedFromTensorsLab: false, deleteError: (error as Error).message };
		}
	}
	const pairedItem = { item: itemIndex };
	const name = settings.binaryPropertyName;
	if (settings.outputMode === 'singleItem') {
		const binary: Record<string, IBinaryData> = {};
		binaries.forEach((data, index) => {
			if (data) binary[`${name}_${index}`] = data;
		});
		if (extra) binary[extra.name] = extra.binary;
		return [
			{
				json: {
					...resultJson(info, task, 0, info.urls[0]),
					index: undefined,
					url: undefined,
					urls: info.urls,
					images: info.urls.map((url, index) => ({ index, url, ...(binaries[index] ? { binaryPropertyName: `${name}_${index}` } : {}) })),
					...extraError,
					...deleted,
				},
				...(Object.keys(binary).length ? { binary } : {}),
				pairedItem,
			},
		];
	}
	return info.urls.map((url, index) => {
		const binary: Record<string, IBinaryData> = binaries[index] ? { [name]: binaries[index] } : {};
		if (index === 0 && extra) binary[extra.name] = extra.binary;
		return {
			json: { ...resultJson(info, task, index, url), ...(index === 0 ? extraError : {}), ...deleted },
			...(Object.keys(binary).length ? { binary } : {}),
			pairedItem,
		};
	});
}

/** The kind's extra file (a video's last frame) when the answer names one, fetched like the results. */
async function downloadExtraFile(
	ctx: IExecuteFunctions,
	kind: TaskKind,
	info: TaskInfo,
	settings: WaitSettings,
	context: RequestContext,
): Promise<{ name: string; binary: IBinaryData } | undefined> {
	const extra = kind.extraFile;
	const url = extra ? info[extra.detail] : undefined;
	if (!extra || typeof url !== 'string') return undefined;
	const file = await downloadFile(ctx, url, {
		...context,
		maxBytes: settings.maxBytes,
		kind: extra.result,
		fileName: safeFileName(extra.fileName(info.taskId)),
	});
	return { name: extra.binaryName, binary: file.binary };
}
