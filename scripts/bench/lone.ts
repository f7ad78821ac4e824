/**
 * Lone tasks and the poll schedule's trade-off: requests per task against detection lag.
 *
 * Measured: for each duration T, tasks of 10 durations spread over 0.9 T … 1.1 T (so each
 * completes at another moment of the schedule's interval: "different phases"), each waited on by
 * its own TaskPoller (the node's class, alone: nothing else in its run) over loopback HTTP against
 * the emulator, with the image row's schedule and with the previous one side by side. Pollers
 * are separate, so the 60 runs happen at once (a minute in all, not 14). The lag and the request
 * count are read from the emulator's log, as in timing.ts.
 *
 * Computed (exact arithmetic of the schedule, as TaskPoller applies it to a lone task): the same
 * figures over 200 phases for several schedules, fixed intervals among them. Ten-minute video
 * tasks run the TaskPoller itself on a virtual clock (a scaled clock: its sleeps advance the
 * clock, no wall time passes).
 */
import { startEmulator, type Emulator } from '../../emulator';
import { nextPollDelay, type PollSchedule } from '../../nodes/TensorsLab/helpers/pollSchedule';
import { parseTaskInfo, type TaskInfo } from '../../nodes/TensorsLab/helpers/status';
import { TaskPoller } from '../../nodes/TensorsLab/helpers/taskPoller';
import { TASK_KINDS } from '../../nodes/TensorsLab/taskKinds';
import { median } from './timing';

/** The image schedule before this round (40 % of the age, 0.5–10 s). */
export const PREVIOUS_IMAGE_SCHEDULE: PollSchedule = { minMs: 500, maxMs: 10_000, growth: 0.4 };

export interface LoneResult {
	schedule: string;
	taskMs: number;
	runs: number;
	lagMs: number[];
	requests: number[];
	lagMedianMs: number;
	requestsMedian: number;
	error?: string;
}

const phaseDurations = (taskMs: number, runs: number) => Array.from({ length: runs }, (_, i) => Math.round(taskMs * (0.9 + (0.2 * (i + 0.5)) / runs)));

const realSleep = async (ms: number, signal: AbortSignal) =>
	await new Promise<void>((resolve, reject) => {
		if (signal.aborted) return reject(new Error('aborted'));
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => (clearTimeout(timer), reject(new Error('aborted'))), { once: true });
	});

async function submit(emu: Emulator): Promise<string> {
	const form = new FormData();
	form.append('prompt', 'a lone benchmark fox');
	const res = await fetch(`${emu.url}/v1/images/zimage`, { method: 'POST', headers: { authorization: `Bearer ${emu.apiKey}` }, body: form });
	const body = (await res.json()) as { data?: { taskid?: string } };
	if (!body.data?.taskid) throw new Error(`generate failed: ${JSON.stringify(body).slice(0, 200)}`);
	return body.data.taskid;
}

