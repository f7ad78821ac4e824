import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { runEachItem } from '../../engine/eachItem';
import { readItems } from '../../engine/readItems';
import { taskInfoToJson } from '../../helpers/status';
import { parseTaskId } from '../../helpers/taskIds';
import { fetchTaskInfo } from '../../transport/api';
import { readTaskKind } from './taskType';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['task'], operation: ['get'] } }, [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. abcd_1234567890abcdef',
		description: 'The taskId returned by a Generate operation',
	},
]);

/**
 * One status request per item.
 * @public Called by actions/router.ts through the resource's operations table.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const kind = readTaskKind(this);
	const reads = await readItems(this, (itemIndex) => parseTaskId(this.getNodeParameter('taskId', itemIndex)));
	return await runEachItem(
		this,
		reads,
		async (taskId, itemIndex, signal) =>
			taskInfoToJson(await fetchTaskInfo(this, kind, taskId, { signal, itemIndex, timeoutMs: kind.defaults.requestTimeoutSeconds * 1000 }), kind),
		(taskId) => ({ taskId }),
	);
}
