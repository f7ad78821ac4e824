/**
 * Timing, scaling and memory in a REAL n8n (`n8n execute` of the packed node, filesystem binary
 * mode), against the emulator in this process. Set-up as rss.ts (same helpers, same workflow).
 *
 *  - scaling: 1 … 500 items of 2 s tasks at Max Concurrency 10, result URLs only and with
 *    downloads of small images: wall ÷ ideal (wall = the TensorsLab node's own executionTime in
 *    n8n's run data; ideal = task × ⌈items ÷ 10⌉) and the peak RSS of the n8n process;
 *  - where the time over the ideal goes, from the emulator's log and n8n's run data: before the
 *    first submit, detection lag, download, the gap from one task's end to the next submit in its
 *    slot, after the last task;
 *  - video memory: 5 × 200 MiB videos against 5 tiny ones;
 *  - memory attempts: the same 15 × 25 MiB images at Max Concurrency 1 and 3 (fewer downloads at
 *    once), with NODE_OPTIONS=--max-semi-space-size=1 (a smaller V8 young generation: an
 *    operator's setting, which a node cannot make), and bare-Node controls with and without it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Emulator, RecordedRequest } from '../../emulator';
import * as runtime from '../lib/n8n-runtime';
import { RSS_HOOK, buildAndPack, dirBytes, executeMeasured, plainNodeFloor, workflow } from './rss';

export interface N8nCase {
	label: string;
	items: number;
	taskMs: number;
	concurrency: number;
	/** image: download the results (small images) or output URLs only; video: the file size. */
	kind: 'urls' | 'downloads' | 'video';
	imageBytes?: number | null;
	videoBytes?: number | null;
	/** NODE_OPTIONS of the n8n process (an operator's setting, not the node's). */
	nodeOptions?: string;
}

export interface N8nRun extends N8nCase {
	wallMs: number;
	idealMs: number;
	ratio: number;
	processWallMs: number;
	peakRssKb: number;
	storedBytes: number;
	/** The critical lane's wall time, decomposed (ms, totals over its tasks). */
	breakdown?: { headMs: number; taskMs: number; lagMs: number; downloadMs: number; gapMs: number; tailMs: number; waves: number };
	error?: string;
}

export interface N8nRunsResult {
	version: string;
	nodeVersion: string;
	runs: N8nRun[];
	controls: Array<{ label: string; growthKb: number }>;
	skipped?: string;
}

const wfId = (_case: N8nCase, i: number) => `tlBenchN8n${String(i).padStart(6, '0')}`;

function parameters(c: N8nCase): Record<string, unknown> {
	if (c.kind === 'video') {
		return { resource: 'video', operation: 'generateAndWait', model: 'seedancev1profast', prompt: '={{ "bench video " + $json.n }}', videoResolution: '480p', options: { maxConcurrency: c.concurrency } };
	}
	return {
		resource: 'image',
		operation: 'generateAndWait',
		model: 'zimage',
		prompt: '={{ "bench image " + $json.n }}',
		options: { maxConcurrency: c.concurrency, downloadImages: c.kind === 'downloads' },
	};
}

/**
 * Where the time went along the critical lane, from the emulator's side (one clock: this
 * machine's). Lanes are rebuilt as the node's pool runs them: each task after the first
 * `concurrency` starts in the slot of the task that ended last before it was created. The lane
 * that ended last decomposes the wall time exactly: before its first submit + Σ task durations +
 * Σ detection lags + Σ downloads + Σ gaps (a task's end → the next submit in its slot: the
 * node's and n8n's handling of the item and the submit request) + after its last task.
 */
function breakdown(emu: Emulator, c: N8nCase, nodeStart: number, nodeEnd: number, fileEnds: Map<string, number>) {
	const status = emu.apiRequests().filter((r) => /infobytaskid/.test(r.path));
	const tasks = [...emu.tasks.values()].sort((a, b) => a.createdAt - b.createdAt);
	if (!tasks.length) return undefined;
	const info = tasks.map((task) => {
		const noticed = status.find((r: RecordedRequest) => (r.json as { taskid?: string } | undefined)?.taskid === task.taskid && r.time >= task.doneAt)?.time ?? task.doneAt;
		return { created: task.createdAt, done: task.doneAt, noticed, end: fileEnds.get(task.taskid) ?? noticed };
	});
	const lanes: Array<typeof info> = [];
	for (const t of info) {
		if (lanes.length < c.concurrency) {
			lanes.push([t]);
			continue;
		}
		const free = lanes.filter((l) => l[l.length - 1].end <= t.created + 5);
		const pool = free.length ? free : lanes;
		pool.sort((a, b) => b[b.length - 1].end - a[a.length - 1].end);
		pool[free.length ? 0 : pool.length - 1].push(t);
	}
	const lane = lanes.sort((a, b) => b[b.length - 1].end - a[a.length - 1].end)[0];
	let gapMs = 0;
	for (let i = 1; i < lane.length; i++) gapMs += lane[i].created - lane[i - 1].end;
	const sum = (f: (t: (typeof info)[number]) => number) => lane.reduce((n, t) => n + f(t), 0);
	return {
		headMs: lane[0].created - nodeStart,
		taskMs: sum((t) => t.done - t.created),
		lagMs: sum((t) => t.noticed - t.done),
		downloadMs: sum((t) => t.end - t.noticed),
		gapMs,
		tailMs: nodeEnd - lane[lane.length - 1].end,
		waves: lane.length,
	};
}

