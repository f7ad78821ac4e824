'use strict';
/**
 * Drives a real, pinned n8n (installed by scripts/install-n8n.sh into <RUNTIME_ROOT>/<version>/)
 * through its own CLI and REST API. Used by scripts/start.js, scripts/demo.js and the e2e suite
 * (test/e2e). Plain CommonJS on Node built-ins only, so it runs before anything is built.
 *
 * Also a tiny CLI for the shell scripts:
 *   node scripts/lib/n8n-runtime.js shell-vars <line>   # prints VAR=value lines for `eval`
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Pinned versions: the one place to change them. */
const VERSIONS = {
	n8n2: process.env.TENSORSLAB_N8N2_VERSION || '2.41.1',
	n8n1: process.env.TENSORSLAB_N8N1_VERSION || '1.123.81',
	node24: process.env.TENSORSLAB_NODE24_VERSION || '24.21.0',
};

/**
 * Where the pinned n8n installs and their Node 24 live (about 3.2 GB for the 2.x line): one
 * per-user cache folder shared by every clone of this repository on the machine, so a second
 * clone starts in seconds instead of installing n8n again. TENSORSLAB_N8N_RUNTIME_ROOT moves it.
 */
const RUNTIME_ROOT = path.resolve(process.env.TENSORSLAB_N8N_RUNTIME_ROOT || defaultRuntimeRoot());

/** Per-clone state that is not shared (npm start's n8n user folder): git-ignored, in the clone. */
const CLONE_STATE_DIR = path.join(REPO_ROOT, '.n8n-runtime');

function defaultRuntimeRoot() {
	// XDG: only an absolute XDG_CACHE_HOME counts; otherwise ~/.cache.
	const xdg = process.env.XDG_CACHE_HOME;
	const cache = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
	return path.join(cache, 'n8n-nodes-tensorslab', 'n8n-runtime');
}

/** The credential the examples reference, by id and by name. */
const EXAMPLE_CREDENTIAL = { id: 'tlCredential0001', name: 'TensorsLab account' };

/**
 * Environment that keeps n8n from calling anything outside this machine and lets our examples
 * run. Verified against the config of both pinned versions (@n8n/config, n8n-workflow).
 */
function quietEnv() {
	return {
		N8N_DIAGNOSTICS_ENABLED: 'false', // telemetry (and PostHog, Sentry's backend config)
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		N8N_AI_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		// Community packages: load what is installed on disk; never ask the npm registry or n8n's
		// vetted-package list, never reinstall on start.
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// The examples read TENSORSLAB_OUTPUT_DIR / TENSORSLAB_INPUT_IMAGE with $env; 2.x blocks
		// $env by default (1.x allows it).
		N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		N8N_SECURE_COOKIE: 'false', // plain http on loopback
	};
}

/** Resolves an n8n line ('2' or '1') to paths. Nothing is installed here. */
function resolveRuntime(line = '2') {
	line = String(line).replace(/\.x$/, '');
	if (line !== '1' && line !== '2') throw new Error(`unknown n8n line '${line}' (use 2 or 1)`);
	const version = line === '2' ? VERSIONS.n8n2 : VERSIONS.n8n1;
	const dir = path.join(RUNTIME_ROOT, version);
	const node24Dir = path.join(RUNTIME_ROOT, 'node24');
	const nodeBin =
		line === '2'
			? path.join(node24Dir, 'node_modules', 'node', 'bin', 'node')
			: process.env.TENSORSLAB_N8N1_NODE || findOnPath('node') || process.execPath;
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	return {
		line,
		version,
		dir,
		node24Dir,
		nodeBin,
		n8nBin,
		installed: fs.existsSync(path.join(dir, '.installed')) && fs.existsSync(n8nBin) && fs.existsSync(nodeBin),
	};
}

function findOnPath(cmd) {
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		const candidate = path.join(dir, cmd);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			// next
		}
	}
	return undefined;
}

/**
 * Full environment for one n8n process.
 * @param rt        from resolveRuntime()
 * @param opts.userFolder   N8N_USER_FOLDER (n8n keeps its data in <userFolder>/.n8n)
 * @param opts.fileAccess   folders the Read/Write Files node may use (N8N_RESTRICT_FILE_ACCESS_TO)
 * @param opts.extra        more variables (e.g. TENSORSLAB_OUTPUT_DIR)
 */
