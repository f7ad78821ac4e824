/**
 * Task → Task Type: which kind of task the ID belongs to, so that Get, Wait and Download and
 * Delete ask the right endpoints (the rows of ../../taskKinds.ts). Image is the default, so
 * workflows from before videos keep working unchanged. One value for the whole run.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { TASK_KINDS, isTaskKindId, type TaskKind } from '../../taskKinds';

export const taskTypeField: INodeProperties = {
	displayName: 'Task Type',
	name: 'taskType',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Image', value: 'image', description: 'A task of Image → Generate' },
		{ name: 'Video', value: 'video', description: 'A task of Video → Generate' },
	],
	default: 'image',
	displayOptions: { show: { resource: ['task'], operation: ['get', 'waitAndDownload', 'delete'] } },
};

export function readTaskKind(ctx: IExecuteFunctions): TaskKind {
	const value = ctx.getNodeParameter('taskType', 0, 'image') as unknown;
	if (!isTaskKindId(value)) {
		throw new NodeOperationError(ctx.getNode(), `Unknown task type "${String(value)}" [item 0, parameter "taskType"]`, {
			itemIndex: 0,
			description: "Set 'Task Type' to Image or Video",
		});
	}
	return TASK_KINDS[value];
}
