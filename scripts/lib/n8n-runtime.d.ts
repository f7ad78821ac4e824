/** Types for scripts/lib/n8n-runtime.js (plain CommonJS, so the shell scripts can use it unbuilt). */
import type { ChildProcess } from 'node:child_process';

export interface Runtime {
	line: '1' | '2';
	version: string;
	dir: string;
	node24Dir: string;
	nodeBin: string;
	n8nBin: string;
	installed: boolean;
}

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
	timedOut: boolean;
}

export interface ExecuteResult extends RunResult {
	/** n8n's IRun as printed by `n8n execute` (undefined if none could be parsed). */
	execution: N8nExecution | undefined;
	ok: boolean;
	error: N8nExecutionError | undefined;
}

export interface N8nExecutionError {
	message: string;
	description?: string | null;
	name?: string;
	node?: { name: string; type: string };
	[key: string]: unknown;
}

export interface N8nBinary {
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileType?: string;
	fileSize?: string;
	/** base64 in 1.x's default binary mode; the storage mode name in 2.x's filesystem mode */
	data: string;
	id?: string;
	[key: string]: unknown;
}

export interface N8nItem {
	json: Record<string, unknown>;
	binary?: Record<string, N8nBinary>;
	pairedItem?: unknown;
}

export interface N8nExecution {
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main?: N8nItem[][] }; error?: N8nExecutionError; executionStatus?: string }>>;
			error?: N8nExecutionError;
			lastNodeExecuted?: string;
		};
	};
	status?: string;
	finished?: boolean;
	mode?: string;
}

export interface StartedN8n {
	url: string;
	port: number;
	child: ChildProcess;
	logs(): string;
	stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	startupMs: number;
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export const REPO_ROOT: string;
/** The shared n8n installs: TENSORSLAB_N8N_RUNTIME_ROOT, default ${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-tensorslab/n8n-runtime. */
export const RUNTIME_ROOT: string;
/** Per-clone state (npm start's n8n user folder): <repo>/.n8n-runtime, git-ignored. */
export const CLONE_STATE_DIR: string;
export const VERSIONS: { n8n2: string; n8n1: string; node24: string };
export const EXAMPLE_CREDENTIAL: { id: string; name: string };

export function quietEnv(): Record<string, string>;
export function resolveRuntime(line?: string): Runtime;
export function n8nEnv(
	rt: Runtime,
	opts: { userFolder: string; fileAccess?: string[]; extra?: Record<string, string> },
): NodeJS.ProcessEnv;
export function freePort(): Promise<number>;
export function run(
	cmd: string,
	args: string[],
	opts?: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string },
): Promise<RunResult>;
export function n8nCli(rt: Runtime, env: NodeJS.ProcessEnv, args: string[], opts?: { timeoutMs?: number }): Promise<RunResult>;
export function packProject(destDir: string): Promise<string>;
export function installCommunityPackage(userFolder: string, tarball: string): Promise<string>;
export function importCredentials(rt: Runtime, env: NodeJS.ProcessEnv, credentials: CredentialImport[]): Promise<RunResult>;
export function importWorkflows(rt: Runtime, env: NodeJS.ProcessEnv, workflows: object[]): Promise<RunResult>;
export function parseExecuteOutput(stdout: string): N8nExecution | undefined;
export function executeWorkflow(
	rt: Runtime,
	env: NodeJS.ProcessEnv,
	id: string,
	opts?: { timeoutMs?: number },
): Promise<ExecuteResult>;
export function nodeOutput(
	execution: N8nExecution | undefined,
	nodeName: string,
	opts?: { run?: number; output?: number },
): N8nItem[] | undefined;
export function startN8n(
	rt: Runtime,
	env: NodeJS.ProcessEnv,
	opts?: { port?: number; host?: string; timeoutMs?: number; onOutput?: (chunk: Buffer) => void },
): Promise<StartedN8n>;
export function setupOwner(
	url: string,
	owner: { email: string; password: string; firstName?: string; lastName?: string },
): Promise<string>;
export function login(url: string, user: { email: string; password: string }): Promise<string>;
export function needsOwnerSetup(url: string): Promise<boolean>;
export function restGet<T = unknown>(url: string, pathName: string, cookie: string): Promise<T>;
export function testCredential(
	url: string,
	cookie: string,
	cred: { id: string; name: string; type?: string; data?: Record<string, unknown> },
): Promise<{ status: 'OK' | 'Error'; message: string }>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- workflow JSON, edited freely by callers
export function loadExamples(dir?: string): Array<{ file: string; workflow: Record<string, any> }>;
export function tensorsLabCredential(opts: { id?: string; name?: string; apiKey: string; baseUrl: string }): CredentialImport;
export function privateTempDir(prefix: string): { dir: string; cleanup(): void };
/** The emulator (emulator/) loaded through ts-node (for the plain-JS scripts). */
export function loadEmulator(): typeof import('../../emulator');

// Shared by the e2e suites (test/e2e/*.e2e.test.ts).
export function sha256(buf: Buffer): string;
/** Of dir's sub-folders named prefix*, removes all but the `keep` (default 2) most recent. */
export function pruneRuns(dir: string, prefix: string, keep?: number): void;
/** npm pack into destDir, building dist/ first when it is missing (unless build is false). */
export function buildAndPack(destDir: string, opts?: { build?: boolean }): Promise<string>;
/** resolveRuntime(), installing the line with scripts/install-n8n.sh when missing (unless install is false). */
export function ensureRuntime(line: string, opts?: { install?: boolean }): Promise<Runtime>;
/** A binary's bytes: inline base64 (1.x default mode) or its file under <userFolder>/.n8n (2.x filesystem mode). */
export function binaryBytes(userFolder: string, binary: N8nBinary): Buffer | undefined;
/** Throws with the tail of n8n's output unless the execution succeeded. */
export function assertExecutionOk(res: ExecuteResult): void;
/** nodeOutput(), throwing when the node did not run. */
export function requireNodeOutput(execution: N8nExecution | undefined, nodeName: string, opts?: { run?: number; output?: number }): N8nItem[];
