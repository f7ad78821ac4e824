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
		description: "Retrieve a task's status and the URLs of its images or video",
		action: 'Get task',
	},
	waitAndDownload: {
		name: 'Wait and Download',
		description: 'Wait for a task started by Generate and output its images or video as binary data',
		action: 'Wait for task and download its images or video',
	},
};

export const description: INodeProperties[] = [
	operationSelector('task', labels, 'get'),
	taskTypeField,
	...get.description,
	...waitAndDownload.description,
	...deleteTask.description,
];
