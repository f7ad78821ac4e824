/**
 * The one runner for every operation that submits or waits: Generate (submit only), Generate and
 * Wait, and Wait and Download. Items run concurrently, up to Max Concurrency, while one TaskPoller
 * asks about all pending tasks; results are downloaded as each task completes and output in input
 * order. Per-item failures become error items under Continue On Fail; otherwise the first failure
 * stops new submissions and is thrown, naming the tasks already created (their credits are spent)
 * so their results can still be fetched.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runPool } from '../helpers/pool';
import { TaskPoller } from '../helpers/taskPoller';
import type { SubmitRequest } from '../helpers/multipart';
import { ParameterError } from '../helpers/parameterError';
import type { TaskKind } from '../taskKinds';
import { fetchTaskInfo, submitTask } from '../transport/api';
import type { RequestContext } from '../transport/request';
import { abortableSleep } from '../transport/sleep';
import { ensureNodeError, errorItem, parameterErrorToNodeError } from './errors';
import type { ItemRead } from './readItems';
import { completedResults, unfinishedResults, type WaitedTask } from './results';
import { readRunSettings, type SubmitSettings, type WaitSettings } from './settings';

/** What one item asks for. */
export type TaskJob =
	| { action: 'submit'; request: SubmitRequest; settings: SubmitSettings }
	| { action: 'submitAndWait'; request: SubmitRequest; settings: WaitSettings }
	| { action: 'wait'; taskId: string; settings: WaitSettings };

function promptOf(request: SubmitRequest): string | undefined {
	return request.fields.find(([name]) => name === 'prompt')?.[1];
}

/** The note added to the first error: the tasks of this run that exist and cost credits. */
function createdTasksNote(taskIds: string[]): string {
	return `Tasks already created in this run (their credits are spent; fetch them with Task → Wait and Download): ${taskIds.join(', ')}.`;
}

/**
 * Every created task in n8n's log (info level, the default), the moment it exists: if the process
 * dies before the node returns (a queue-mode worker killed mid-run), n8n replaces the execution's
 * run data with an empty one, and this line is then the only place that still names the task.
 */
function logCreated(ctx: IExecuteFunctions, taskId: string, itemIndex: number): void {
	ctx.logger.info(`TensorsLab task ${taskId} created (item ${itemIndex}); fetch it with Task → Wait and Download if this execution does not finish`, {
		taskId,
		itemIndex,
		executionId: ctx.getExecutionId(),
		workflowId: ctx.getWorkflow().id,
		node: ctx.getNode().name,
	});
}

export async function runTasks(ctx: IExecuteFunctions, kind: TaskKind, reads: Array<ItemRead<TaskJob>>): Promise<INodeExecutionData[]> {
	let maxConcurrency: number;
	try {
		({ maxConcurrency } = readRunSettings(ctx));
	} catch (error) {
		throw error instanceof ParameterError ? parameterErrorToNodeError(ctx, error, 0) : error;
	}
	const cancelSignal = ctx.getExecutionCancelSignal();
	const stop = new AbortController();
	const signal = cancelSignal ? AbortSignal.any([cancelSignal, stop.signal]) : stop.signal;
	const results: INodeExecutionData[][] = reads.map((read) => (read.ok ? [] : [read.errorItem]));
	const created: string[] = [];
	const requestTimeouts = new Map<string, number>();
	let firstError: unknown;

	const poller = new TaskPoller({
		fetchStatus: async (taskId) =>
			await fetchTaskInfo(ctx, kind, taskId, { signal, itemIndex: 0, timeoutMs: requestTimeouts.get(taskId) ?? kind.defaults.requestTimeoutSeconds * 1000 }),
		sleep: abortableSleep,
		signal,
		schedule: kind.poll,
	});

	const pending = reads.flatMap((read, index) => (read.ok ? [{ itemIndex: read.itemIndex, job: read.value, index }] : []));

	await runPool(
		pending.length,
		maxConcurrency,
		async (n) => {
			const { itemIndex, job, index } = pending[n];
			const context: RequestContext = { signal, itemIndex, timeoutMs: job.settings.requestTimeoutMs };
			let taskId: string | undefined;
			try {
				if (job.action === 'wait') {
					taskId = job.taskId;
				} else {
					taskId = await submitTask(ctx, job.request, context);
					created.push(taskId);
					logCreated(ctx, taskId, itemIndex);
				}
				if (job.action === 'submit') {
					const { request } = job;
					results[index] = [
						{
							json: { taskId, model: request.model, status: 'queued', ...(request.imageCount !== undefined ? { imageCount: request.imageCount } : {}), prompt: promptOf(request) },
							pairedItem: { item: itemIndex },
						},
					];
					return;
				}
				const task: WaitedTask = {
					itemIndex,
					kind,
					settings: job.settings,
					model: job.action === 'submitAndWait' ? job.request.model : null,
					prompt: job.action === 'submitAndWait' ? promptOf(job.request) : undefined,
				};
				requestTimeouts.set(taskId, job.settings.requestTimeoutMs);
				const outcome = await poller.wait(taskId, { timeoutMs: job.settings.timeoutMs, pollIntervalMs: job.settings.pollIntervalMs });
				results[index] = unfinishedResults(ctx, task, taskId, outcome) ?? (await completedResults(ctx, task, outcome.info!, signal));
			} catch (caught) {
				const error = ensureNodeError(ctx, caught, itemIndex);
				if (ctx.continueOnFail() && !cancelSignal?.aborted) {
					results[index] = [errorItem(error, itemIndex, taskId ? { taskId } : {})];
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
			error.description = `${error.description ? `${error.description} ` : ''}${createdTasksNote(others)}`;
		}
		throw error;
	}
	return results.flat();
}
