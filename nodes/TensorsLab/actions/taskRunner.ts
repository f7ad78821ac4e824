/**
 * Everything that waits for tasks: Generate and Wait (submit first) and Wait and Download (task
 * ID given). Items run concurrently, up to Max Concurrency, while one TaskPoller asks about all
 * pending tasks; results are downloaded as each task completes and output in input order.
 */
import {
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { runPool } from '../helpers/pool';
import { parseTaskInfo, taskInfoToJson, type TaskInfo } from '../helpers/status';
import { TaskPoller, type WaitOutcome } from '../helpers/taskPoller';
import { ParameterError, type GenerateRequest } from '../helpers/validation';
import { toMultipart } from '../helpers/multipart';
import {
	abortableSleep,
	apiRequest,
	downloadImage,
	formatSeconds,
	ensureNodeError,
	isCancellation,
	parameterErrorToNodeError,
	type RequestContext,
} from '../transport';

/**
 * Ten tasks in flight lets 50 prompts finish in five waves of one task's duration, while staying
 * well below what a single account would reasonably send at once (TensorsLab publishes no rate
 * limit; a 429 is retried with backoff).
 */
export const DEFAULT_MAX_CONCURRENCY = 10;

export interface WaitSettings {
	pollIntervalMs?: number;
	timeoutMs: number;
	downloadImages: boolean;
	outputMode: 'itemPerImage' | 'singleItem';
	binaryPropertyName: string;
	deleteAfterDownload: boolean;
	onTimeout: 'error' | 'returnPending';
	maxConcurrency: number;
	requestTimeoutMs: number;
	maxImageBytes: number;
}

export function readWaitSettings(ctx: IExecuteFunctions, itemIndex: number): WaitSettings {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const number = (name: string, fallback: number, min: number) => {
		const value = options[name] ?? fallback;
		if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
			throw parameterErrorToNodeError(ctx, new ParameterError(`options.${name}`, `must be a number of at least ${min}, got ${JSON.stringify(value)}`), itemIndex);
		}
		return value;
	};
	const binaryPropertyName = String(options.binaryPropertyName ?? 'data').trim();
	if (binaryPropertyName === '' || /[\s,]/.test(binaryPropertyName)) {
		throw parameterErrorToNodeError(
			ctx,
			new ParameterError('options.binaryPropertyName', `"${binaryPropertyName}" is not a usable binary property name`),
			itemIndex,
		);
	}
	const pollInterval = number('pollInterval', 0, 0);
	return {
		pollIntervalMs: pollInterval > 0 ? pollInterval * 1000 : undefined,
		timeoutMs: number('timeout', 300, 0.001) * 1000,
		downloadImages: options.downloadImages !== false,
		outputMode: options.outputMode === 'singleItem' ? 'singleItem' : 'itemPerImage',
		binaryPropertyName,
		deleteAfterDownload: options.deleteAfterDownload === true,
		onTimeout: options.onTimeout === 'returnPending' ? 'returnPending' : 'error',
		maxConcurrency: Math.floor(number('maxConcurrency', DEFAULT_MAX_CONCURRENCY, 1)),
		requestTimeoutMs: number('requestTimeout', 180, 0.001) * 1000,
		maxImageBytes: Math.floor(number('maxImageSizeMb', 200, 0.001) * 1024 * 1024),
	};
}

/** What one item asks for: a new task to submit, or an existing one to wait for. */
export type TaskPlan =
	| { itemIndex: number; kind: 'submit'; request: GenerateRequest; settings: WaitSettings }
	| { itemIndex: number; kind: 'existing'; taskId: string; settings: WaitSettings };

export async function submitTask(ctx: IExecuteFunctions, request: GenerateRequest, context: RequestContext): Promise<string> {
	const data = await apiRequest(ctx, request.endpoint, () => toMultipart(request), 'submit', context);
	const taskId = typeof data.taskid === 'string' ? data.taskid : '';
	if (taskId === '') {
		throw new NodeOperationError(ctx.getNode(), 'TensorsLab accepted the request but returned no task ID', {
			itemIndex: context.itemIndex,
			description: 'A task may have been created. Check your TensorsLab task list before running this item again.',
		});
	}
	return taskId;
}

