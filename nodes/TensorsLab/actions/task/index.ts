import type { INodeProperties } from 'n8n-workflow';

import { operationSelector, type OperationLabels } from '../descriptions/operationSelector';
import * as deleteTask from './delete.operation';
import * as get from './get.operation';
import { taskTypeField } from './taskType';
import * as waitAndDownload from './waitAndDownload.operation';

export const operations = { delete: deleteTask, get, waitAndDownload };

const labels: OperationLabels<keyof typeof operations> = {
	delete: {
		name: 'Delete',
		description: 'Delete one or more tasks and their results at TensorsLab',
		action: 'Delete tasks',
	},
	get: {
		name: 'Get',
		description: "Get a task's status and result URLs",
		action: 'Get a task',
	},
	waitAndDownload: {
		name: 'Wait and Download',
		description: 'Wait for a task started by Generate and output its results as binary data',
		action: 'Wait for a task and download its images',
	},
};

export const description: INodeProperties[] = [
	operationSelector('task', labels, 'get'),
	taskTypeField,
	...get.description,
	...waitAndDownload.description,
	...deleteTask.description,
];
