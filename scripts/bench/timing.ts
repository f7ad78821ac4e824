/**
 * Timing figures, measured in-process: the node runs inside a real n8n-core workflow execution
 * (test/harness) against the emulator over loopback HTTP. Nothing here depends on the n8n
 * version: wall time, status requests and detection lag are the node's own behaviour.
 *
 * Everything is read from the emulator's log and task table, i.e. from the server's side:
 *  - a task's duration is exactly queuedMs + processingMs from the moment the emulator created it;
 *  - it "completed" at EmulatedTask.doneAt;
 *  - the node "noticed" at the first status request for it that arrived at or after doneAt (the
 *    emulator answers from the arrival time, so that request saw image_status 3). Arrival is
 *    recorded before the answer is computed, so a request arriving within a millisecond of doneAt
 *    may be counted one request late: the lag can only be over-, never under-estimated.
 *  - in flight: from the generate request's arrival to the end of the task's last image download.
 */
import type { INodeParameters } from 'n8n-workflow';

import { peakTasksInFlight, startEmulator, type Emulator, type RecordedRequest } from '../../emulator';
import { runNode } from '../../test/harness';

export interface TimingCase {
	label: string;
	items: number;
	concurrency: number;
	taskMs: number;
}

export interface TimingResult extends TimingCase {
	wallMs: number;
	idealMs: number;
	ratio: number;
	tasks: number;
	statusRequests: number;
	statusPerTask: { min: number; median: number; max: number };
	lagMs: number[];
	lagMedianMs: number;
	lagMaxMs: number;
	peakInFlight: number;
	outputItems: number;
	error?: string;
}

export function median(values: number[]): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function idealMs(c: TimingCase): number {
	return c.taskMs * Math.ceil(c.items / c.concurrency);
}

/** Splits a task duration into the emulator's queued and processing phases (¼ queued). */
function phases(taskMs: number): { queuedMs: number; processingMs: number } {
	const queuedMs = Math.round(taskMs / 4);
	return { queuedMs, processingMs: taskMs - queuedMs };
}

function statusTaskId(request: RecordedRequest): string | undefined {
	const json = request.json as { taskid?: unknown } | undefined;
	return typeof json?.taskid === 'string' ? json.taskid : undefined;
}

/** Per-task figures from the log; exported for the tests' own checks. */
export function analyseLog(emu: Emulator, imageEnds: Map<string, number>) {
	const status = emu.apiRequests('infobytaskid');
	const perTask = new Map<string, RecordedRequest[]>();
	for (const request of status) {
		const id = statusTaskId(request);
		if (!id) continue;
		if (!perTask.has(id)) perTask.set(id, []);
		perTask.get(id)!.push(request);
	}
	const tasks = [...emu.tasks.values()];
	const lags: number[] = [];
	const counts: number[] = [];
	for (const task of tasks) {
		const requests = perTask.get(task.taskid) ?? [];
		counts.push(requests.length);
		const noticed = requests.find((r) => r.time >= task.doneAt);
		if (noticed) lags.push(noticed.time - task.doneAt);
	}
	const peak = peakTasksInFlight(tasks.map((task) => ({ start: task.createdAt, end: imageEnds.get(task.taskid) })));
	return { tasks, statusRequests: status.length, counts, lags, peakInFlight: peak };
}

/** Records when each task's last image download ended (the emulator's 'request' event). */
export function trackImageEnds(emu: Emulator): { ends: Map<string, number>; stop: () => void } {
	const ends = new Map<string, number>();
	const onRequest = (request: RecordedRequest) => {
		if (request.origin !== 'images' || request.response?.status !== 200) return;
		const match = /^\/images\/([^/]+)\/\d+\.png$/.exec(request.path);
		if (match) ends.set(match[1], Date.now());
	};
	emu.events.on('request', onRequest);
	return { ends, stop: () => emu.events.off('request', onRequest) };
}

export async function runTimingCase(emu: Emulator, c: TimingCase): Promise<TimingResult> {
	emu.reset();
	emu.configure({ ...phases(c.taskMs), imageBytes: null, credits: null });
	const tracker = trackImageEnds(emu);
	const parameters: INodeParameters = {
		resource: 'image',
		operation: 'generateAndWait',
		model: 'zimage',
		prompt: 'a benchmark fox',
		options: { maxConcurrency: c.concurrency },
	};
	const started = performance.now();
	let error: string | undefined;
	let outputItems = 0;
	try {
		const result = await runNode({
			parameters,
			credentials: { apiKey: emu.apiKey, baseUrl: emu.url },
			inputItems: Array.from({ length: c.items }, (_, i) => ({ json: { i } })),
			timeoutMs: idealMs(c) * 3 + 60_000,
		});
		outputItems = result.items.length;
		if (result.error) error = result.error.message;
	} catch (thrown) {
		error = (thrown as Error).message;
	} finally {
		tracker.stop();
	}
	const wallMs = performance.now() - started;
	const analysis = analyseLog(emu, tracker.ends);
	if (!error && analysis.tasks.length !== c.items) error = `expected ${c.items} tasks, the emulator saw ${analysis.tasks.length}`;
	if (!error && outputItems !== c.items) error = `expected ${c.items} output items, got ${outputItems}`;
	const ideal = idealMs(c);
	return {
		...c,
		wallMs,
		idealMs: ideal,
		ratio: wallMs / ideal,
		tasks: analysis.tasks.length,
		statusRequests: analysis.statusRequests,
		statusPerTask: {
			min: Math.min(...analysis.counts),
			median: median(analysis.counts),
			max: Math.max(...analysis.counts),
		},
		lagMs: analysis.lags,
		lagMedianMs: median(analysis.lags),
		lagMaxMs: Math.max(...analysis.lags),
		peakInFlight: analysis.peakInFlight,
		outputItems,
		error,
	};
}

/** Runs the cases one after another against one emulator. */
export async function runTimingCases(cases: TimingCase[], log: (line: string) => void): Promise<TimingResult[]> {
	const emu = await startEmulator({ queuedMs: 0, processingMs: 0 });
	const results: TimingResult[] = [];
	try {
		for (const c of cases) {
			log(`timing: ${c.label}: ${c.items} item(s), ${c.taskMs / 1000} s tasks, maxConcurrency ${c.concurrency} …`);
			const result = await runTimingCase(emu, c);
			log(
				`  wall ${(result.wallMs / 1000).toFixed(2)} s (ideal ${result.idealMs / 1000} s, ×${result.ratio.toFixed(3)}), ` +
					`${result.statusRequests} status requests, lag median ${result.lagMedianMs.toFixed(0)} ms max ${result.lagMaxMs.toFixed(0)} ms, ` +
					`peak in flight ${result.peakInFlight}${result.error ? `, ERROR: ${result.error}` : ''}`,
			);
			results.push(result);
		}
	} finally {
		await emu.close();
	}
	return results;
}