function n8nEnv(rt, { userFolder, fileAccess = [], extra = {} }) {
	const env = {};
	for (const [name, value] of Object.entries(process.env)) {
		// Start clean: nothing n8n-specific from the caller's shell, no npm lifecycle variables.
		// NODE_ENV=test (set by jest) silences n8n's logger and changes its behaviour.
		if (/^(N8N_|DB_|QUEUE_|EXECUTIONS_|GENERIC_TIMEZONE$|WEBHOOK_URL$|npm_|NODE_ENV$|JEST_)/.test(name)) continue;
		env[name] = value;
	}
	Object.assign(env, quietEnv(), {
		N8N_USER_FOLDER: userFolder,
		PATH: `${path.dirname(rt.nodeBin)}${path.delimiter}${process.env.PATH || ''}`,
		N8N_RESTRICT_FILE_ACCESS_TO: fileAccess.map((p) => realpathOrSelf(p)).join(';'),
	});
	if (rt.line === '2') {
		// 2.x's MCP server registry refreshes its list from n8n's API at start-up (a system
		// task no other setting turns off). The module name is unknown to 1.x, which would refuse it.
		env.N8N_DISABLED_MODULES = 'mcp-registry';
	}
	if (rt.line === '1' && !nodeAtLeast(rt.nodeBin, 22)) {
		// n8n 1.123.x defaults to the isolated-vm expression engine, whose native module needs
		// Node >= 22. On Node 20 the (still supported) legacy engine is the only one that runs.
		env.N8N_EXPRESSION_ENGINE = 'legacy';
	}
	Object.assign(env, extra);
	return env;
}

const nodeMajorCache = new Map();
function nodeAtLeast(nodeBin, major) {
	if (!nodeMajorCache.has(nodeBin)) {
		const { execFileSync } = require('node:child_process');
		const v = execFileSync(nodeBin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
		nodeMajorCache.set(nodeBin, Number(v.split('.')[0]));
	}
	return nodeMajorCache.get(nodeBin) >= major;
}

function realpathOrSelf(p) {
	try {
		return fs.realpathSync(p);
	} catch {
		return path.resolve(p);
	}
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Runs a command; resolves {code, signal, stdout, stderr, ms}. Never rejects on exit codes. */
function run(cmd, args, { env, cwd, timeoutMs = 10 * 60 * 1000, input } = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(cmd, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
		const out = [];
		const err = [];
		child.stdout.on('data', (d) => out.push(d));
		child.stderr.on('data', (d) => err.push(d));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({
				code,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				ms: Date.now() - started,
				timedOut: signal === 'SIGKILL' && Date.now() - started >= timeoutMs,
			});
		});
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
	});
}

/** Runs the n8n CLI: `n8n <args>` with the runtime's Node. */
async function n8nCli(rt, env, args, opts = {}) {
	// Each n8n process (2.x always, 1.x with runners on) opens a task broker port, 5679 by
	// default: give every process its own so runs and a running `n8n start` never collide.
	const brokerPort = env.N8N_RUNNERS_BROKER_PORT || String(await freePort());
	return run(rt.nodeBin, [rt.n8nBin, ...args], { ...opts, env: { ...env, N8N_RUNNERS_BROKER_PORT: brokerPort } });
}

/** `npm pack` of this repository into destDir (dist/ must be built). Returns the tarball path. */
async function packProject(destDir) {
	fs.mkdirSync(destDir, { recursive: true });
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const res = await run(npm, ['pack', '--json', '--pack-destination', destDir], { cwd: REPO_ROOT, env: process.env });
	if (res.code !== 0) throw new Error(`npm pack failed:\n${res.stderr}`);
	const info = JSON.parse(res.stdout.slice(res.stdout.indexOf('[')));
	return path.join(destDir, info[0].filename);
}

/**
 * Installs a packed community package where n8n loads such packages from:
 * <userFolder>/.n8n/nodes/node_modules/<name>. Peer dependencies (n8n-workflow) are left to the
 * host n8n, and install scripts are not run (the package has none).
 */