export async function fetchTaskInfo(ctx: IExecuteFunctions, taskId: string, context: RequestContext): Promise<TaskInfo> {
	const data = await apiRequest(ctx, '/v1/images/infobytaskid', { taskid: taskId }, 'repeatable', context);
	return parseTaskInfo(data, taskId);
}

export async function deleteTasks(ctx: IExecuteFunctions, taskIds: string[], uid: string | undefined, context: RequestContext): Promise<void> {
	await apiRequest(ctx, '/v1/images/deleteimagestask', { ...(uid ? { uid } : {}), taskids: taskIds }, 'repeatable', context);
}

function imageJson(info: TaskInfo, model: string | null, index: number, url: string, prompt?: string): IDataObject {
	return {
		taskId: info.taskId,
		model,
		status: info.status,
		index,
		url,
		width: info.width ?? null,
		height: info.height ?? null,
		seed: info.seed ?? null,
		prompt: info.prompt ?? prompt ?? null,
	};
}

/** Turns a finished task into output items (downloading the images unless told not to). */
async function collectResults(
	ctx: IExecuteFunctions,
	plan: TaskPlan,
	info: TaskInfo,
	signal: AbortSignal | undefined,
): Promise<INodeExecutionData[]> {
	const { settings, itemIndex } = plan;
	const model = plan.kind === 'submit' ? plan.request.model : (info.category ?? null);
	const prompt = plan.kind === 'submit' ? plan.request.fields.find(([name]) => name === 'prompt')?.[1] : undefined;
	if (info.urls.length === 0) {
		throw new NodeOperationError(ctx.getNode(), `Task ${info.taskId} completed but TensorsLab returned no image URLs`, {
			itemIndex,
		});
	}
	const context: RequestContext = { signal, itemIndex, timeoutMs: settings.requestTimeoutMs };
	const binaries: Array<IBinaryData | undefined> = [];
	if (settings.downloadImages) {
		// Images of one task are fetched one after another: tasks already run side by side, and
		// this keeps at most one download per in-flight task in memory.
		for (const [index, url] of info.urls.entries()) {
			const image = await downloadImage(ctx, url, {
				...context,
				maxBytes: settings.maxImageBytes,
				fileName: `tensorslab-${info.taskId}-${index}.png`,
			});
			binaries.push(image.binary);
		}
	}
	let deleted: IDataObject = {};
	if (settings.deleteAfterDownload) {
		try {
			await deleteTasks(ctx, [info.taskId], undefined, context);
			deleted = { deletedFromTensorsLab: true };
		} catch (error) {
			if (isCancellation(error)) throw ensureNodeError(ctx, error, itemIndex);
			// The images are already here; losing them over a failed clean-up would be worse.
			deleted = { deletedFromTensorsLab: false, deleteError: (error as Error).message };
		}
	}
	const pairedItem = { item: itemIndex };
	if (settings.outputMode === 'singleItem') {
		const binary: Record<string, IBinaryData> = {};
		binaries.forEach((data, index) => {
			if (data) binary[`${settings.binaryPropertyName}_${index}`] = data;
		});
		return [
			{
				json: {
					...imageJson(info, model, 0, info.urls[0], prompt),
					index: undefined,
					url: undefined,
					urls: info.urls,
					images: info.urls.map((url, index) => ({
						index,
						url,
						...(binaries[index] ? { binaryPropertyName: `${settings.binaryPropertyName}_${index}` } : {}),
					})),
					...deleted,
				},
				...(binaries.length ? { binary } : {}),
				pairedItem,
			},
		];
	}
	return info.urls.map((url, index) => ({
		json: { ...imageJson(info, model, index, url, prompt), ...deleted },
		...(binaries[index] ? { binary: { [settings.binaryPropertyName]: binaries[index] } } : {}),
		pairedItem,
	}));
}

