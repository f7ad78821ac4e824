/**
 * The Options collections of the operations that submit or wait. Defaults come from the task-kind
 * table (they differ between kinds of task) and OPTION_DEFAULTS; each operation adds its own
 * resource/operation display options.
 */
import type { INodeProperties } from 'n8n-workflow';

import { OPTION_DEFAULTS, OPTION_LABELS, type TaskKind } from '../../taskKinds';

// Named constants, so that n8n's lint rules see each default as a value.
const { maxConcurrency: DEFAULT_MAX_CONCURRENCY, pollIntervalSeconds: DEFAULT_POLL_INTERVAL, binaryPropertyName: DEFAULT_BINARY_PROPERTY } =
	OPTION_DEFAULTS;
const MAX_SECONDS = OPTION_DEFAULTS.maxSeconds;

function maxConcurrency(): INodeProperties {
	return {
		displayName: OPTION_LABELS.maxConcurrency,
		name: 'maxConcurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: OPTION_DEFAULTS.maxConcurrencyLimit, numberPrecision: 0 },
		default: DEFAULT_MAX_CONCURRENCY,
		description: 'How many items may have a task in flight at once (read from the first item)',
	};
}

function requestTimeout(kind: TaskKind): INodeProperties {
	const { requestTimeoutSeconds } = kind.defaults;
	return {
		displayName: OPTION_LABELS.requestTimeout,
		name: 'requestTimeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_SECONDS.requestTimeout },
		default: requestTimeoutSeconds,
		description: `How long one HTTP request may take, from sending it to the last byte of the answer. At most ${MAX_SECONDS.requestTimeout.toLocaleString('en-US')} seconds.`,
	};
}

/** Generate and Wait, Wait and Download. */
export function waitOptions(kind: TaskKind): INodeProperties {
	const { timeoutSeconds, maxSizeMb } = kind.defaults;
	const { one, many, title, titles, outputModes } = kind.noun;
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Delete Task After Download',
				name: 'deleteAfterDownload',
				type: 'boolean',
				default: false,
				description: `Whether to delete the task at TensorsLab once its ${many} are downloaded. Needs 'Download ${titles}' on: the node never deletes a task whose results it did not download. If a download fails, the task is kept.`,
			},
			{
				displayName: `Download ${titles}`,
				name: kind.optionNames.download,
				type: 'boolean',
				default: true,
				description: `Whether to download the ${many} as binary data. Off returns only their URLs (kept by TensorsLab for about 24 hours).`,
			},
			maxConcurrency(),
			{
				displayName: `Max ${title} Size (MB)`,
				name: kind.optionNames.maxSizeMb,
				type: 'number',
				typeOptions: { minValue: 1 },
				default: maxSizeMb,
				description: 'Downloads larger than this fail instead of filling memory or disk',
			},
			{
				displayName: 'On Timeout',
				name: 'onTimeout',
				type: 'options',
				options: [
					{ name: 'Error', value: 'error', description: 'Fail the item; the message names the task ID to resume with Wait and Download' },
					{ name: 'Return Pending', value: 'returnPending', description: 'Output {taskId, status: "pending"} and go on' },
				],
				default: 'error',
			},
			...(outputModes
				? [
						{
							displayName: 'Output Mode',
							name: 'outputMode',
							type: 'options' as const,
							options: [
								{ name: 'One Item per Image', value: 'itemPerImage' },
								{ name: 'All Images in One Item', value: 'singleItem' },
							],
							default: 'itemPerImage',
						},
					]
				: []),
			{
				displayName: OPTION_LABELS.pollInterval,
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: MAX_SECONDS.pollInterval },
				default: DEFAULT_POLL_INTERVAL,
				description: `Seconds between status checks, at most ${MAX_SECONDS.pollInterval.toLocaleString('en-US')}. 0 adapts: often at first, then less often for long tasks.`,
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: DEFAULT_BINARY_PROPERTY,
				hint: 'The name of the output binary field to put the file in',
				description: outputModes
					? `Name of the output binary field for the ${one}. With 'All ${titles} in One Item' it is a prefix: data_0, data_1 and so on.`
					: `Name of the output binary field for the ${one}`,
			},
			requestTimeout(kind),
			{
				displayName: OPTION_LABELS.timeout,
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_SECONDS.timeout },
				default: timeoutSeconds,
				description: `Longest time to wait for a task to finish. At most ${MAX_SECONDS.timeout.toLocaleString('en-US')} seconds (24 hours).`,
			},
		],
	};
}

/** Generate (submit only). */
export function submitOptions(kind: TaskKind): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [maxConcurrency(), requestTimeout(kind)],
	};
}
