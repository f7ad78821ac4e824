import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { readItems } from '../../engine/readItems';
import { runTasks, type TaskJob } from '../../engine/runner';
import { readWaitSettings } from '../../engine/settings';
import { parseTaskId } from '../../helpers/taskIds';
import { TASK_KINDS } from '../../taskKinds';
import { waitOptions } from '../descriptions/options';

const kind = TASK_KINDS.image;

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
	waitOptions(kind),
]);

/** Waits for tasks started earlier (by Generate, or named in an error) and outputs their images. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const jobs = await readItems(this, (itemIndex): TaskJob => ({
		action: 'wait',
		taskId: parseTaskId(this.getNodeParameter('taskId', itemIndex)),
		settings: readWaitSettings(this, kind, itemIndex),
	}));
	return await runTasks(this, kind, jobs);
}