async function installCommunityPackage(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pkgJson = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkgJson)) fs.writeFileSync(pkgJson, JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const env = { ...process.env, npm_config_yes: 'true', npm_config_update_notifier: 'false' };
	const res = await run(
		npm,
		['install', '--no-package-lock', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', tarball],
		{ cwd: nodesDir, env },
	);
	if (res.code !== 0) throw new Error(`installing ${tarball} into ${nodesDir} failed:\n${res.stderr}`);
	return path.join(nodesDir, 'node_modules', 'n8n-nodes-tensorslab');
}

/** A private temporary folder (mode 0700), removed by the returned cleanup(). */
function privateTempDir(prefix) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	fs.chmodSync(dir, 0o700);
	return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Imports credentials with `n8n import:credentials`. `data` is a plain object: n8n encrypts it
 * with the instance key on import (checked on both lines). The file holding the key in clear
 * lives in a 0700 temp folder only for the duration of the command.
 */
async function importCredentials(rt, env, credentials) {
	const tmp = privateTempDir('tl-cred-');
	try {
		const file = path.join(tmp.dir, 'credentials.json');
		fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
		const res = await n8nCli(rt, env, ['import:credentials', `--input=${file}`]);
		if (res.code !== 0 || !/Successfully imported/.test(res.stdout + res.stderr)) {
			throw new Error(`import:credentials failed (exit ${res.code}):\n${res.stdout}\n${res.stderr}`);
		}
		return res;
	} finally {
		tmp.cleanup();
	}
}

/** Imports workflow objects with `n8n import:workflow --separate --input=<folder>`. */
async function importWorkflows(rt, env, workflows) {
	const tmp = privateTempDir('tl-wf-');
	try {
		workflows.forEach((wf, i) => fs.writeFileSync(path.join(tmp.dir, `${String(i).padStart(2, '0')}.json`), JSON.stringify(wf)));
		const res = await n8nCli(rt, env, ['import:workflow', '--separate', `--input=${tmp.dir}`]);
		if (res.code !== 0 || !/Successfully imported/.test(res.stdout + res.stderr)) {
			throw new Error(`import:workflow failed (exit ${res.code}):\n${res.stdout}\n${res.stderr}`);
		}
		return res;
	} finally {
		tmp.cleanup();
	}
}

/**
 * Pulls the execution JSON out of `n8n execute` output. n8n prints it pretty-printed (after
 * "Execution was successful:" on success, or in the error log on failure), so it is the block
 * from a line that is exactly "{" to the next line that is exactly "}".
 */
function parseExecuteOutput(stdout) {
	const lines = stdout.split(/\r?\n/);
	const start = lines.indexOf('{');
	if (start === -1) return undefined;
	const end = lines.indexOf('}', start);
	if (end === -1) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

/**
 * `n8n execute --id <id>`: resolves {code, stdout, stderr, ms, execution, ok, error}.
 * execution is n8n's IRun ({data: {resultData: {runData, error?}}, status, ...}).
 */
async function executeWorkflow(rt, env, id, { timeoutMs = 5 * 60 * 1000 } = {}) {
	const res = await n8nCli(rt, env, ['execute', `--id=${id}`], { timeoutMs });
	const execution = parseExecuteOutput(res.stdout);
	const error = execution?.data?.resultData?.error;
	return { ...res, execution, ok: res.code === 0 && !!execution && !error, error };
}

/** Items a node output in an execution (first run, first output unless given). */
function nodeOutput(execution, nodeName, { run = 0, output = 0 } = {}) {
	const runs = execution?.data?.resultData?.runData?.[nodeName];
	if (!runs || !runs[run]) return undefined;
	return runs[run].data?.main?.[output] ?? [];
}

/**
 * Starts `n8n start` on 127.0.0.1:<port> and resolves once its REST API answers.
 * Returns {url, port, child, logs(), stop()}.
 */
async function startN8n(rt, env, { port, host = '127.0.0.1', timeoutMs = 180000, onOutput } = {}) {
	port = port || (await freePort());
	const brokerPort = env.N8N_RUNNERS_BROKER_PORT || String(await freePort());
	const childEnv = {
		...env,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: host,
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://localhost:${port}`,
		N8N_RUNNERS_BROKER_PORT: brokerPort,
	};
	const started = Date.now();
	const child = spawn(rt.nodeBin, [rt.n8nBin, 'start'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
	const chunks = [];
	const collect = (d) => {
		chunks.push(d);
		if (onOutput) onOutput(d);
	};
	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	let exited = null;
	const exitPromise = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(exited);
		}),
	);
	const url = `http://127.0.0.1:${port}`;
	const logs = () => Buffer.concat(chunks).toString('utf8');
	const stop = async (graceMs = 20000) => {
		if (exited) return exited;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
		const result = await exitPromise;
		clearTimeout(timer);
		return result;
	};
	// /healthz answers before the REST routes are registered, and while migrations run n8n
	// answers every path with the text "n8n is starting up. Please wait" (HTTP 200): wait until
	// /rest/settings returns its JSON.
	for (;;) {
		if (exited) throw new Error(`n8n start exited early (${JSON.stringify(exited)}):\n${logs()}`);
		if (Date.now() - started > timeoutMs) {
			await stop();
			throw new Error(`n8n did not become ready within ${timeoutMs} ms:\n${logs()}`);
		}
		try {
			const res = await fetch(`${url}/rest/settings`);
			const body = res.ok ? await res.json().catch(() => undefined) : undefined;
			if (body && typeof body === 'object' && body.data) break;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	return { url, port, child, logs, stop, startupMs: Date.now() - started };
}

/** Creates the owner account of a fresh instance (POST /rest/owner/setup); returns the cookie. */
async function setupOwner(url, { email, password, firstName = 'Demo', lastName = 'User' }) {
	const res = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password, firstName, lastName }),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`owner setup failed: HTTP ${res.status} ${text.slice(0, 300)}`);
	return cookieOf(res);
}

