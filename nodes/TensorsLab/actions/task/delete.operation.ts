import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { runEachItem } from '../../engine/eachItem';
import { ensureNodeError } from '../../engine/errors';
import { checkEachItem, readItems } from '../../engine/readItems';
import { parseTaskIds } from '../../helpers/taskIds';
import { deleteTasks, fetchTaskInfo } from '../../transport/api';
import { addToDescription } from '../../transport/apiError';
import { readTaskKind } from './taskType';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['task'], operation: ['delete'] } }, [
	{
		displayName: 'Task IDs',
		name: 'taskIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. abcd_1234567890abcdef, efgh_0987654321fedcba',
		description: 'Comma-separated task IDs, or an expression that returns a list of them',
	},
	{
		displayName: 'User ID',
		name: 'uid',
		type: 'string',
		default: '',
		description: 'Optional TensorsLab user ID sent as uid with the request',
	},
]);

/**
 * One delete request per item, for all of that item's task IDs. TensorsLab's delete answers
 * success for any ID, even one that is no task of this type (a video task deleted as an image
 * task is left untouched), so every ID is first looked up with a status request (free): an ID that
 * is not a task of the chosen Task Type fails its item, before any item's delete is sent. So
 * `deleted: true` says what is known: each task existed and TensorsLab accepted its deletion.
 * @public Called by actions/router.ts through the resource's operations table.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const kind = readTaskKind(this);
	const cancelSignal = this.getExecutionCancelSignal();
	const timeoutMs = kind.defaults.requestTimeoutSeconds * 1000;
	const parsed = await readItems(this, (itemIndex) => ({
		taskIds: parseTaskIds(this.getNodeParameter('taskIds', itemIndex)),
		uid: String(this.getNodeParameter('uid', itemIndex, '') ?? '').trim() || undefined,
	}));
	// Every item's parameters first (nothing is sent for bad input), then every ID's lookup, then
	// the deletes: an ID of the wrong type stops the node before anything is deleted.
	const reads = await checkEachItem(this, parsed, async ({ taskIds }, itemIndex) => {
		for (const taskId of taskIds) await fetchTaskInfo(this, kind, taskId, { signal: cancelSignal, itemIndex, timeoutMs });
	});
	const deleted: string[] = [];
	try {
		return await runEachItem(
			this,
			reads,
			async ({ taskIds, uid }, itemIndex, signal) => {
				await deleteTasks(this, kind, taskIds, uid, { signal, itemIndex, timeoutMs });
				deleted.push(...taskIds);
				return { deleted: true, taskIds, ...(uid ? { uid } : {}) };
			},
			({ taskIds }) => ({ taskIds }),
		);
	} catch (caught) {
		// The items before the failing one are deleted for good, and their output is lost with the
		// error: say which, so that a re-run does not look for them. (runEachItem throws node
		// errors only, which pass through ensureNodeError unchanged.)
		const error = ensureNodeError(this, caught, 0);
		if (deleted.length > 0) addToDescription(error, `Already deleted in this run: ${deleted.join(', ')}.`);
		throw error;
	}
}
