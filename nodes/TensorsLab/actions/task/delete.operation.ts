import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { parseTaskIds } from '../../helpers/validation';
import { readAllItems } from '../itemInput';
import { deleteTasks } from '../taskRunner';
import { ensureNodeError } from '../../transport';

const show = { resource: ['task'], operation: ['delete'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Task IDs',
		name: 'taskIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. abcd_1234567890abcdef, efgh_0987654321fedcba',
		description: 'Comma-separated task IDs, or an expression that returns a list of them',
		displayOptions: { show },
	},
	{
		displayName: 'User ID',
		name: 'uid',
		type: 'string',
		default: '',
		description: 'Optional TensorsLab user ID sent as uid with the request',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const requests = await readAllItems(this, (itemIndex) => ({
		taskIds: parseTaskIds(this.getNodeParameter('taskIds', itemIndex)),
		uid: String(this.getNodeParameter('uid', itemIndex, '') ?? '').trim() || undefined,
	}));
	const signal = this.getExecutionCancelSignal();
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, request] of requests.entries()) {
		if (Array.isArray(request)) {
			output.push(...request);
			continue;
		}
		try {
			await deleteTasks(this, request.taskIds, request.uid, { signal, itemIndex });
			output.push({
				json: { success: true, deleted: request.taskIds, ...(request.uid ? { uid: request.uid } : {}) },
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			if (!this.continueOnFail() || signal?.aborted) throw ensureNodeError(this, error, itemIndex);
			output.push({ json: { error: (error as Error).message, taskIds: request.taskIds }, pairedItem: { item: itemIndex } });
		}
	}
	return output;
}
