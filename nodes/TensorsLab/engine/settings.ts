/**
 * The options of the operations that submit or wait, read and checked before anything is sent.
 * Defaults come from the task-kind table; Max Concurrency applies to the whole run and is read once.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ParameterError } from '../helpers/parameterError';
import { OPTION_DEFAULTS, OPTION_LABELS, type TaskKind } from '../taskKinds';

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

/** A number option of at least `min`, its default when unset; `label` names it in messages. */
function numberOption(options: IDataObject, name: string, label: string, fallback: number, min: number): number {
	const value = options[name] ?? fallback;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
		throw new ParameterError(`options.${name}`, `'${label}' must be a number of at least ${min}, got ${JSON.stringify(value)}`);
	}
	return value;
}

/** A time option in seconds, at most OPTION_DEFAULTS.maxSeconds, returned in milliseconds. */
function secondsOption(options: IDataObject, name: keyof typeof OPTION_DEFAULTS.maxSeconds, fallback: number, min: number): number {
	const label = OPTION_LABELS[name];
	const max = OPTION_DEFAULTS.maxSeconds[name];
	const value = numberOption(options, name, label, fallback, min);
	if (value > max) {
		throw new ParameterError(`options.${name}`, `'${label}' must be at most ${max.toLocaleString('en-US')} seconds, got ${value}`);
	}
	return value * 1000;
}

export function readSubmitSettings(ctx: IExecuteFunctions, kind: TaskKind, itemIndex: number): SubmitSettings {
	const options = readOptions(ctx, itemIndex);
	return { requestTimeoutMs: secondsOption(options, 'requestTimeout', kind.defaults.requestTimeoutSeconds, 0.001) };
}

/**
 * The binary property names a task's files take on its output items: the results' (or, with
 * "All in One Item", their prefix's) must not be the extra file's, or one would overwrite the other.
 */
function checkBinaryNameClash(kind: TaskKind, name: string, outputMode: WaitSettings['outputMode']): void {
	const extra = kind.extraFile;
	if (extra === undefined) return;
	const taken = extra.binaryName;
	const clashes =
		outputMode === 'singleItem' ? taken.startsWith(`${name}_`) && /^\d+$/.test(taken.slice(name.length + 1)) : name === taken;
	if (clashes) {
		throw new ParameterError(
			'options.binaryPropertyName',
			`"${name}" would put the ${kind.noun.one} in "${taken}", the field that holds the ${extra.result.label}, so one would overwrite the other`,
			`Choose another name for the ${kind.noun.one}, for example data.`,
		);
	}
}

export function readWaitSettings(ctx: IExecuteFunctions, kind: TaskKind, itemIndex: number): WaitSettings {
	const options = readOptions(ctx, itemIndex);
	const binaryPropertyName = String(options.binaryPropertyName ?? OPTION_DEFAULTS.binaryPropertyName).trim();
	if (binaryPropertyName === '' || /[\s,]/.test(binaryPropertyName)) {
		throw new ParameterError('options.binaryPropertyName', `"${binaryPropertyName}" is not a usable binary field name`);
	}
	const pollIntervalMs = secondsOption(options, 'pollInterval', OPTION_DEFAULTS.pollIntervalSeconds, 0);
	const outputMode = kind.noun.outputModes && options.outputMode === 'singleItem' ? 'singleItem' : 'itemPerImage';
	checkBinaryNameClash(kind, binaryPropertyName, outputMode);
	const downloadResults = options[kind.optionNames.download] !== false;
	const deleteAfterDownload = options.deleteAfterDownload === true;
	// Deleting a task makes its result URLs dead at once: with the download off, the user would
	// be left with URLs to nothing they paid for. Refused before anything is sent.
	if (deleteAfterDownload && !downloadResults) {
		throw new ParameterError(
			'options.deleteAfterDownload',
			`'Delete Task After Download' needs 'Download ${kind.noun.titles}' on: deleting the task would make the ${kind.noun.one} URLs dead before anything is downloaded`,
			`Turn 'Download ${kind.noun.titles}' on, or turn 'Delete Task After Download' off and delete the task later with Task → Delete.`,
		);
	}
	return {
		pollIntervalMs: pollIntervalMs > 0 ? pollIntervalMs : undefined,
		timeoutMs: secondsOption(options, 'timeout', kind.defaults.timeoutSeconds, 0.001),
		downloadResults,
		outputMode,
		binaryPropertyName,
		deleteAfterDownload,
		onTimeout: options.onTimeout === 'returnPending' ? 'returnPending' : 'error',
		requestTimeoutMs: secondsOption(options, 'requestTimeout', kind.defaults.requestTimeoutSeconds, 0.001),
		maxBytes: Math.floor(numberOption(options, kind.optionNames.maxSizeMb, `Max ${kind.noun.title} Size (MB)`, kind.defaults.maxSizeMb, 0.001) * 1024 * 1024),
	};
}

/** Read once, from the first item: one pool runs all items. */
export function readRunSettings(ctx: IExecuteFunctions): RunSettings {
	if (ctx.getInputData().length === 0) return { maxConcurrency: OPTION_DEFAULTS.maxConcurrency };
	const value = numberOption(readOptions(ctx, 0), 'maxConcurrency', OPTION_LABELS.maxConcurrency, OPTION_DEFAULTS.maxConcurrency, 1);
	return { maxConcurrency: Math.floor(value) };
}
