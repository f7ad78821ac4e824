import type { INodeProperties } from 'n8n-workflow';

import { operationSelector, type OperationLabels } from '../descriptions/operationSelector';
import * as generate from './generate.operation';
import * as generateAndWait from './generateAndWait.operation';

export const operations = { generateAndWait, generate };

const labels: OperationLabels<keyof typeof operations> = {
	generateAndWait: {
		name: 'Generate and Wait',
		description: 'Generate a video, wait for it and output it as binary data',
		action: 'Generate video and wait for it',
	},
	generate: {
		name: 'Generate',
		description: 'Start generating a video and return the task ID at once; fetch it later with Task → Wait and Download',
		action: 'Start video generation task',
	},
};

export const description: INodeProperties[] = [
	operationSelector('video', labels, 'generateAndWait'),
	...generateAndWait.description,
	...generate.description,
];
