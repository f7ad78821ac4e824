/**
 * Peak memory of a REAL n8n (`n8n execute`) while our node downloads many large images in
 * filesystem binary-data mode, against a baseline run of the same workflow with tiny images.
 *
 * Set-up reuses scripts/lib/n8n-runtime.js (the e2e suite's helpers): the runtime installed by
 * scripts/install-n8n.sh, a private user folder, our package built from the current sources into
 * a staging folder (dist/ of the repository is not touched), packed and installed where n8n
 * loads community packages, a credential and a workflow imported with n8n's own CLI.
 *
 * Workflow: Manual Trigger → Edit Fields (a 15-element list) → Split Out (15 items) → TensorsLab
 * Generate and Wait (zimage, one image per task, maxConcurrency 10).
 *
 * Peak RSS of the n8n process: the process itself writes process.resourceUsage().maxRSS (the
 * kernel's high-water mark, ru_maxrss) when it exits, through a --require hook given to that
 * process only; /proc/<pid>/status VmHWM is sampled every 100 ms as a cross-check.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Emulator } from '../../emulator';

import * as runtime from '../lib/n8n-runtime';
import type { Runtime } from '../lib/n8n-runtime';

export interface RssRun {
	label: string;
	imageBytes: number | null;
	images: number;
	peakRssKb: number;
	/** Every run's peak when the run was repeated (peakRssKb is then their median). */
	samplesKb?: number[];
	/** VmHWM as last sampled from /proc (undefined if never sampled). */
	sampledHwmKb?: number;
	wallMs: number;
	/** Bytes of the binary files n8n wrote for this execution. */
	storedBytes: number;
	outputItems: number;
	error?: string;
}

export interface RssResult {
	line: string;
	version: string;
	nodeVersion: string;
	skipped?: string;
	baseline?: RssRun;
	large?: RssRun;
	/** A bare Node script on n8n's Node binary streaming the same files to disk (no n8n, no node). */
	plainNode?: { growthKb: number; concurrency: number };
	/** What this version's filesystem byte store does with a stream (read from its code). */
	streamHandling?: string;
}

export interface RssOptions {
	lines: string[];
	images: number;
	imageBytes: number;
	concurrency: number;
	/** How often each kind of run is repeated (default 1). */
	repeat?: number;
	/** Run the workflow once before the measured runs (default true). */
	warmUp?: boolean;
	log: (line: string) => void;
}

const WORKFLOW_ID = 'tlBenchRss000001';
export const RSS_HOOK = `'use strict';
const fs = require('node:fs');
const out = process.env.TL_BENCH_RSS_DIR;
if (out) process.on('exit', () => {
	try { fs.writeFileSync(out + '/rss-' + process.pid + '.json', JSON.stringify({ pid: process.pid, maxRSSKb: process.resourceUsage().maxRSS })); } catch {}
});
`;

/**
 * Builds the package from the current sources (or from another checkout's, `root`) into `stage`
 * and packs it. Returns the tarball.
 */
export async function buildAndPack(stage: string, root = runtime.REPO_ROOT): Promise<string> {
	const pkgDir = path.join(stage, 'package');
	mkdirSync(pkgDir, { recursive: true });
	const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
	const built = await runtime.run(tsc, ['-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(pkgDir, 'dist')], { cwd: root, env: process.env });
	if (built.code !== 0) throw new Error(`tsc failed:\n${built.stdout}\n${built.stderr}`);
	cpSync(path.join(root, 'icons'), path.join(pkgDir, 'dist', 'icons'), { recursive: true });
	cpSync(path.join(root, 'index.js'), path.join(pkgDir, 'dist', 'index.js'));
	for (const codex of findFiles(path.join(root, 'nodes'), (f) => f.endsWith('.node.json'))) {
		const target = path.join(pkgDir, 'dist', path.relative(root, codex));
		mkdirSync(path.dirname(target), { recursive: true });
		cpSync(codex, target);
	}
	for (const file of ['package.json', 'README.md', 'LICENSE']) {
		if (existsSync(path.join(root, file))) cpSync(path.join(root, file), path.join(pkgDir, file));
	}
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const packed = await runtime.run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', stage], { cwd: pkgDir, env: process.env });
	if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
	const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>;
	return path.join(stage, info[0].filename);
}

function findFiles(dir: string, match: (file: string) => boolean): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return findFiles(full, match);
		return match(full) ? [full] : [];
	});
}

export function dirBytes(dir: string): number {
	if (!existsSync(dir)) return 0;
	return findFiles(dir, () => true).reduce((sum, file) => sum + statSync(file).size, 0);
}

