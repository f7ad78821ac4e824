import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import * as image from './image';
import * as task from './task';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

const resources: Record<string, Record<string, Operation>> = {
	image: { generate: image.generate, generateAndWait: image.generateAndWait },
	task: { get: task.get, waitAndDownload: task.waitAndDownload, delete: task.delete },
};

/** Dispatches to the operation. Operations get all items at once, so they can run them concurrently. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for resource "${resource}"`);
	}
	return [await handler.execute.call(this)];
}
