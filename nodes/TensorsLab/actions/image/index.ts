import type { INodeProperties } from 'n8n-workflow';

import { operationSelector, type OperationLabels } from '../descriptions/operationSelector';
import * as edit from './edit.operation';
import * as generate from './generate.operation';
import * as generateAndWait from './generateAndWait.operation';

export const operations = { generateAndWait, generate, edit };

const labels: OperationLabels<keyof typeof operations> = {
	generateAndWait: {
		name: 'Generate and Wait',
		description: 'Generate images, wait for them and output them as binary data',
		action: 'Generate images and wait for them',
	},
	generate: {
		name: 'Generate',
		description: 'Start generating images and return the task ID at once; fetch them later with Task → Wait and Download',
		action: 'Start image generation task',
	},
	edit: {
		name: 'Edit',
		description:
			"Edit an image by an instruction (another aspect ratio, an object erased, the background removed), wait and output the result. Uses TensorsLab's quick edit endpoint, which TensorsLab's documentation does not describe.",
		action: 'Edit image',
	},
};

export const description: INodeProperties[] = [
	operationSelector('image', labels, 'generateAndWait'),
	...generateAndWait.description,
	...generate.description,
	...edit.description,
];
