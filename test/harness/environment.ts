/**
 * Process-wide n8n-core environment for the harness: the DI container services that the
 * execution engine and the node helpers look up (InstanceSettings, Logger, ErrorReporter,
 * BinaryDataService, OutboundHttp / SSRF config), all rooted in one mkdtemp directory so a
 * test run never writes to the user's home folder.
 *
 * n8n-core resolves these through `Container.get(...)` from `@n8n/di`; the classes below are
 * the very ones n8n-core registered, because there is a single hoisted copy of `@n8n/di`,
 * `@n8n/config`, `@n8n/backend-common` and `n8n-core` in node_modules.
 */
import { Logger } from '@n8n/backend-common';
import { GlobalConfig, InstanceSettingsConfig, SsrfProtectionConfig } from '@n8n/config';
import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, ErrorReporter, InstanceSettings } from 'n8n-core';
import { LoggerProxy } from 'n8n-workflow';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type HarnessBinaryMode = 'default' | 'filesystem';

export interface HarnessLogEntry {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	metadata?: unknown;
}

export interface HarnessEnvironment {
	/** The mkdtemp root; everything the harness writes lives below it. */
	rootDir: string;
	/** What N8N_USER_FOLDER points to while the harness is active. */
	userFolder: string;
	/** n8n's own folder (`<userFolder>/.n8n`): settings file with the encryption key. */
	n8nFolder: string;
	/** Everything n8n-core logged through the harness logger (never printed). */
	logs: HarnessLogEntry[];
}

/** Stand-in for @n8n/backend-common's Logger: records instead of printing. */
class RecordingLogger {
	constructor(private readonly sink: HarnessLogEntry[]) {}

	error(message: string, metadata?: unknown) {
		this.sink.push({ level: 'error', message, metadata });
	}

	warn(message: string, metadata?: unknown) {
		this.sink.push({ level: 'warn', message, metadata });
	}

	info(message: string, metadata?: unknown) {
		this.sink.push({ level: 'info', message, metadata });
	}

	debug(message: string, metadata?: unknown) {
		this.sink.push({ level: 'debug', message, metadata });
	}

	scoped() {
		return this;
	}
}

const ENV_KEYS = [
	'N8N_USER_FOLDER',
	'N8N_ENCRYPTION_KEY',
	'N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS',
	'N8N_BINARY_DATA_STORAGE_PATH',
] as const;

let environment: HarnessEnvironment | undefined;
let savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string | undefined>> = {};
let binaryRunCounter = 0;

function insideRunningTest(): boolean {
	const jestExpect = (globalThis as { expect?: { getState?: () => { currentTestName?: string } } }).expect;
	return Boolean(jestExpect?.getState?.().currentTestName);
}

let cleanupRegistered = false;

/**
 * Inside Jest the environment is torn down with the test file (afterAll, registered when this
 * module is loaded, which is outside any test); elsewhere at process exit.
 */
function registerAutoCleanup() {
	if (cleanupRegistered) return;
	cleanupRegistered = true;
	const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
	if (typeof jestAfterAll === 'function' && !insideRunningTest()) {
		jestAfterAll(() => disposeEnvironment());
	} else {
		process.once('exit', () => disposeEnvironment());
	}
}

registerAutoCleanup();

/**
 * Sets up the container once per module registry (i.e. once per Jest test file).
 */
export function getEnvironment(): HarnessEnvironment {
	if (environment) return environment;

	const rootDir = mkdtempSync(path.join(tmpdir(), 'n8n-tensorslab-harness-'));
	const userFolder = path.join(rootDir, 'user');
	const n8nFolder = path.join(userFolder, '.n8n');
	mkdirSync(n8nFolder, { recursive: true });

	savedEnv = {};
	for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
	process.env.N8N_USER_FOLDER = userFolder;
	process.env.N8N_ENCRYPTION_KEY = 'tensorslab-harness-encryption-key';
	process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
	delete process.env.N8N_BINARY_DATA_STORAGE_PATH;

	const logs: HarnessLogEntry[] = [];

	// Config objects read the environment when first constructed; pin the values that matter
	// anyway, in case some other code constructed them before us.
	Object.assign(Container.get(InstanceSettingsConfig), {
		n8nFolder,
		userHome: userFolder,
		encryptionKey: 'tensorslab-harness-encryption-key',
		enforceSettingsFilePermissions: false,
	});

	const globalConfig = Container.get(GlobalConfig);
	globalConfig.logging.level = 'silent';

	// Requests go to 127.0.0.1 test servers; n8n's default is "SSRF protection off" too.
	Container.get(SsrfProtectionConfig).enabled = false;

	const logger = new RecordingLogger(logs) as unknown as Logger;
	Container.set(Logger, logger);
	LoggerProxy.init(logger);

	// InstanceSettings writes `<n8nFolder>/config` (encryption key) — inside the temp dir.
	Container.get(InstanceSettings);
	Container.get(ErrorReporter);

	environment = { rootDir, userFolder, n8nFolder, logs };
	return environment;
}

export interface ActiveBinaryStore {
	mode: HarnessBinaryMode;
	service: BinaryDataService;
	/** Where filesystem mode writes (a fresh directory per run); also set in default mode, unused there. */
	storagePath: string;
}

/**
 * Installs a freshly initialised BinaryDataService for one run. In 'filesystem' mode n8n 2.x
 * upgrades the mode to 'filesystem-v2' and stores blobs through FsByteStore below
 * `storagePath`; in 'default' mode there is no manager, so data stays inline as base64.
 */
export async function activateBinaryStore(mode: HarnessBinaryMode): Promise<ActiveBinaryStore> {
	const env = getEnvironment();
	const storagePath = path.join(env.rootDir, 'binary-data', `run-${++binaryRunCounter}`);
	mkdirSync(storagePath, { recursive: true });

	const baseConfig = Container.get(BinaryDataConfig);
	const config = Object.assign(Object.create(BinaryDataConfig.prototype) as BinaryDataConfig, baseConfig, {
		mode,
		localStoragePath: storagePath,
	});
	const service = new BinaryDataService(config, Container.get(ErrorReporter), Container.get(Logger));
	await service.init();
	Container.set(BinaryDataService, service);
	return { mode, service, storagePath };
}

export function disposeEnvironment() {
	if (!environment) return;
	const { rootDir } = environment;
	environment = undefined;
	for (const key of ENV_KEYS) {
		const value = savedEnv[key];
		if (value === undefined) delete process.env[key];
		else process.env[key] = value;
	}
	// Forget the instances bound to this temp dir; the next getEnvironment() starts afresh.
	Container.reset();
	rmSync(rootDir, { recursive: true, force: true });
}
