import type { INodeProperties } from 'n8n-workflow';

import * as generate from './generate.operation';
import * as generateAndWait from './generateAndWait.operation';

export { generate, generateAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Generate and Wait',
				value: 'generateAndWait',
				description: 'Generate images, wait for them and output them as binary data',
				action: 'Generate images and wait for them',
			},
			{
				name: 'Generate',
				value: 'generate',
				description: 'Start generating and return the task ID at once; fetch the images later with Task → Wait and Download',
				action: 'Start an image generation task',
			},
		],
		default: 'generateAndWait',
	},
	...generateAndWait.description,
	...generate.description,
];
