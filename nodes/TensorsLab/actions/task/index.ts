import type { INodeProperties } from 'n8n-workflow';

import * as deleteTask from './delete.operation';
import * as get from './get.operation';
import * as waitAndDownload from './waitAndDownload.operation';

export { deleteTask as delete, get, waitAndDownload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['task'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete one or more tasks and their images at TensorsLab',
				action: 'Delete tasks',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a task\'s status and image URLs',
				action: 'Get a task',
			},
			{
				name: 'Wait and Download',
				value: 'waitAndDownload',
				description: 'Wait for a task started by Generate and output its images as binary data',
				action: 'Wait for a task and download its images',
			},
		],
		default: 'get',
	},
	...get.description,
	...waitAndDownload.description,
	...deleteTask.description,
];