/** What the TensorsLab node of a bench workflow does (default: Generate and Wait, zimage). */
export interface BenchNode {
	id?: string;
	parameters?: Record<string, unknown>;
}

export function workflow(images: number, concurrency: number, credential: { id: string; name: string }, bench: BenchNode = {}): object {
	return {
		id: bench.id ?? WORKFLOW_ID,
		name: 'TensorsLab bench: many large images',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'n1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'n2',
				name: 'List',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: {
					mode: 'manual',
					assignments: {
						assignments: [{ id: 'a1', name: 'n', type: 'array', value: `={{ Array.from({ length: ${images} }, (_, i) => i) }}` }],
					},
					options: {},
				},
			},
			{ id: 'n3', name: 'Items', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [400, 0], parameters: { fieldToSplitOut: 'n', options: {} } },
			{
				id: 'n4',
				name: 'TensorsLab',
				type: 'n8n-nodes-tensorslab.tensorsLab',
				typeVersion: 1,
				position: [600, 0],
				parameters: bench.parameters ?? {
					resource: 'image',
					operation: 'generateAndWait',
					model: 'zimage',
					prompt: '={{ "bench image " + $json.n }}',
					options: { maxConcurrency: concurrency },
				},
				credentials: { tensorsLabApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'List', type: 'main', index: 0 }]] },
			List: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'TensorsLab', type: 'main', index: 0 }]] },
		},
	};
}