export async function runInN8n(emu: Emulator, line: string, cases: N8nCase[], log: (line: string) => void, controlUrls?: () => string[]): Promise<N8nRunsResult> {
	const rt = runtime.resolveRuntime(line);
	const stage = mkdtempSync(path.join(tmpdir(), 'tl-bench-n8nruns-'));
	const userFolder = mkdtempSync(path.join(tmpdir(), `tl-bench-n8nruns${line}-`));
	try {
		const nodeVersion = (await runtime.run(rt.nodeBin, ['-p', 'process.version'])).stdout.trim();
		const tarball = await buildAndPack(stage);
		const rssDir = path.join(userFolder, 'rss');
		mkdirSync(rssDir);
		const hook = path.join(stage, 'rss-hook.js');
		writeFileSync(hook, RSS_HOOK);
		const env = runtime.n8nEnv(rt, { userFolder, extra: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } });
		log(`n8n ${rt.version}: installing the package and importing ${cases.length} workflows …`);
		await runtime.installCommunityPackage(userFolder, tarball);
		const credential = runtime.tensorsLabCredential({ apiKey: emu.apiKey, baseUrl: emu.url });
		await runtime.importCredentials(rt, env, [credential]);
		await runtime.importWorkflows(rt, env, cases.map((c, i) => ({ ...(workflow(c.items, c.concurrency, credential, { id: wfId(c, i), parameters: parameters(c) }) as object), name: `bench ${c.label}` })));
		const storage = () => dirBytes(path.join(userFolder, '.n8n', 'storage')) + dirBytes(path.join(userFolder, '.n8n', 'binaryData'));
		const runs: N8nRun[] = [];
		for (const [i, c] of cases.entries()) {
			emu.reset();
			const queuedMs = Math.round(c.taskMs / 4);
			emu.configure({ queuedMs, processingMs: c.taskMs - queuedMs, uploadingMs: 0, imageBytes: c.imageBytes ?? null, videoBytes: c.videoBytes ?? null, credits: null });
			const fileEnds = new Map<string, number>();
			const onRequest = (r: RecordedRequest) => {
				const m = /^\/(?:images|videos)\/([^/.]+)/.exec(r.path);
				if (r.origin === 'images' && r.response?.status === 200 && m) fileEnds.set(m[1], Date.now());
			};
			emu.events.on('request', onRequest);
			const before = storage();
			log(`n8n ${rt.version}: ${c.label} …`);
			const res = await executeMeasured(rt, c.nodeOptions ? { ...env, NODE_OPTIONS: c.nodeOptions } : env, hook, rssDir, 15 * 60 * 1000, wfId(c, i));
			emu.events.off('request', onRequest);
			const execution = runtime.parseExecuteOutput(res.stdout);
			const nodeRun = execution?.data?.resultData?.runData?.TensorsLab?.[0] as { startTime?: number; executionTime?: number } | undefined;
			const items = runtime.nodeOutput(execution, 'TensorsLab')?.length ?? 0;
			let error: string | undefined;
			if (res.code !== 0 || !execution) error = `exit ${res.code}: ${(res.stderr || res.stdout).slice(-400)}`;
			else if (execution.data?.resultData?.error) error = execution.data.resultData.error.message;
			else if (items !== c.items) error = `expected ${c.items} output items, got ${items}`;
			const wallMs = nodeRun?.executionTime ?? NaN;
			const idealMs = c.taskMs * Math.ceil(c.items / c.concurrency);
			const start = nodeRun?.startTime ?? NaN;
			const run: N8nRun = {
				...c,
				wallMs,
				idealMs,
				ratio: wallMs / idealMs,
				processWallMs: res.wallMs,
				peakRssKb: res.peakRssKb,
				storedBytes: storage() - before,
				breakdown: Number.isFinite(start) ? breakdown(emu, c, start, start + wallMs, fileEnds) : undefined,
				error,
			};
			const b = run.breakdown;
			log(
				`  wall ${(wallMs / 1000).toFixed(2)} s (×${run.ratio.toFixed(3)}), peak RSS ${(run.peakRssKb / 1024).toFixed(1)} MiB` +
					(b ? `, critical lane: head ${b.headMs.toFixed(0)}, Σ lag ${b.lagMs.toFixed(0)}, Σ download ${b.downloadMs.toFixed(0)}, Σ gaps ${b.gapMs.toFixed(0)}, tail ${b.tailMs.toFixed(0)} ms` : '') +
					(error ? `, ERROR: ${error}` : ''),
			);
			runs.push(run);
		}
		const controls: Array<{ label: string; growthKb: number }> = [];
		const urls = controlUrls?.() ?? [];
		if (urls.length) {
			for (const [label, conc, args] of [
				['bare Node, 10 at a time', 10, []],
				['bare Node, 1 at a time', 1, []],
				['bare Node, 10 at a time, --max-semi-space-size=1', 10, ['--max-semi-space-size=1']],
				['bare Node, 1 at a time, --max-semi-space-size=1', 1, ['--max-semi-space-size=1']],
			] as Array<[string, number, string[]]>) {
				const floor = await plainNodeFloor(rt, stage, urls, conc, args);
				controls.push({ label, growthKb: floor.growthKb });
				log(`  control ${label}: ${(floor.growthKb / 1024).toFixed(1)} MiB`);
			}
		}
		return { version: rt.version, nodeVersion, runs, controls };
	} catch (error) {
		return { version: rt.version, nodeVersion: '', runs: [], controls: [], skipped: `failed: ${(error as Error).message.slice(0, 400)}` };
	} finally {
		rmSync(userFolder, { recursive: true, force: true });
		rmSync(stage, { recursive: true, force: true });
	}
}

