import type { INodeProperties } from 'n8n-workflow';

import { operationSelector, type OperationLabels } from '../descriptions/operationSelector';
import * as deleteTask from './delete.operation';
import * as get from './get.operation';
import * as waitAndDownload from './waitAndDownload.operation';

export const operations = { delete: deleteTask, get, waitAndDownload };

const labels: OperationLabels<keyof typeof operations> = {
	delete: {
		name: 'Delete',
		description: 'Delete one or more tasks and their images at TensorsLab',
		action: 'Delete tasks',
	},
	get: {
		name: 'Get',
		description: "Get a task's status and image URLs",
		action: 'Get a task',
	},
	waitAndDownload: {
		name: 'Wait and Download',
		description: 'Wait for a task started by Generate and output its images as binary data',
		action: 'Wait for a task and download its images',
	},
};

export const description: INodeProperties[] = [
	operationSelector('task', labels, 'get'),
	...get.description,
	...waitAndDownload.description,
	...deleteTask.description,
];