/** Runs `n8n execute --id` with the RSS hook; samples VmHWM of that very process meanwhile. */
export async function executeMeasured(rt: Runtime, env: NodeJS.ProcessEnv, hook: string, rssDir: string, timeoutMs: number, workflowId = WORKFLOW_ID) {
	const brokerPort = String(await runtime.freePort());
	const started = Date.now();
	const child = spawn(rt.nodeBin, ['--require', hook, rt.n8nBin, 'execute', `--id=${workflowId}`], {
		env: { ...env, N8N_RUNNERS_BROKER_PORT: brokerPort, TL_BENCH_RSS_DIR: rssDir },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	child.stdout.on('data', (d: Buffer) => out.push(d));
	child.stderr.on('data', (d: Buffer) => err.push(d));
	let sampledHwmKb: number | undefined;
	const trace: string[] = [];
	const sampler = setInterval(() => {
		try {
			const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
			const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
			if (hwm) sampledHwmKb = Math.max(sampledHwmKb ?? 0, Number(hwm[1]));
			const rss = /VmRSS:\s+(\d+) kB/.exec(status);
			if (process.env.TL_BENCH_RSS_TRACE && rss) trace.push(`${((Date.now() - started) / 1000).toFixed(1)}s:${Math.round(Number(rss[1]) / 1024)}`);
		} catch {
			// exited
		}
	}, 100);
	const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
	clearInterval(sampler);
	clearTimeout(killer);
	// TL_BENCH_RSS_TRACE=1: the n8n process's VmRSS (MiB) every 100 ms, to see when memory grows.
	if (trace.length) process.stderr.write(`  VmRSS trace: ${trace.join(' ')}\n`);
	let peakRssKb = 0;
	const file = path.join(rssDir, `rss-${child.pid}.json`);
	if (existsSync(file)) peakRssKb = (JSON.parse(readFileSync(file, 'utf8')) as { maxRSSKb: number }).maxRSSKb;
	return {
		code,
		stdout: Buffer.concat(out).toString('utf8'),
		stderr: Buffer.concat(err).toString('utf8'),
		wallMs: Date.now() - started,
		peakRssKb: peakRssKb || sampledHwmKb || 0,
		sampledHwmKb,
	};
}

/**
 * Control: the same downloads done by a bare script (http.get → fs.promises.writeFile, the call
 * n8n's filesystem store makes) on n8n's own Node binary. Its RSS growth is what streaming costs
 * on that runtime before garbage collection returns the chunk buffers, whoever does it.
 */
const FLOOR_SCRIPT = `'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const [dir, concurrency, ...urls] = process.argv.slice(2);
const get = (url) => new Promise((resolve, reject) => http.get(url, resolve).on('error', reject));
(async () => {
	// Warm the code paths with a HEAD request, then take the baseline.
	await new Promise((resolve, reject) => http.request(urls[0], { method: 'HEAD' }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject).end());
	const base = process.resourceUsage().maxRSS;
	let next = 0;
	const lane = async () => {
		while (next < urls.length) {
			const i = next++;
			const res = await get(urls[i]);
			if (res.statusCode !== 200) throw new Error('HTTP ' + res.statusCode + ' for ' + urls[i]);
			await fs.promises.writeFile(path.join(dir, 'f' + i), res);
		}
	};
	await Promise.all(Array.from({ length: Number(concurrency) }, lane));
	process.stdout.write(JSON.stringify({ baseKb: base, peakKb: process.resourceUsage().maxRSS }));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

export async function plainNodeFloor(rt: Runtime, stage: string, urls: string[], concurrency: number, nodeArgs: string[] = []): Promise<{ growthKb: number; concurrency: number }> {
	const script = path.join(stage, 'stream-floor.js');
	writeFileSync(script, FLOOR_SCRIPT);
	const dir = mkdtempSync(path.join(tmpdir(), 'tl-bench-floor-'));
	try {
		const res = await runtime.run(rt.nodeBin, [...nodeArgs, script, dir, String(concurrency), ...urls], { timeoutMs: 5 * 60 * 1000 });
		if (res.code !== 0) throw new Error(`stream-floor script failed: ${res.stderr.slice(-500)}`);
		const { baseKb, peakKb } = JSON.parse(res.stdout) as { baseKb: number; peakKb: number };
		return { growthKb: peakKb - baseKb, concurrency };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** What the installed n8n's filesystem store does with a Readable, read from its own code. */
function describeStreamHandling(rt: Runtime): string {
	const base = path.join(rt.dir, 'node_modules');
	const candidates = [
		path.join(base, '@n8n', 'blob-storage', 'dist', 'fs-byte-store.js'), // 2.x: FsByteStore
		path.join(base, 'n8n-core', 'dist', 'binary-data', 'file-system.manager.js'), // 1.x: FileSystemManager
	];
	for (const file of candidates) {
		if (!existsSync(file)) continue;
		const code = readFileSync(file, 'utf8');
		const where = path.relative(rt.dir, file);
		if (/writeFile\(tempPath, body\)/.test(code) && /rename\(tempPath/.test(code)) {
			return `${where}: fs.promises.writeFile(<tmp file>, stream) then rename — the stream is written to disk chunk by chunk, never gathered in memory`;
		}
		if (/writeFile\(filePath, bufferOrStream\)/.test(code)) {
			return `${where}: fs.promises.writeFile(<file>, stream) — the stream is written to disk chunk by chunk, never gathered in memory`;
		}
	}
	return 'could not find the filesystem store in this install';
}

async function measureLine(emu: Emulator, line: string, opts: RssOptions, stage: string, tarball: string): Promise<RssResult> {
	const rt = runtime.resolveRuntime(line);
	const base: RssResult = { line, version: rt.version, nodeVersion: '' };
	// `installed` also wants install-n8n.sh's completion marker; a runtime whose files are all
	// there is used anyway (the run itself shows whether it works).
	if (!rt.installed && !(existsSync(rt.n8nBin) && existsSync(rt.nodeBin))) {
		return { ...base, skipped: `n8n ${rt.version} is not installed (run scripts/install-n8n.sh ${line})` };
	}
	const nodeVersion = (await runtime.run(rt.nodeBin, ['-p', 'process.version'])).stdout.trim();
	const userFolder = mkdtempSync(path.join(tmpdir(), `tl-bench-n8n${line}-`));
	const rssDir = path.join(userFolder, 'rss');
	mkdirSync(rssDir);
	const hook = path.join(stage, 'rss-hook.js');
	writeFileSync(hook, RSS_HOOK);
	try {
		const env = runtime.n8nEnv(rt, {
			userFolder,
			extra: {
				N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			},
		});
		opts.log(`rss: n8n ${rt.version}: installing the package and importing the workflow …`);
		await runtime.installCommunityPackage(userFolder, tarball);
		const credential = runtime.tensorsLabCredential({ apiKey: emu.apiKey, baseUrl: emu.url });
		await runtime.importCredentials(rt, env, [credential]);
		await runtime.importWorkflows(rt, env, [workflow(opts.images, opts.concurrency, credential)]);
		const binaryRoot = path.join(userFolder, '.n8n', 'storage');
		const runOnce = async (label: string, imageBytes: number | null): Promise<RssRun> => {
			emu.reset();
			emu.configure({ queuedMs: 50, processingMs: 250, imageBytes, credits: null });
			const storedBefore = dirBytes(binaryRoot) + dirBytes(path.join(userFolder, '.n8n', 'binaryData'));
			const res = await executeMeasured(rt, env, hook, rssDir, 10 * 60 * 1000);
			const storedBytes = dirBytes(binaryRoot) + dirBytes(path.join(userFolder, '.n8n', 'binaryData')) - storedBefore;
			const execution = runtime.parseExecuteOutput(res.stdout);
			const items = runtime.nodeOutput(execution, 'TensorsLab')?.length ?? 0;
			let error: string | undefined;
			if (res.code !== 0 || !execution) error = `exit ${res.code}: ${(res.stderr || res.stdout).slice(-800)}`;
			else if (execution.data?.resultData?.error) error = execution.data.resultData.error.message;
			else if (items !== opts.images) error = `expected ${opts.images} output items, got ${items}`;
			const downloaded = emu.imageRequests().filter((r) => r.response?.status === 200).length;
			if (!error && downloaded !== opts.images) error = `expected ${opts.images} image downloads, the emulator served ${downloaded}`;
			const run: RssRun = {
				label,
				imageBytes,
				images: opts.images,
				peakRssKb: res.peakRssKb,
				sampledHwmKb: res.sampledHwmKb,
				wallMs: res.wallMs,
				storedBytes,
				outputItems: items,
				error,
			};
			opts.log(
				`  ${label}: peak RSS ${(run.peakRssKb / 1024).toFixed(1)} MiB (sampled VmHWM ${((run.sampledHwmKb ?? 0) / 1024).toFixed(1)} MiB), ` +
					`${(storedBytes / 1024 / 1024).toFixed(1)} MiB written by n8n, ${(run.wallMs / 1000).toFixed(1)} s${error ? `, ERROR: ${error}` : ''}`,
			);
			return run;
		};
		// A warm-up execution first: the first run after the imports may still do one-off work
		// (migrations, caches) that neither measured run should pay for.
		if (opts.warmUp !== false) await runOnce('warm-up', null);
		// Peak RSS varies from one n8n process to the next by tens of MiB: each kind of run is
		// repeated (alternating) and its median taken.
		const baselines: RssRun[] = [];
		const larges: RssRun[] = [];
		for (let i = 0; i < Math.max(1, opts.repeat ?? 1); i++) {
			baselines.push(await runOnce(`baseline: ${opts.images} tiny images`, null));
			larges.push(await runOnce(`${opts.images} × ${(opts.imageBytes / 1024 / 1024).toFixed(0)} MiB images`, opts.imageBytes));
		}
		const baseline = medianRun(baselines);
		const large = medianRun(larges);
		// The same images again, now fetched by a bare script on the same Node binary: the floor
		// that streaming itself costs on this runtime, with neither n8n nor our node involved.
		const urls = [...emu.tasks.values()].flatMap((task) => task.completedUrls());
		const floor = await plainNodeFloor(rt, stage, urls, opts.concurrency);
		opts.log(`  plain Node ${nodeVersion} streaming the same files to disk: RSS growth ${(floor.growthKb / 1024).toFixed(1)} MiB`);
		return { ...base, nodeVersion, baseline, large, plainNode: floor, streamHandling: describeStreamHandling(rt) };
	} finally {
		rmSync(userFolder, { recursive: true, force: true });
	}
}

/** The runs' figures combined: median peak, every sample kept, the first error if any. */
function medianRun(runs: RssRun[]): RssRun {
	const peaks = runs.map((r) => r.peakRssKb).sort((a, b) => a - b);
	const mid = Math.floor(peaks.length / 2);
	return {
		...runs[0],
		peakRssKb: peaks.length % 2 ? peaks[mid] : Math.round((peaks[mid - 1] + peaks[mid]) / 2),
		sampledHwmKb: Math.max(...runs.map((r) => r.sampledHwmKb ?? 0)) || undefined,
		samplesKb: runs.map((r) => r.peakRssKb),
		error: runs.find((r) => r.error)?.error,
	};
}

export async function measureRss(emu: Emulator, opts: RssOptions): Promise<RssResult[]> {
	const stage = mkdtempSync(path.join(tmpdir(), 'tl-bench-pkg-'));
	try {
		opts.log('rss: building and packing the node from the current sources …');
		const tarball = await buildAndPack(stage);
		const results: RssResult[] = [];
		for (const line of opts.lines) {
			try {
				results.push(await measureLine(emu, line, opts, stage, tarball));
			} catch (error) {
				const rt = runtime.resolveRuntime(line);
				results.push({ line, version: rt.version, nodeVersion: '', skipped: `failed: ${(error as Error).message.slice(0, 500)}` });
			}
		}
		return results;
	} finally {
		rmSync(stage, { recursive: true, force: true });
	}
}
