import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { runEachItem } from '../../engine/eachItem';
import { readItems } from '../../engine/readItems';
import { taskInfoToJson } from '../../helpers/status';
import { parseTaskId } from '../../helpers/taskIds';
import type { TaskKind } from '../../taskKinds';
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
		description: "The 'taskId' returned by a Generate operation",
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
	},
]);

/**
 * The fields of the simplified answer (at most 10, as n8n's guideline asks): the task, its status,
 * model and result URLs, the kind's own details (size of an image; length, resolution, ratio, FPS
 * and last frame of a video) and the reason a task failed. Off, Get returns also the status code,
 * seed, prompt and start time.
 */
function simplified(json: IDataObject, kind: TaskKind): IDataObject {
	const fields = ['taskId', 'status', 'model', 'urls', ...Object.keys(kind.details), 'errorMessage'];
	return Object.fromEntries(fields.map((field) => [field, json[field] ?? null]));
}

/**
 * One status request per item.
 * @public Called by actions/router.ts through the resource's operations table.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const kind = readTaskKind(this);
	const reads = await readItems(this, (itemIndex) => ({
		taskId: parseTaskId(this.getNodeParameter('taskId', itemIndex)),
		simplify: this.getNodeParameter('simplify', itemIndex, true) !== false,
	}));
	return await runEachItem(
		this,
		reads,
		async ({ taskId, simplify }, itemIndex, signal) => {
			const json = taskInfoToJson(await fetchTaskInfo(this, kind, taskId, { signal, itemIndex, timeoutMs: kind.defaults.requestTimeoutSeconds * 1000 }), kind);
			return simplify ? simplified(json, kind) : json;
		},
		({ taskId }) => ({ taskId }),
	);
}
