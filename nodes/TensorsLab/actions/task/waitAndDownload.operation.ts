import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { parseTaskId } from '../../helpers/validation';
import { waitOptions } from '../common.descriptions';
import { readAllItems } from '../itemInput';
import { readWaitSettings, runTaskPlans, type TaskPlan } from '../taskRunner';

const show = { resource: ['task'], operation: ['waitAndDownload'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. abcd_1234567890abcdef',
		description: 'The taskId returned by a Generate operation, or named in a timeout error',
		displayOptions: { show },
	},
	waitOptions(show),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const plans = await readAllItems(this, (itemIndex): TaskPlan => ({
		itemIndex,
		kind: 'existing',
		taskId: parseTaskId(this.getNodeParameter('taskId', itemIndex)),
		settings: readWaitSettings(this, itemIndex),
	}));
	return await runTaskPlans(this, plans);
}
