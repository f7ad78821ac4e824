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
 *    once), and bare-Node controls with and without a smaller V8 young generation.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Emulator, RecordedRequest } from '../../emulator';
import * as runtime from '../lib/n8n-runtime';
import { RSS_HOOK, buildAndPack, dirBytes, executeMeasured, plainNodeFloor, workflow } from './rss';
import { median } from './timing';

export interface N8nCase {
	label: string;
	items: number;
	taskMs: number;
	concurrency: number;
	/** image: download the results (small images) or output URLs only; video: the file size. */
	kind: 'urls' | 'downloads' | 'video';
	imageBytes?: number | null;
	videoBytes?: number | null;
}

export interface N8nRun extends N8nCase {
	wallMs: number;
	idealMs: number;
	ratio: number;
	processWallMs: number;
	peakRssKb: number;
	storedBytes: number;
	/** Means over the tasks (ms) and the totals over the ideal (ms). */
	breakdown?: { headMs: number; lagMs: number; downloadMs: number; gapMs: number; tailMs: number; waves: number };
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

const byTime = (a: number, b: number) => a - b;

/** Where the time went, from the emulator's side (all clocks are this machine's). */
function breakdown(emu: Emulator, c: N8nCase, nodeStart: number, nodeEnd: number, fileEnds: Map<string, number>) {
	const gens = emu.apiRequests().filter((r) => r.endpoint !== 'infobytaskid' && r.endpoint !== 'videoinfobytaskid' && /\/v1\/(images|video)\/[a-z0-9]+$/.test(r.path) && !/infobytaskid|delete/.test(r.path));
	const status = emu.apiRequests().filter((r) => /infobytaskid/.test(r.path));
	const tasks = [...emu.tasks.values()];
	if (!tasks.length || !gens.length) return undefined;
	const lags: number[] = [];
	const downloads: number[] = [];
	const ends: number[] = [];
	for (const task of tasks) {
		const noticed = status.find((r: RecordedRequest) => (r.json as { taskid?: string } | undefined)?.taskid === task.taskid && r.time >= task.doneAt);
		if (!noticed) continue;
		lags.push(noticed.time - task.doneAt);
		const end = fileEnds.get(task.taskid) ?? noticed.time;
		downloads.push(end - noticed.time);
		ends.push(end);
	}
	const starts = gens.map((g) => g.time).sort(byTime);
	ends.sort(byTime);
	// A slot frees when a task's result is in; the next submit in it is the (k + concurrency)-th.
	const gaps: number[] = [];
	for (let k = c.concurrency; k < starts.length; k++) gaps.push(starts[k] - ends[k - c.concurrency]);
	const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
	return {
		headMs: starts[0] - nodeStart,
		lagMs: mean(lags),
		downloadMs: mean(downloads),
		gapMs: mean(gaps),
		tailMs: nodeEnd - ends[ends.length - 1],
		waves: Math.ceil(c.items / c.concurrency),
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
			const res = await executeMeasured(rt, env, hook, rssDir, 15 * 60 * 1000, wfId(c, i));
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
					(b ? `, head ${b.headMs.toFixed(0)} lag ${b.lagMs.toFixed(0)} download ${b.downloadMs.toFixed(0)} gap ${b.gapMs.toFixed(0)} tail ${b.tailMs.toFixed(0)} ms` : '') +
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

export { median };
