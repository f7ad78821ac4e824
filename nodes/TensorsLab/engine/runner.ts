/**
 * The one runner for every operation that submits or waits: Generate (submit only), Generate and
 * Wait, and Wait and Download. Items run concurrently, up to Max Concurrency, while one TaskPoller
 * asks about all pending tasks; results are downloaded as each task completes and output in input
 * order. Per-item failures become error items under Continue On Fail; otherwise the first failure
 * stops new submissions and is thrown, naming the tasks already created (their credits are spent)
 * so their results can still be fetched, and the items whose generate outcome is unknown. Nothing
 * of the run (request, retry, timer) outlives its return.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runPool } from '../helpers/pool';
import { TaskPoller } from '../helpers/taskPoller';
import type { SubmitRequest } from '../helpers/multipart';
import { ParameterError } from '../helpers/parameterError';
import type { TaskKind } from '../taskKinds';
import { fetchTaskInfo, submitTask } from '../transport/api';
import { addToDescription, isCancellation, type ErrorFlags } from '../transport/apiError';
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

/**
 * The note added to the error that stops the node: the tasks of this run that exist and cost
 * credits, and the items whose generate request may have created one that nothing names.
 */
function runNote(taskIds: string[], unknownItems: number[]): string {
	const notes: string[] = [];
	if (taskIds.length > 0) {
		notes.push(`Tasks already created in this run (their credits are spent; fetch them with Task → Wait and Download): ${taskIds.join(', ')}.`);
	}
	if (unknownItems.length > 0) {
		notes.push(
			`Items whose generation request got no answer, so a task may exist that no ID names: ${unknownItems.join(', ')}. Check your TensorsLab task list before running ${unknownItems.length === 1 ? 'it' : 'them'} again.`,
		);
	}
	return notes.join(' ');
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
	// Three scopes of "stop". `finished` ends everything of this run when the node returns or
	// throws, so no request of ours is sent and no timer of ours is armed after that. `stop` is
	// the first failure without Continue On Fail: no new item starts and no task is waited on any
	// more, but a generate request already out is left to answer, so that its task ID is known
	// rather than its outcome unknown.
	const finished = new AbortController();
	const stop = new AbortController();
	const withCancel = (...signals: AbortSignal[]) => AbortSignal.any(cancelSignal ? [cancelSignal, ...signals] : signals);
	const submitSignal = withCancel(finished.signal);
	const waitSignal = withCancel(finished.signal, stop.signal);
	const results: INodeExecutionData[][] = reads.map((read) => (read.ok ? [] : [read.errorItem]));
	const created: string[] = [];
	const unknownItems: number[] = [];
	const requestTimeouts = new Map<string, number>();
	let firstError: { error: Error & ErrorFlags & { description?: string | null }; itemIndex: number; taskId?: string } | undefined;

	const poller = new TaskPoller({
		fetchStatus: async (taskId, { itemIndex, signal }) =>
			await fetchTaskInfo(ctx, kind, taskId, {
				signal: AbortSignal.any([waitSignal, signal]),
				itemIndex,
				timeoutMs: requestTimeouts.get(taskId) ?? kind.defaults.requestTimeoutSeconds * 1000,
			}),
		sleep: abortableSleep,
		signal: waitSignal,
		schedule: kind.poll,
	});

	const pending = reads.flatMap((read, index) => (read.ok ? [{ itemIndex: read.itemIndex, job: read.value, index }] : []));

	try {
		await runPool(
			pending.length,
			maxConcurrency,
			async (n) => {
				const { itemIndex, job, index } = pending[n];
				// Per item, so that listeners (HTTP client, sleeps, deadlines) pile up on no shared signal.
				const itemSubmitSignal = AbortSignal.any([submitSignal]);
				const itemWaitSignal = AbortSignal.any([waitSignal]);
				let taskId: string | undefined;
				try {
					if (job.action === 'wait') {
						taskId = job.taskId;
					} else {
						taskId = await submitTask(ctx, job.request, { signal: itemSubmitSignal, itemIndex, timeoutMs: job.settings.requestTimeoutMs });
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
					// Another item failed while this one was being submitted: its task is named in that error.
					if (stop.signal.aborted) return;
					const task: WaitedTask = {
						itemIndex,
						kind,
						settings: job.settings,
						model: job.action === 'submitAndWait' ? job.request.model : null,
						prompt: job.action === 'submitAndWait' ? promptOf(job.request) : undefined,
					};
					requestTimeouts.set(taskId, job.settings.requestTimeoutMs);
					const outcome = await poller.wait(taskId, { timeoutMs: job.settings.timeoutMs, pollIntervalMs: job.settings.pollIntervalMs, itemIndex });
					results[index] = unfinishedResults(ctx, task, taskId, outcome) ?? (await completedResults(ctx, task, outcome.info!, itemWaitSignal));
				} catch (caught) {
					const error = ensureNodeError(ctx, caught, itemIndex) as Error & ErrorFlags & { description?: string | null };
					if (error.outcomeUnknown === true) unknownItems.push(itemIndex);
					// Many items fail alike (a download, a failed task): the error names its task.
					if (taskId !== undefined && !error.message.includes(taskId) && !isCancellation(error)) {
						addToDescription(error, `Task ID: ${taskId}.`);
					}
					if (ctx.continueOnFail() && !cancelSignal?.aborted) {
						results[index] = [errorItem(error, itemIndex, taskId ? { taskId } : {})];
						return;
					}
					if (firstError === undefined) {
						firstError = { error, itemIndex, taskId };
						stop.abort();
					}
				}
			},
			withCancel(stop.signal),
		);
	} finally {
		finished.abort();
	}

	if (firstError !== undefined) {
		const { error, itemIndex, taskId } = firstError;
		if (!cancelSignal?.aborted) {
			const others = created.filter((id) => id !== taskId);
			// The error's own item says so itself (its outcomeUnknown flag and hint).
			const otherUnknown = unknownItems.filter((item) => item !== itemIndex);
			const note = runNote(others, otherUnknown);
			if (note) addToDescription(error, note);
			// For a workflow's error handling: every item whose generate outcome is unknown.
			if (unknownItems.length > 0) Object.assign(error, { outcomeUnknownItems: [...unknownItems].sort((a, b) => a - b) });
		}
		throw error;
	}
	return results.flat();
}
