/**
 * Runs a quick request per item, one item after another (Task → Get and Delete: free, fast calls
 * for which a pool would add nothing), with n8n's Continue On Fail semantics.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ensureNodeError, errorItem } from './errors';
import type { ItemRead } from './readItems';

export async function runEachItem<T>(
	ctx: IExecuteFunctions,
	reads: Array<ItemRead<T>>,
	run: (value: T, itemIndex: number, signal: AbortSignal | undefined) => Promise<IDataObject>,
	/** Fields of the input that the error item repeats, so the workflow can tell which failed. */
	identify: (value: T) => IDataObject,
): Promise<INodeExecutionData[]> {
	const signal = ctx.getExecutionCancelSignal();
	const output: INodeExecutionData[] = [];
	for (const read of reads) {
		if (!read.ok) {
			output.push(read.errorItem);
			continue;
		}
		const { itemIndex, value } = read;
		try {
			output.push({ json: await run(value, itemIndex, signal), pairedItem: { item: itemIndex } });
		} catch (caught) {
			const error = ensureNodeError(ctx, caught, itemIndex);
			if (!ctx.continueOnFail() || signal?.aborted) throw error;
			output.push(errorItem(error, itemIndex, identify(value)));
		}
	}
	return output;
}
