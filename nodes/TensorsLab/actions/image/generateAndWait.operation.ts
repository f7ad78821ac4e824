import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { generationFields, waitOptions } from '../common.descriptions';
import { readAllItems, readGenerateRequest } from '../itemInput';
import { readWaitSettings, runTaskPlans, type TaskPlan } from '../taskRunner';

const show = { resource: ['image'], operation: ['generateAndWait'] };

export const description: INodeProperties[] = [...generationFields(['generateAndWait']), waitOptions(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// Every item is checked first: nothing is sent (and no credit spent) if any input is wrong.
	const plans = await readAllItems(this, async (itemIndex): Promise<TaskPlan> => ({
		itemIndex,
		kind: 'submit',
		request: await readGenerateRequest(this, itemIndex),
		settings: readWaitSettings(this, itemIndex),
	}));
	return await runTaskPlans(this, plans);
}
