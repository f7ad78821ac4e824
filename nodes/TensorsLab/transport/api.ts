/** The TensorsLab API calls the node makes: submit a task, ask its status, delete tasks. */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { toMultipart, type SubmitRequest } from '../helpers/multipart';
import { parseTaskInfo, type TaskInfo } from '../helpers/status';
import type { TaskKind } from '../taskKinds';
import { OUTCOME_UNKNOWN_HINT } from './apiError';
import { apiRequest, type RequestContext } from './request';

/** Sends a generate request (spends credits; never repeated unless provably not processed). */
export async function submitTask(ctx: IExecuteFunctions, request: SubmitRequest, context: RequestContext): Promise<string> {
	const data = await apiRequest(ctx, request.endpoint, () => toMultipart(request), 'submit', context);
	const taskId = typeof data.taskid === 'string' ? data.taskid : '';
	if (taskId === '') {
		const error = new NodeOperationError(ctx.getNode(), 'TensorsLab accepted the request but returned no task ID', {
			itemIndex: context.itemIndex,
			description: `A task may have been created. ${OUTCOME_UNKNOWN_HINT}`,
		});
		throw Object.assign(error, { outcomeUnknown: true });
	}
	return taskId;
}

export async function fetchTaskInfo(ctx: IExecuteFunctions, kind: TaskKind, taskId: string, context: RequestContext): Promise<TaskInfo> {
	const data = await apiRequest(ctx, kind.statusEndpoint, { taskid: taskId }, 'repeatable', context);
	return parseTaskInfo(kind, data, taskId);
}

export async function deleteTasks(
	ctx: IExecuteFunctions,
	kind: TaskKind,
	taskIds: string[],
	uid: string | undefined,
	context: RequestContext,
): Promise<void> {
	await apiRequest(ctx, kind.deleteEndpoint, { ...(uid ? { uid } : {}), taskids: taskIds }, 'repeatable', context);
}
