/**
 * Runs a node inside a real n8n-core workflow execution:
 *
 *   [Harness Source] --main--> [node under test]
 *
 * executed by n8n-core's WorkflowExecute on an n8n-workflow Workflow, with a real
 * IWorkflowExecuteAdditionalData (credentials helper, lifecycle hooks, URLs, variables…). The
 * node therefore gets n8n's own ExecuteContext: real `getNodeParameter`, `getCredentials`,
 * `helpers.httpRequest(WithAuthentication)` (n8n's outbound HTTP client), `prepareBinaryData` /
 * `getBinaryDataBuffer` / `getBinaryStream` (n8n's BinaryDataService), `continueOnFail`,
 * `getExecutionCancelSignal` (wired to the PCancelable returned by `WorkflowExecute.run`).
 *
 * Runs are serialised: the DI container (binary data service) is process-wide.
 */
import type {
	ExecutionStatus,
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	IRunData,
	ITaskData,
	IWorkflowBase,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, Workflow } from 'n8n-workflow';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { existsSync, rmSync } from 'node:fs';

import { TensorsLabApi } from '../../credentials/TensorsLabApi.credentials';
import { WORKFLOW_ID, buildAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials-helper';
import type { HarnessBinaryMode, HarnessLogEntry } from './environment';
import { activateBinaryStore, getEnvironment } from './environment';
import type { HarnessInputItem } from './node-types';
import { HarnessNodeTypes, PACKAGE_NAME, SOURCE_NODE_TYPE, createSourceNodeType } from './node-types';

export { testCredential } from './credential-test';
export type { CredentialTestResult } from './credential-test';
export { HarnessCredentialsHelper } from './credentials-helper';
export { disposeEnvironment as disposeHarness, getEnvironment as getHarnessEnvironment } from './environment';
export type { HarnessBinaryMode, HarnessEnvironment, HarnessLogEntry } from './environment';
export type { HarnessInputItem } from './node-types';

export const CREDENTIAL_TYPE = 'tensorsLabApi';

export interface TensorsLabCredentialData {
	apiKey: string;
	baseUrl: string;
}

/**
 * Used when `credentials` is left undefined. The Base URL points at a port nothing listens on,
 * so a test that forgets to point the node at its local server fails fast instead of calling the
 * real API.
 */
export const DEFAULT_TEST_CREDENTIALS: TensorsLabCredentialData = {
	apiKey: 'harness-default-api-key',
	baseUrl: 'http://127.0.0.1:9',
};

export interface RunNodeOptions {
	/** Default: `new TensorsLab()` from nodes/TensorsLab/TensorsLab.node (loaded lazily). */
	nodeType?: INodeType;
	parameters: INodeParameters;
	/** Decrypted data of the 'tensorsLabApi' credential; null = node has no credential set. */
	credentials?: TensorsLabCredentialData | null;
	/** Emitted by the upstream source node; binaries are stored by n8n's BinaryDataService. Default: one empty item. */
	inputItems?: HarnessInputItem[];
	/** Node setting "On Error: Continue" (onError: 'continueRegularOutput'). */
	continueOnFail?: boolean;
	/** n8n binary data mode; 'filesystem' writes below the harness temp dir. Default 'default'. */
	binaryMode?: HarnessBinaryMode;
	/** Stop the execution (like pressing "Stop" in the editor) after this many ms. */
	cancelAfterMs?: number;
	/** The run is cancelled and runNode rejects when it takes longer than this. Default 10 000. */
	timeoutMs?: number;
	/** Keep the filesystem-mode binary files until the harness is disposed (default: removed after the run). */
	keepBinaryData?: boolean;
	/** Default 'manual' (an editor run). */
	executionMode?: WorkflowExecuteMode;
	/** Default: the highest version of the node type. */
	typeVersion?: number;
	/** Default: the node type's default name (e.g. 'TensorsLab'). */
	nodeName?: string;
}

export interface RunNodeBinary {
	/** The bytes, read back through n8n's BinaryDataService. */
	buffer: Buffer;
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
	/** Set in filesystem mode ('filesystem-v2:<path>'). */
	id?: string;
	/** Filesystem mode: where the blob was stored, and whether it existed when read back. */
	filePath?: string;
	storedOnDisk?: boolean;
}

export interface RunNodeResult {
	/** Main output 0 of the node under test. */
	items: INodeExecutionData[];
	/** Per output item, each binary property with its real bytes. */
	binaries: Array<Record<string, RunNodeBinary>>;
	/** The node's error (NodeOperationError / NodeApiError instance when the node threw one). */
	error?: Error;
	/** The error as n8n stored it in the run data (a plain object). */
	executionError?: ITaskData['error'];
	/** The whole execution's run data, keyed by node name. */
	runData: IRunData;
	run: IRun;
	status: ExecutionStatus;
	/** True when the harness cancelled the execution (cancelAfterMs). */
	cancelled?: boolean;
	/** Requests after n8n applied the credential's `authenticate` (httpRequestWithAuthentication). */
	authenticatedRequests: IHttpRequestOptions[];
	/** Root of the binary data store used for this run. */
	binaryDataDir: string;
	/** What n8n-core logged during this run. */
	logs: HarnessLogEntry[];
	nodeName: string;
}

const SOURCE_NODE_NAME = 'Harness Source';
let executionCounter = 0;
let queue: Promise<unknown> = Promise.resolve();

export function loadTensorsLabNodeType(): INodeType {
	// Lazy, untyped require: the harness must compile before the node exists.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require('../../nodes/TensorsLab/TensorsLab.node') as { TensorsLab: new () => INodeType };
	return new mod.TensorsLab();
}

function latestVersion(nodeType: INodeType): number {
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/**
 * Keeps the node exactly as it is (same prototype chain, same `this`) but records what its
 * `execute` threw: n8n stores only a plain-object copy of the error in the run data.
 */
function recordThrownErrors(nodeType: INodeType, sink: unknown[]): INodeType {
	const original = nodeType.execute;
	if (typeof original !== 'function') return nodeType;
	const wrapped = Object.create(nodeType) as INodeType;
	wrapped.execute = async function (this: IExecuteFunctions, ...args: unknown[]) {
		try {
			return await (original as (...a: unknown[]) => ReturnType<NonNullable<INodeType['execute']>>).apply(this, args);
		} catch (error) {
			sink.push(error);
			throw error;
		}
	} as INodeType['execute'];
	return wrapped;
}

/** Realm-independent: under Jest, errors made by Node itself are not `instanceof Error`. */
function isErrorLike(value: unknown): value is Error {
	return (
		value instanceof Error ||
		(typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).name === 'string')
	);
}

function toError(stored: NonNullable<ITaskData['error']> | IDataObject): Error {
	const plain = stored as IDataObject;
	const error = new Error(String(plain.message ?? 'Unknown error'));
	Object.assign(error, plain);
	if (typeof plain.name === 'string') error.name = plain.name;
	return error;
}

async function readBackBinaries(
	items: INodeExecutionData[],
	store: Awaited<ReturnType<typeof activateBinaryStore>>,
): Promise<Array<Record<string, RunNodeBinary>>> {
	const result: Array<Record<string, RunNodeBinary>> = [];
	for (const item of items) {
		const entry: Record<string, RunNodeBinary> = {};
		for (const [key, data] of Object.entries(item.binary ?? {})) {
			const binary = data as IBinaryData;
			const readBack: RunNodeBinary = {
				buffer: await store.service.getAsBuffer(binary),
				mimeType: binary.mimeType,
				fileName: binary.fileName,
				fileExtension: binary.fileExtension,
				fileSize: binary.fileSize,
				id: binary.id,
			};
			if (binary.id) {
				readBack.filePath = store.service.getPath(binary.id);
				readBack.storedOnDisk = existsSync(readBack.filePath);
			}
			entry[key] = readBack;
		}
		result.push(entry);
	}
	return result;
}

async function executeOnce(opts: RunNodeOptions): Promise<RunNodeResult> {
	const env = getEnvironment();
	const logStart = env.logs.length;
	const store = await activateBinaryStore(opts.binaryMode ?? 'default');

	const thrown: unknown[] = [];
	const nodeType = opts.nodeType ?? loadTensorsLabNodeType();
	const nodeTypeName = `${PACKAGE_NAME}.${nodeType.description.name}`;
	const nodeName = opts.nodeName ?? nodeType.description.defaults.name ?? nodeType.description.displayName;

	const nodeTypes = new HarnessNodeTypes();
	nodeTypes.register(SOURCE_NODE_TYPE, createSourceNodeType(opts.inputItems ?? [{ json: {} }]));
	nodeTypes.register(nodeTypeName, recordThrownErrors(nodeType, thrown));

	const credentialsHelper = new HarnessCredentialsHelper([new TensorsLabApi()]);
	const credentialData = opts.credentials === undefined ? DEFAULT_TEST_CREDENTIALS : opts.credentials;

	const sourceNode: INode = {
		id: 'harness-source-node',
		name: SOURCE_NODE_NAME,
		type: SOURCE_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const targetNode: INode = {
		id: 'harness-target-node',
		name: nodeName,
		type: nodeTypeName,
		typeVersion: opts.typeVersion ?? latestVersion(nodeType),
		position: [240, 0],
		parameters: structuredClone(opts.parameters),
	};
	if (opts.continueOnFail) targetNode.onError = 'continueRegularOutput';
	if (credentialData !== null) {
		credentialsHelper.store({
			id: 'harness-credential-1',
			name: 'TensorsLab account',
			type: CREDENTIAL_TYPE,
			data: { ...credentialData },
		});
		targetNode.credentials = { [CREDENTIAL_TYPE]: { id: 'harness-credential-1', name: 'TensorsLab account' } };
	}

	const connections = {
		[SOURCE_NODE_NAME]: { main: [[{ node: nodeName, type: 'main' as const, index: 0 }]] },
	};
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'TensorsLab harness',
		nodes: [sourceNode, targetNode],
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});

	const executionId = String(++executionCounter);
	const mode = opts.executionMode ?? 'manual';
	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'TensorsLab harness',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [sourceNode, targetNode],
		connections,
		settings: workflow.settings,
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const additionalData = buildAdditionalData(credentialsHelper, executionId, hooks);

	const workflowExecute = new WorkflowExecute(additionalData, mode);
	const execution = workflowExecute.run({ workflow, startNode: workflow.getNode(SOURCE_NODE_NAME) ?? undefined });

	const timers: NodeJS.Timeout[] = [];
	const delay = async (ms: number) => await new Promise<void>((resolve) => timers.push(setTimeout(resolve, ms)));
	if (opts.cancelAfterMs !== undefined) {
		timers.push(
			setTimeout(() => execution.cancel(), opts.cancelAfterMs),
		);
	}

	const timeoutMs = opts.timeoutMs ?? 10_000;
	let run: IRun;
	try {
		const outcome = await Promise.race([execution.then((r) => ({ run: r })), delay(timeoutMs).then(() => null)]);
		if (outcome === null) {
			execution.cancel();
			await Promise.race([execution, delay(2_000)]);
			throw new Error(`runNode: the execution did not finish within ${timeoutMs} ms (it was cancelled)`);
		}
		run = outcome.run;
	} finally {
		for (const timer of timers) clearTimeout(timer);
	}

	try {
		const runData = run.data.resultData.runData;
		const nodeRuns = runData[nodeName] ?? [];
		const taskData = nodeRuns[nodeRuns.length - 1];
		const items = taskData?.data?.main?.[0] ?? [];

		let error: Error | undefined;
		const executionError = taskData?.error;
		if (executionError) {
			const original = thrown[thrown.length - 1];
			error = isErrorLike(original) ? original : toError(executionError);
		} else if (!taskData && run.data.resultData.error) {
			// The node never ran (e.g. the source failed, or the run was cancelled before it started).
			error = toError(run.data.resultData.error);
		}

		return {
			items,
			binaries: await readBackBinaries(items, store),
			error,
			executionError,
			runData,
			run,
			status: run.status,
			// true only if cancel() reached a still-running execution
			cancelled: execution.isCanceled,
			authenticatedRequests: credentialsHelper.authenticatedRequests,
			binaryDataDir: store.storagePath,
			logs: env.logs.slice(logStart),
			nodeName,
		};
	} finally {
		if (!opts.keepBinaryData) rmSync(store.storagePath, { recursive: true, force: true });
	}
}

/** Executes the node (default: TensorsLab) in a real n8n workflow run. Calls are serialised. */
export async function runNode(opts: RunNodeOptions): Promise<RunNodeResult> {
	const next = queue.then(async () => await executeOnce(opts));
	queue = next.catch(() => undefined);
	return await next;
}

/** True for the error classes n8n nodes are expected to throw. */
export function isNodeError(error: unknown): error is NodeOperationError | NodeApiError {
	return error instanceof NodeOperationError || error instanceof NodeApiError;
}