function outcomeToResults(ctx: IExecuteFunctions, plan: TaskPlan, taskId: string, outcome: WaitOutcome): INodeExecutionData[] | undefined {
	const { itemIndex, settings } = plan;
	if (outcome.kind === 'failed') {
		throw new NodeOperationError(
			ctx.getNode(),
			`TensorsLab task ${taskId} failed: ${outcome.info.errorMessage ?? 'no reason given'}`,
			{ itemIndex, description: 'The task reported image_status 4.' },
		);
	}
	if (outcome.kind === 'timeout') {
		if (settings.onTimeout === 'returnPending') {
			return [
				{
					json: {
						...(outcome.info ? taskInfoToJson(outcome.info) : {}),
						taskId,
						status: 'pending',
						model: plan.kind === 'submit' ? plan.request.model : (outcome.info?.category ?? null),
					},
					pairedItem: { item: itemIndex },
				},
			];
		}
		throw new NodeOperationError(
			ctx.getNode(),
			`TensorsLab task ${taskId} did not finish within ${formatSeconds(settings.timeoutMs)}`,
			{
				itemIndex,
				description: `The task keeps running at TensorsLab. Fetch it later with Task → Wait and Download and task ID ${taskId}, or raise the Timeout option.`,
			},
		);
	}
	return undefined;
}

/**
 * Runs every plan and returns the output in input order. Per-item failures become error items
 * under Continue On Fail; otherwise the first failure stops new submissions and is thrown, naming
 * the tasks already created so their results (already paid for) can still be fetched.
 */
export async function runTaskPlans(
	ctx: IExecuteFunctions,
	plans: Array<TaskPlan | INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const cancelSignal = ctx.getExecutionCancelSignal();
	const stop = new AbortController();
	const signal = cancelSignal ? AbortSignal.any([cancelSignal, stop.signal]) : stop.signal;
	const results: INodeExecutionData[][] = plans.map((plan) => (Array.isArray(plan) ? plan : []));
	const created: string[] = [];
	let firstError: unknown;

	const poller = new TaskPoller({
		fetchStatus: async (taskId) => await fetchTaskInfo(ctx, taskId, { signal, timeoutMs: requestTimeoutOf(plans) }),
		sleep: abortableSleep,
		signal,
	});

	const pending = plans.map((plan, index) => ({ plan, index })).filter((p): p is { plan: TaskPlan; index: number } => !Array.isArray(p.plan));
	const maxConcurrency = pending[0]?.plan.settings.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY;

	await runPool(
		pending.length,
		maxConcurrency,
		async (n) => {
			const { plan, index } = pending[n];
			const context: RequestContext = { signal, itemIndex: plan.itemIndex, timeoutMs: plan.settings.requestTimeoutMs };
			let taskId: string | undefined;
			try {
				taskId = plan.kind === 'submit' ? await submitTask(ctx, plan.request, context) : plan.taskId;
				if (plan.kind === 'submit') created.push(taskId);
				const outcome = await poller.wait(taskId, { timeoutMs: plan.settings.timeoutMs, pollIntervalMs: plan.settings.pollIntervalMs });
				results[index] =
					outcomeToResults(ctx, plan, taskId, outcome) ?? (await collectResults(ctx, plan, outcome.info!, signal));
			} catch (error) {
				if (ctx.continueOnFail() && !cancelSignal?.aborted) {
					results[index] = [
						{
							json: { error: (error as Error).message, ...(taskId ? { taskId } : {}) },
							pairedItem: { item: plan.itemIndex },
						},
					];
					return;
				}
				if (firstError === undefined) {
					firstError = error;
					stop.abort();
				}
			}
		},
		signal,
	);

	if (firstError !== undefined) {
		const error = firstError as Error & { description?: string };
		const others = created.filter((id) => !error.message.includes(id));
		if (others.length > 0 && !cancelSignal?.aborted) {
			error.description = `${error.description ? `${error.description} ` : ''}Tasks already created in this run (their credits are spent; fetch them with Task → Wait and Download): ${others.join(', ')}.`;
		}
		throw error;
	}
	return results.flat();
}

function requestTimeoutOf(plans: Array<TaskPlan | INodeExecutionData[]>): number | undefined {
	const first = plans.find((plan): plan is TaskPlan => !Array.isArray(plan));
	return first?.settings.requestTimeoutMs;
}
