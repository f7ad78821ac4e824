import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runPool } from '../../helpers/pool';
import { generationFields, submitOptions } from '../common.descriptions';
import { readAllItems, readGenerateRequest } from '../itemInput';
import { DEFAULT_MAX_CONCURRENCY, submitTask } from '../taskRunner';

const show = { resource: ['image'], operation: ['generate'] };

export const description: INodeProperties[] = [...generationFields(['generate']), submitOptions(show)];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const plans = await readAllItems(this, async (itemIndex) => {
		const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
		return {
			request: await readGenerateRequest(this, itemIndex),
			timeoutMs: Number(options.requestTimeout ?? 180) * 1000,
		};
	});
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const results = plans.map((plan) => (Array.isArray(plan) ? plan : []));
	const signal = this.getExecutionCancelSignal();
	let firstError: unknown;
	const created: string[] = [];
	await runPool(
		plans.length,
		Number(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY),
		async (itemIndex) => {
			const plan = plans[itemIndex];
			if (Array.isArray(plan) || firstError !== undefined) return;
			try {
				const taskId = await submitTask(this, plan.request, { signal, itemIndex, timeoutMs: plan.timeoutMs });
				created.push(taskId);
				const prompt = plan.request.fields.find(([name]) => name === 'prompt')?.[1];
				results[itemIndex] = [
					{
						json: { taskId, model: plan.request.model, status: 'queued', imageCount: plan.request.imageCount, prompt },
						pairedItem: { item: itemIndex },
					},
				];
			} catch (error) {
				if (this.continueOnFail() && !signal?.aborted) {
					results[itemIndex] = [{ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } }];
				} else if (firstError === undefined) {
					firstError = error;
				}
			}
		},
		signal,
	);
	if (firstError !== undefined) {
		const error = firstError as Error & { description?: string };
		if (created.length > 0) {
			error.description = `${error.description ? `${error.description} ` : ''}Tasks already created in this run: ${created.join(', ')}.`;
		}
		throw error;
	}
	return results.flat();
}
