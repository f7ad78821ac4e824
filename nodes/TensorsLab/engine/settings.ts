/**
 * The options of the operations that submit or wait, read and checked before anything is sent.
 * Defaults come from the task-kind table; Max Concurrency applies to the whole run and is read once.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ParameterError } from '../helpers/parameterError';
import { OPTION_DEFAULTS, type TaskKind } from '../taskKinds';

export interface SubmitSettings {
	requestTimeoutMs: number;
}

export interface WaitSettings extends SubmitSettings {
	pollIntervalMs?: number;
	timeoutMs: number;
	downloadResults: boolean;
	outputMode: 'itemPerImage' | 'singleItem';
	binaryPropertyName: string;
	deleteAfterDownload: boolean;
	onTimeout: 'error' | 'returnPending';
	maxBytes: number;
}

interface RunSettings {
	maxConcurrency: number;
}

function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return (ctx.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
}

/** A number option of at least `min`, its default when unset. */
function numberOption(options: IDataObject, name: string, fallback: number, min: number): number {
	const value = options[name] ?? fallback;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
		throw new ParameterError(`options.${name}`, `must be a number of at least ${min}, got ${JSON.stringify(value)}`);
	}
	return value;
}

export function readSubmitSettings(ctx: IExecuteFunctions, kind: TaskKind, itemIndex: number): SubmitSettings {
	const options = readOptions(ctx, itemIndex);
	return { requestTimeoutMs: numberOption(options, 'requestTimeout', kind.defaults.requestTimeoutSeconds, 0.001) * 1000 };
}

export function readWaitSettings(ctx: IExecuteFunctions, kind: TaskKind, itemIndex: number): WaitSettings {
	const options = readOptions(ctx, itemIndex);
	const binaryPropertyName = String(options.binaryPropertyName ?? OPTION_DEFAULTS.binaryPropertyName).trim();
	if (binaryPropertyName === '' || /[\s,]/.test(binaryPropertyName)) {
		throw new ParameterError('options.binaryPropertyName', `"${binaryPropertyName}" is not a usable binary property name`);
	}
	const pollInterval = numberOption(options, 'pollInterval', OPTION_DEFAULTS.pollIntervalSeconds, 0);
	return {
		pollIntervalMs: pollInterval > 0 ? pollInterval * 1000 : undefined,
		timeoutMs: numberOption(options, 'timeout', kind.defaults.timeoutSeconds, 0.001) * 1000,
		downloadResults: options[kind.optionNames.download] !== false,
		outputMode: options.outputMode === 'singleItem' ? 'singleItem' : 'itemPerImage',
		binaryPropertyName,
		deleteAfterDownload: options.deleteAfterDownload === true,
		onTimeout: options.onTimeout === 'returnPending' ? 'returnPending' : 'error',
		requestTimeoutMs: numberOption(options, 'requestTimeout', kind.defaults.requestTimeoutSeconds, 0.001) * 1000,
		maxBytes: Math.floor(numberOption(options, kind.optionNames.maxSizeMb, kind.defaults.maxSizeMb, 0.001) * 1024 * 1024),
	};
}

/** Read once, from the first item: one pool runs all items. */
export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	if (ctx.getInputData().length === 0) return { maxConcurrency: OPTION_DEFAULTS.maxConcurrency };
	const value = numberOption(readOptions(ctx, 0), 'maxConcurrency', OPTION_DEFAULTS.maxConcurrency, 1);
	return { maxConcurrency: Math.floor(value) };
}