/** Logs in (POST /rest/login); returns the auth cookie. Field names differ by version. */
async function login(url, { email, password }) {
	const res = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: email, email, password }),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`login failed: HTTP ${res.status} ${text.slice(0, 300)}`);
	return cookieOf(res);
}

function cookieOf(res) {
	const cookies = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [res.headers.get('set-cookie')];
	return cookies
		.filter(Boolean)
		.map((c) => c.split(';')[0])
		.join('; ');
}

/** Whether the instance still shows the owner-setup screen. */
async function needsOwnerSetup(url) {
	const res = await fetch(`${url}/rest/settings`);
	const body = await res.json();
	return Boolean(body?.data?.userManagement?.showSetupOnFirstLoad);
}

/** GET a REST path with a cookie; resolves parsed JSON. */
async function restGet(url, pathName, cookie) {
	const res = await fetch(`${url}${pathName}`, { headers: { cookie } });
	if (!res.ok) throw new Error(`GET ${pathName}: HTTP ${res.status}`);
	return res.json();
}

/**
 * Runs a stored credential's test in the running n8n (POST /rest/credentials/test), as the
 * editor's "Test" button does: secrets are sent as n8n's blanking placeholder, and n8n fills in
 * the stored values. Resolves {status: 'OK' | 'Error', message}.
 */
