import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { runEachItem } from '../../engine/eachItem';
import { readItems } from '../../engine/readItems';
import { parseTaskIds } from '../../helpers/taskIds';
import { deleteTasks } from '../../transport/api';
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
 * One delete request per item, for all of that item's task IDs.
 * @public Called by actions/router.ts through the resource's operations table.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const kind = readTaskKind(this);
	const reads = await readItems(this, (itemIndex) => ({
		taskIds: parseTaskIds(this.getNodeParameter('taskIds', itemIndex)),
		uid: String(this.getNodeParameter('uid', itemIndex, '') ?? '').trim() || undefined,
	}));
	return await runEachItem(
		this,
		reads,
		async ({ taskIds, uid }, itemIndex, signal) => {
			await deleteTasks(this, kind, taskIds, uid, { signal, itemIndex, timeoutMs: kind.defaults.requestTimeoutSeconds * 1000 });
			return { success: true, deleted: taskIds, ...(uid ? { uid } : {}) };
		},
		({ taskIds }) => ({ taskIds }),
	);
}
