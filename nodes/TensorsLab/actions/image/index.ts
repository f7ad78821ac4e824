import type { INodeProperties } from 'n8n-workflow';

import { operationSelector, type OperationLabels } from '../descriptions/operationSelector';
import * as generate from './generate.operation';
import * as generateAndWait from './generateAndWait.operation';

export const operations = { generateAndWait, generate };

const labels: OperationLabels<keyof typeof operations> = {
	generateAndWait: {
		name: 'Generate and Wait',
		description: 'Generate images, wait for them and output them as binary data',
		action: 'Generate images and wait for them',
	},
	generate: {
		name: 'Generate',
		description: 'Start generating and return the task ID at once; fetch the images later with Task → Wait and Download',
		action: 'Start an image generation task',
	},
};

export const description: INodeProperties[] = [
	operationSelector('image', labels, 'generateAndWait'),
	...generateAndWait.description,
	...generate.description,
];
