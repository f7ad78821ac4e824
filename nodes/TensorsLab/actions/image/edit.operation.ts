import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { readGenerateRequest } from '../../engine/generateParameters';
import { readItems } from '../../engine/readItems';
import { runTasks, type TaskJob } from '../../engine/runner';
import { readWaitSettings } from '../../engine/settings';
import { EDIT_MODEL_ID, MODELS } from '../../models';
import { TASK_KINDS } from '../../taskKinds';
import { waitOptions } from '../descriptions/options';
import { sizeFields, sourceImageFields } from '../descriptions/sizeFields';

const kind = TASK_KINDS.image;
const model = MODELS[EDIT_MODEL_ID];

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['image'], operation: ['edit'] } }, [
	{
		displayName:
			"Edit uses TensorsLab's quick edit endpoint, which TensorsLab's API documentation does not describe: the node follows TensorsLab's own client, and TensorsLab may change it",
		name: 'editNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. Remove the background',
		description: 'The instruction: what to change in the image (erase an object, remove the background, …). Sent exactly as written.',
	},
	...sizeFields([model], false),
	...sourceImageFields(
		{
			binary: "Name of the input item's binary field that holds the image to edit. Set this or 'Source Image URL'.",
			url: "A public http(s) URL of the image to edit, sent exactly as typed. Use this or 'Input Binary Field', not both.",
		},
		{ single: model.maxSourceImages === 1 },
	),
	waitOptions(kind),
]);

/**
 * Edits every item's image, waits for the result and outputs it as Generate and Wait does.
 * @public Called by actions/router.ts through the resource's operations table.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	// Every item is checked first (a source image included): nothing is sent if any input is wrong.
	const jobs = await readItems(this, async (itemIndex): Promise<TaskJob> => ({
		action: 'submitAndWait',
		request: await readGenerateRequest(this, itemIndex, EDIT_MODEL_ID),
		settings: readWaitSettings(this, kind, itemIndex),
	}));
	return await runTasks(this, kind, jobs);
}
