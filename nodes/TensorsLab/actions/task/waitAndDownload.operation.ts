import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { readItems } from '../../engine/readItems';
import { runTasks, type TaskJob } from '../../engine/runner';
import { readWaitSettings } from '../../engine/settings';
import { parseTaskId } from '../../helpers/taskIds';
import { TASK_KINDS, TASK_KIND_IDS } from '../../taskKinds';
import { waitOptions } from '../descriptions/options';
import { readTaskKind } from './taskType';

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['task'], operation: ['waitAndDownload'] } }, [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. abcd_1234567890abcdef',
		description: 'The taskId returned by a Generate operation, or named in a timeout error',
	},
	// One Options collection per task type: their defaults differ (see taskKinds.ts).
	...TASK_KIND_IDS.map((id) => ({ ...waitOptions(TASK_KINDS[id]), displayOptions: { show: { taskType: [id] } } })),
]);

/**
 * Waits for tasks started earlier (by Generate, or named in an error) and outputs their images.
 * @public Called by actions/router.ts through the resource's operations table.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const kind = readTaskKind(this);
	const jobs = await readItems(this, (itemIndex): TaskJob => ({
		action: 'wait',
		taskId: parseTaskId(this.getNodeParameter('taskId', itemIndex)),
		settings: readWaitSettings(this, kind, itemIndex),
	}));
	return await runTasks(this, kind, jobs);
}