async function testCredential(url, cookie, { id, name, type = 'tensorsLabApi', data = {} }) {
	const BLANK = '__n8n_BLANK_VALUE_e5362baf-c777-4d57-a609-6eaf1f9e87f6'; // same in 1.x and 2.x
	const res = await fetch(`${url}/rest/credentials/test`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ credentials: { id, name, type, data: { apiKey: BLANK, ...data } } }),
	});
	const body = await res.json().catch(() => ({}));
	if (!res.ok) throw new Error(`credential test: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
	return body.data;
}

/**
 * Loads the example workflows (examples/*.json), sorted by file name.
 * Returns [{file, workflow}].
 */
function loadExamples(dir = path.join(REPO_ROOT, 'examples')) {
	return fs
		.readdirSync(dir)
		.filter((f) => /^\d\d-.*\.json$/.test(f))
		.sort()
		.map((f) => ({ file: path.join(dir, f), workflow: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
}

/**
 * The emulator (TypeScript, in emulator/) loaded in this process through ts-node, for the
 * scripts; the e2e suite imports it directly.
 */
function loadEmulator() {
	require(require.resolve('ts-node', { paths: [REPO_ROOT] })).register({
		transpileOnly: true,
		project: path.join(REPO_ROOT, 'tsconfig.json'),
	});
	// emulator/ (test/emulator/ in checkouts from before the move).
	const dir = [path.join(REPO_ROOT, 'emulator'), path.join(REPO_ROOT, 'test', 'emulator')].find((d) =>
		fs.existsSync(path.join(d, 'index.ts')),
	);
	return require(dir || path.join(REPO_ROOT, 'emulator'));
}

/** A credential object for import:credentials. */
function tensorsLabCredential({ id = EXAMPLE_CREDENTIAL.id, name = EXAMPLE_CREDENTIAL.name, apiKey, baseUrl }) {
	return { id, name, type: 'tensorsLabApi', data: { apiKey, baseUrl } };
}

// ---- Shared by the e2e suites (test/e2e/*.e2e.test.ts) ----

/** sha256 of a buffer, hex. */
function sha256(buf) {
	return require('node:crypto').createHash('sha256').update(buf).digest('hex');
}

/** Keeps <dir> from growing: of its sub-folders named <prefix>*, only the `keep` most recent stay. */
function pruneRuns(dir, prefix, keep = 2) {
	if (!fs.existsSync(dir)) return;
	const runs = fs
		.readdirSync(dir)
		.filter((d) => d.startsWith(prefix))
		.sort();
	for (const old of runs.slice(0, runs.length - keep)) fs.rmSync(path.join(dir, old), { recursive: true, force: true });
}

/** Packs this repository into destDir, building dist/ first when it is missing (unless build is false). */
async function buildAndPack(destDir, { build = true } = {}) {
	const built = path.join(REPO_ROOT, 'dist', 'nodes', 'TensorsLab', 'TensorsLab.node.js');
	if (!fs.existsSync(built)) {
		if (!build) throw new Error('dist/ is missing: run `npm run build` first (scripts/e2e.sh does)');
		const res = await run('npm', ['run', 'build'], { cwd: REPO_ROOT, env: process.env });
		if (res.code !== 0) throw new Error(`npm run build failed:\n${res.stdout}\n${res.stderr}`);
	}
	return packProject(destDir);
}

/** Resolves a line's runtime, installing it with scripts/install-n8n.sh when missing and install is true. */
async function ensureRuntime(line, { install = true } = {}) {
	let rt = resolveRuntime(line);
	if (rt.installed || !install) return rt;
	const res = await run('bash', [path.join(REPO_ROOT, 'scripts', 'install-n8n.sh'), line], {
		cwd: REPO_ROOT,
		env: process.env,
		timeoutMs: 45 * 60 * 1000,
	});
	if (res.code !== 0) throw new Error(`scripts/install-n8n.sh ${line} failed:\n${res.stderr.slice(-4000)}`);
	rt = resolveRuntime(line);
	return rt;
}

/**
 * The bytes of a binary as n8n holds them: inline base64 (1.x's default mode) or a file in
 * <userFolder>/.n8n/storage (2.x's filesystem mode, id "filesystem-v2:workflows/…").
 * undefined when neither is found.
 */
function binaryBytes(userFolder, binary) {
	if (binary.id && /^filesystem(-v2)?:/.test(binary.id)) {
		const rel = binary.id.replace(/^filesystem(-v2)?:/, '');
		const file = ['storage', 'binaryData'].map((d) => path.join(userFolder, '.n8n', d, rel)).find((f) => fs.existsSync(f));
		return file ? fs.readFileSync(file) : undefined;
	}
	if (binary.data && !/^filesystem/.test(binary.data)) return Buffer.from(binary.data, 'base64');
	return undefined;
}

/** Throws, with the tail of n8n's output, unless the `n8n execute` result is a success. */
function assertExecutionOk(res) {
	if (res.ok) return;
	throw new Error(
		`execution failed (exit ${res.code}): ${res.error?.message ?? 'no execution JSON'}\n--- stdout ---\n${res.stdout.slice(-4000)}\n--- stderr ---\n${res.stderr.slice(-4000)}`,
	);
}

/** nodeOutput(), but throws (naming the nodes that ran) when the node did not run. */
function requireNodeOutput(execution, nodeName, opts) {
	const items = nodeOutput(execution, nodeName, opts);
	if (!items) {
		const ran = Object.keys(execution?.data?.resultData?.runData ?? {}).join(', ');
		throw new Error(`node "${nodeName}" did not run; ran: ${ran}`);
	}
	return items;
}

module.exports = {
	REPO_ROOT,
	RUNTIME_ROOT,
	CLONE_STATE_DIR,
	VERSIONS,
	EXAMPLE_CREDENTIAL,
	quietEnv,
	resolveRuntime,
	n8nEnv,
	freePort,
	run,
	n8nCli,
	packProject,
	installCommunityPackage,
	importCredentials,
	importWorkflows,
	parseExecuteOutput,
	executeWorkflow,
	nodeOutput,
	startN8n,
	setupOwner,
	login,
	needsOwnerSetup,
	restGet,
	testCredential,
	loadExamples,
	tensorsLabCredential,
	privateTempDir,
	loadEmulator,
	sha256,
	pruneRuns,
	buildAndPack,
	ensureRuntime,
	binaryBytes,
	assertExecutionOk,
	requireNodeOutput,
};

// CLI for the shell scripts.
if (require.main === module) {
	const [cmd, line] = process.argv.slice(2);
	if (cmd === 'shell-vars') {
		const rt = resolveRuntime(line || '2');
		const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
		const vars = {
			N8N_VERSION: rt.version,
			N8N_DIR: rt.dir,
			N8N_NODE: rt.nodeBin,
			N8N_BIN: rt.n8nBin,
			NODE24_DIR: rt.node24Dir,
			NODE24_VERSION: VERSIONS.node24,
			N8N_RUNTIME_ROOT: RUNTIME_ROOT,
		};
		for (const [k, v] of Object.entries(vars)) process.stdout.write(`${k}=${q(v)}\n`);
	} else if (cmd === 'quiet-env') {
		for (const [k, v] of Object.entries(quietEnv())) process.stdout.write(`export ${k}='${v}'\n`);
	} else {
		process.stderr.write('usage: n8n-runtime.js shell-vars <1|2> | quiet-env\n');
		process.exit(2);
	}
}
