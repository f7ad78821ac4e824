import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { readGenerateRequest } from '../../engine/generateParameters';
import { readItems } from '../../engine/readItems';
import { runTasks, type TaskJob } from '../../engine/runner';
import { readWaitSettings } from '../../engine/settings';
import { TASK_KINDS } from '../../taskKinds';
import { generationFields } from '../descriptions/generationFields';
import { waitOptions } from '../descriptions/options';

const kind = TASK_KINDS.image;

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['image'], operation: ['generateAndWait'] } }, [
	...generationFields(),
	waitOptions(kind),
]);

/**
 * Submits every item's task, waits for it and outputs its images.
 * @public Called by actions/router.ts through the resource's operations table.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// Every item is checked first: nothing is sent (and no credit spent) if any input is wrong.
	const jobs = await readItems(this, async (itemIndex): Promise<TaskJob> => ({
		action: 'submitAndWait',
		request: await readGenerateRequest(this, itemIndex),
		settings: readWaitSettings(this, kind, itemIndex),
	}));
	return await runTasks(this, kind, jobs);
}
