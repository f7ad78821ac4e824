/**
 * FPS, Generate Audio, Return Last Frame and Seed live in the Video operations' Additional Fields
 * collection (actions/descriptions/videoFields.ts). The engine reads every Video parameter by its
 * name; this view of the execution context answers those four names from the collection, so
 * the engine reads them where they are now.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { VIDEO_ADDITIONAL_FIELDS } from '../descriptions/videoFields';

const IN_COLLECTION: ReadonlySet<string> = new Set(VIDEO_ADDITIONAL_FIELDS);

export function withAdditionalFields(ctx: IExecuteFunctions): IExecuteFunctions {
	const getNodeParameter = ((name: string, itemIndex: number, fallback?: unknown, options?: unknown) =>
		(ctx.getNodeParameter as (...args: unknown[]) => unknown)(
			IN_COLLECTION.has(name) ? `additionalFields.${name}` : name,
			itemIndex,
			fallback,
			options,
		)) as IExecuteFunctions['getNodeParameter'];
	return new Proxy(ctx, {
		get(target, key) {
			if (key === 'getNodeParameter') return getNodeParameter;
			const value: unknown = Reflect.get(target, key);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}
