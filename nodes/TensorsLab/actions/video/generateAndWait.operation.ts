import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { readItems } from '../../engine/readItems';
import { runTasks, type TaskJob } from '../../engine/runner';
import { readWaitSettings } from '../../engine/settings';
import { readVideoRequest } from '../../engine/videoParameters';
import { TASK_KINDS } from '../../taskKinds';
import { waitOptions } from '../descriptions/options';
import { videoFields } from '../descriptions/videoFields';

const kind = TASK_KINDS.video;

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['video'], operation: ['generateAndWait'] } }, [
	...videoFields(),
	waitOptions(kind),
]);

/**
 * Submits every item's video task, waits for it and outputs the video (and its last frame).
 * @public (reached through the router's operations record)
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// Every item is checked first: nothing is sent (and no credit spent) if any input is wrong.
	const jobs = await readItems(this, async (itemIndex): Promise<TaskJob> => ({
		action: 'submitAndWait',
		request: await readVideoRequest(this, itemIndex),
		settings: readWaitSettings(this, kind, itemIndex),
	}));
	return await runTasks(this, kind, jobs);
}
