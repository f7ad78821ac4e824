/** The TensorsLab API calls the node makes: submit a task, ask its status, delete tasks. */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { toMultipart, type SubmitRequest } from '../helpers/multipart';
import { parseTaskInfo, type TaskInfo } from '../helpers/status';
import type { TaskKind } from '../taskKinds';
import { OUTCOME_UNKNOWN_HINT, forTask } from './apiError';
import { apiRequest, type RequestContext } from './request';

/** Sends a generate request (spends credits; never repeated unless provably not processed). */
export async function submitTask(ctx: IExecuteFunctions, request: SubmitRequest, context: RequestContext): Promise<string> {
	const body = await toMultipart(request);
	const data = await apiRequest(ctx, request.endpoint, body, 'submit', context).catch((error: unknown) => {
		// A 404 on a generate path means a Model ID TensorsLab does not have ("Other (by ID)") or a
		// wrong Base URL; nothing was created, so say what to fix rather than only quoting the API.
		// (Duck-typed: where n8n installs a second copy of n8n-workflow, instanceof would miss it.)
		const apiError = error as { httpCode?: unknown; description?: unknown };
		if (apiError?.httpCode === '404' && !apiError.description) {
			apiError.description = `TensorsLab has no model "${request.model}" at ${request.endpoint}. With "Other (by ID)", check the Model ID (the model's name in TensorsLab's API, e.g. seedreamv45); otherwise check the Base URL in the credential.`;
		}
		throw error;
	});
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
	const data = await apiRequest(ctx, kind.statusEndpoint, { taskid: taskId }, 'repeatable', context).catch((error: unknown) => {
		throw forTask(error, taskId, kind);
	});
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
