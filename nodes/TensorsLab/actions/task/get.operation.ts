import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { taskInfoToJson } from '../../helpers/status';
import { parseTaskId } from '../../helpers/validation';
import { readAllItems } from '../itemInput';
import { fetchTaskInfo } from '../taskRunner';
import { ensureNodeError } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. abcd_1234567890abcdef',
		description: 'The taskId returned by a Generate operation',
		displayOptions: { show: { resource: ['task'], operation: ['get'] } },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const taskIds = await readAllItems(this, (itemIndex) => parseTaskId(this.getNodeParameter('taskId', itemIndex)));
	const signal = this.getExecutionCancelSignal();
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, taskId] of taskIds.entries()) {
		if (Array.isArray(taskId)) {
			output.push(...taskId);
			continue;
		}
		try {
			const info = await fetchTaskInfo(this, taskId, { signal, itemIndex });
			output.push({ json: taskInfoToJson(info), pairedItem: { item: itemIndex } });
		} catch (error) {
			if (!this.continueOnFail() || signal?.aborted) throw ensureNodeError(this, error, itemIndex);
			output.push({ json: { error: (error as Error).message, taskId }, pairedItem: { item: itemIndex } });
		}
	}
	return output;
}
