/**
 * Reads and checks every item's parameters before the first request goes out, because each
 * generate request spends credits. Bad input becomes an error naming the item and the parameter;
 * under Continue On Fail it becomes that item's error item and the other items go on.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ensureNodeError, errorItem } from './errors';

export type ItemRead<T> = { ok: true; itemIndex: number; value: T } | { ok: false; itemIndex: number; errorItem: INodeExecutionData };

export async function readItems<T>(ctx: IExecuteFunctions, read: (itemIndex: number) => Promise<T> | T): Promise<Array<ItemRead<T>>> {
	const count = ctx.getInputData().length;
	const out: Array<ItemRead<T>> = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			out.push({ ok: true, itemIndex, value: await read(itemIndex) });
		} catch (caught) {
			const error = ensureNodeError(ctx, caught, itemIndex);
			if (!ctx.continueOnFail()) throw error;
			out.push({ ok: false, itemIndex, errorItem: errorItem(error, itemIndex) });
		}
	}
	return out;
}
