/**
 * Resource → operation → module, checked by the compiler: every operation offered in a
 * resource's dropdown has a module here, and each module exports `description` and `execute`.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import * as image from './image';
import * as task from './task';
import * as video from './video';

interface OperationModule {
	description: INodeProperties[];
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;
}

const resources = {
	image: image.operations,
	task: task.operations,
	video: video.operations,
} satisfies Record<string, Record<string, OperationModule>>;

type Resource = keyof typeof resources;

function isResource(value: string): value is Resource {
	return Object.prototype.hasOwnProperty.call(resources, value);
}

/** Dispatches to the operation. Operations get all items at once, so they can run them concurrently. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const operations: Record<string, OperationModule> | undefined = isResource(resource) ? resources[resource] : undefined;
	const handler = operations && Object.prototype.hasOwnProperty.call(operations, operation) ? operations[operation] : undefined;
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for resource "${resource}"`);
	}
	return [await handler.execute.call(this)];
}
