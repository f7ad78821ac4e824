/**
 * Reads and checks every item's parameters before the first request goes out, because each
 * generate request spends credits. Bad input becomes an error naming the item and the parameter;
 * under Continue On Fail it becomes that item's error item and the other items go on.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ensureNodeError, errorItem } from './errors';

export type ItemRead<T> = { ok: true; itemIndex: number; value: T } | { ok: false; itemIndex: number; errorItem: INodeExecutionData };

/**
 * A further check of items already read (one that needs a request, e.g. that a task exists), with
 * the same Continue On Fail handling: a failing item becomes its error item, or stops the node.
 */
export async function checkEachItem<T>(
	ctx: IExecuteFunctions,
	reads: Array<ItemRead<T>>,
	check: (value: T, itemIndex: number) => Promise<void>,
): Promise<Array<ItemRead<T>>> {
	const out: Array<ItemRead<T>> = [];
	for (const read of reads) {
		if (!read.ok) {
			out.push(read);
			continue;
		}
		try {
			await check(read.value, read.itemIndex);
			out.push(read);
		} catch (caught) {
			const error = ensureNodeError(ctx, caught, read.itemIndex);
			if (!ctx.continueOnFail() || ctx.getExecutionCancelSignal()?.aborted) throw error;
			out.push({ ok: false, itemIndex: read.itemIndex, errorItem: errorItem(error, read.itemIndex) });
		}
	}
	return out;
}

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