async function fetchStatus(emu: Emulator, taskId: string): Promise<TaskInfo> {
	const res = await fetch(`${emu.url}${TASK_KINDS.image.statusEndpoint}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ taskid: taskId }),
	});
	const body = (await res.json()) as { data?: Record<string, unknown> };
	return parseTaskInfo(TASK_KINDS.image, (body.data ?? {}) as never, taskId);
}

/** Every (schedule, duration) pair: 10 lone tasks at different phases, all at once. */
export async function runLoneTasks(durationsMs: number[], schedules: Record<string, PollSchedule>, runs: number, log: (line: string) => void): Promise<LoneResult[]> {
	const emu = await startEmulator({ queuedMs: 0, processingMs: 0 });
	try {
		emu.reset();
		const waits: Array<Promise<{ key: string; taskId: string; error?: string }>> = [];
		log(`lone: ${Object.keys(schedules).length} schedules × ${durationsMs.map((d) => `${d / 1000} s`).join(', ')} × ${runs} phases, at once (about ${Math.max(...durationsMs) * 1.1 / 1000} s) …`);
		for (const [name, schedule] of Object.entries(schedules)) {
			for (const taskMs of durationsMs) {
				for (const d of phaseDurations(taskMs, runs)) {
					// Tasks take their duration from the settings when created: set, then submit.
					emu.configure({ queuedMs: Math.round(d / 4), processingMs: d - Math.round(d / 4), imageBytes: null, credits: null });
					const taskId = await submit(emu);
					const poller = new TaskPoller({ fetchStatus: async (id) => await fetchStatus(emu, id), sleep: realSleep, schedule });
					const key = `${name}|${taskMs}`;
					waits.push(
						poller.wait(taskId, { timeoutMs: d * 3 + 30_000 }).then(
							(o) => ({ key, taskId, error: o.kind === 'completed' ? undefined : o.kind }),
							(e: unknown) => ({ key, taskId, error: (e as Error).message }),
						),
					);
				}
			}
		}
		const done = await Promise.all(waits);
		const status = emu.apiRequests('infobytaskid');
		const results: LoneResult[] = [];
		for (const name of Object.keys(schedules)) {
			for (const taskMs of durationsMs) {
				const mine = done.filter((w) => w.key === `${name}|${taskMs}`);
				const lagMs: number[] = [];
				const requests: number[] = [];
				for (const w of mine) {
					const task = emu.tasks.get(w.taskId)!;
					const asked = status.filter((r) => (r.json as { taskid?: string } | undefined)?.taskid === w.taskId);
					requests.push(asked.length);
					const noticed = asked.find((r) => r.time >= task.doneAt);
					if (noticed) lagMs.push(noticed.time - task.doneAt);
				}
				const error = mine.find((w) => w.error)?.error;
				results.push({ schedule: name, taskMs, runs: mine.length, lagMs, requests, lagMedianMs: median(lagMs), requestsMedian: median(requests), error });
				log(`  ${name}, ${taskMs / 1000} s: lag median ${median(lagMs).toFixed(0)} ms, requests median ${median(requests)}${error ? `, ERROR ${error}` : ''}`);
			}
		}
		return results;
	} finally {
		await emu.close();
	}
}

export interface SimResult {
	schedule: string;
	taskMs: number;
	requestsMedian: number;
	requestsMax: number;
	lagMedianMs: number;
	lagMaxMs: number;
}

/**
 * A lone task's polls in exact arithmetic: what TaskPoller does for a task alone (first poll after
 * nextPollDelay(0), each next one nextPollDelay(age) after the previous), with no round trip.
 */
export function computeLone(name: string, schedule: PollSchedule, taskMs: number, phases = 200, spread: [number, number] = [0.9, 1.1]): SimResult {
	const lags: number[] = [];
	const counts: number[] = [];
	for (let i = 0; i < phases; i++) {
		const d = taskMs * (spread[0] + ((spread[1] - spread[0]) * (i + 0.5)) / phases);
		let t = 0;
		let requests = 0;
		do {
			t += nextPollDelay(t, { schedule });
			requests++;
		} while (t < d);
		lags.push(t - d);
		counts.push(requests);
	}
	return { schedule: name, taskMs, requestsMedian: median(counts), requestsMax: Math.max(...counts), lagMedianMs: median(lags), lagMaxMs: Math.max(...lags) };
}

/** The node's TaskPoller on a virtual clock (a scaled clock): `phases` lone tasks with durations spread over [lo, hi] × T. */
export async function simulateLone(name: string, schedule: PollSchedule, taskMs: number, phases = 200, spread: [number, number] = [0.9, 1.1]): Promise<SimResult> {
	const lags: number[] = [];
	const counts: number[] = [];
	for (let i = 0; i < phases; i++) {
		const d = taskMs * (spread[0] + ((spread[1] - spread[0]) * (i + 0.5)) / phases);
		let now = 0;
		let requests = 0;
		let seenAt = -1;
		const poller = new TaskPoller({
			now: () => now,
			schedule,
			sleep: async (ms, signal) => {
				await Promise.resolve();
				if (signal.aborted) throw new Error('aborted');
				now += ms;
			},
			fetchStatus: async (taskId) => {
				requests++;
				const done = now >= d;
				if (done && seenAt < 0) seenAt = now;
				return parseTaskInfo(TASK_KINDS.image, (done ? { image_status: 3, url: ['http://img/x.png'] } : { image_status: 2 }) as never, taskId);
			},
		});
		await poller.wait('t', { timeoutMs: d * 4 + 60_000 });
		lags.push(seenAt - d);
		counts.push(requests);
	}
	return { schedule: name, taskMs, requestsMedian: median(counts), requestsMax: Math.max(...counts), lagMedianMs: median(lags), lagMaxMs: Math.max(...lags) };
}

/** Schedules of the trade-off table: the previous and the current image schedule, other growths, fixed intervals. */
export function tradeOffSchedules(): Record<string, PollSchedule> {
	const image = TASK_KINDS.image.poll;
	return {
		'previous (0.5 s, then 40 % of the age)': PREVIOUS_IMAGE_SCHEDULE,
		[`current image (${image.minMs / 1000} s, then ${Math.round(image.growth * 100)} % of the age)`]: image,
		'0.75 s, then 10 % of the age': { ...image, growth: 0.1 },
		'0.75 s, then 25 % of the age': { ...image, growth: 0.25 },
		'fixed 1 s': { minMs: 1000, maxMs: 1000, growth: 0 },
		'fixed 2 s': { minMs: 2000, maxMs: 2000, growth: 0 },
		'fixed 5 s': { minMs: 5000, maxMs: 5000, growth: 0 },
	};
}

