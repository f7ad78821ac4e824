import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as image from './actions/image';
import { router } from './actions/router';
import * as task from './actions/task';
import * as video from './actions/video';

export class TensorsLab implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TensorsLab',
		name: 'tensorsLab',
		icon: { light: 'file:../../icons/tensorslab.svg', dark: 'file:../../icons/tensorslab.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Generate images (SeeDream, Z-Image) and videos (SeeDance) with TensorsLab, from text or from images, with the results as binary data',
		defaults: { name: 'TensorsLab' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'tensorsLabApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Image', value: 'image' },
					{ name: 'Task', value: 'task' },
					{ name: 'Video', value: 'video' },
				],
				default: 'image',
			},
			...image.description,
			...task.description,
			...video.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
