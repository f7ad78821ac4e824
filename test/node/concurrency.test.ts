/**
 * Many items at once: items run side by side up to Max Concurrency, one loop polls every pending
 * task, and the output still comes in input order with the right pairing, item by item, even
 * when tasks finish in another order or some of them fail.
 *
 * Facts are read from the emulator (its log and task table), i.e. from the server's side, and
 * asserted as counts and orderings rather than wall-clock tightness.
 */
import { parseTaskInfo as parseTaskInfoOfKind } from '../../nodes/TensorsLab/helpers/status';
import { TASK_KINDS } from '../../nodes/TensorsLab/taskKinds';
import { TaskPoller } from '../../nodes/TensorsLab/helpers/taskPoller';
import { expectedImageBytes, peakTasksInFlight, type Emulator, type RecordedRequest } from '../../emulator';
import { run, useEmulator } from './helpers';

const { emu } = useEmulator();

const generateAndWait = (extra: Record<string, unknown>) => ({
	resource: 'image',
	operation: 'generateAndWait',
	model: 'zimage',
	prompt: '={{ $json.prompt }}',
	...extra,
});

const prompts = (count: number) => Array.from({ length: count }, (_, i) => `item ${i}`);
const itemsOf = (list: string[]) => list.map((prompt) => ({ json: { prompt } }));
const indexOfPrompt = (prompt: string) => Number(/^item (\d+)$/.exec(prompt)?.[1]);

/**
 * Gives each task its own duration, chosen from its prompt ("item <i>"): the emulator's durations
 * are global, so every task is re-timed the moment its generate request is answered (long before
 * the node's first status request, which comes at least 100 ms later).
 */
function timeTasksByItem(e: Emulator, durationOf: (item: number) => number): () => void {
	const seen = new Set<string>();
	const onRequest = () => {
		for (const task of e.tasks.values()) {
			if (seen.has(task.taskid)) continue;
			seen.add(task.taskid);
			task.queuedUntil = task.createdAt + 20;
			task.doneAt = task.createdAt + durationOf(indexOfPrompt(task.prompt));
		}
	};
	e.events.on('request', onRequest);
	return () => e.events.off('request', onRequest);
}

/** When the emulator read the task's state for this request (arrival, on a loaded machine, can be earlier). */
function seenAt(request: RecordedRequest): number {
	return request.readAt ?? request.time;
}

function statusRequestsByTask(e: Emulator): Map<string, RecordedRequest[]> {
	const byTask = new Map<string, RecordedRequest[]>();
	for (const request of e.apiRequests('infobytaskid')) {
		const id = (request.json as { taskid: string }).taskid;
		byTask.set(id, [...(byTask.get(id) ?? []), request]);
	}
	return byTask;
}

/** Every task the emulator created was asked about at or after the moment it finished. */
function expectEveryTaskPolledToTheEnd(e: Emulator) {
	const byTask = statusRequestsByTask(e);
	for (const task of e.tasks.values()) {
		const requests = byTask.get(task.taskid) ?? [];
		expect({ task: task.taskid, polledAfterDone: requests.some((r) => seenAt(r) >= task.doneAt) }).toEqual({
			task: task.taskid,
			polledAfterDone: true,
		});
	}
}

/** When each task's last image finished downloading (the emulator's 'request' event for it). */
function trackDownloads(e: Emulator): { ends: Map<string, number>; stop: () => void } {
	const ends = new Map<string, number>();
	const onRequest = (request: RecordedRequest) => {
		const match = /^\/images\/([^/]+)\/\d+\.png$/.exec(request.path);
		if (request.origin === 'images' && match && request.response?.status === 200) ends.set(match[1], Date.now());
	};
	e.events.on('request', onRequest);
	return { ends, stop: () => e.events.off('request', onRequest) };
}

describe('many items at once', () => {
	it('outputs 20 items of mixed durations in input order, each paired with its own task and image', async () => {
		// Item 0 takes longest and item 19 is quickest: tasks finish in reverse input order.
		const stop = timeTasksByItem(emu(), (i) => 1_400 - i * 60);
		const list = prompts(20);
		const result = await run(emu(), generateAndWait({ options: { maxConcurrency: 20 } }), { inputItems: itemsOf(list) }).finally(stop);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.prompt)).toEqual(list);
		expect(result.items.map((item) => item.pairedItem)).toEqual(list.map((_, item) => ({ item })));
		const tasks = [...emu().tasks.values()];
		expect(tasks).toHaveLength(20);
		// They really did finish in another order than the input's.
		const finishOrder = [...tasks].sort((a, b) => a.doneAt - b.doneAt).map((task) => indexOfPrompt(task.prompt));
		expect(finishOrder).not.toEqual([...finishOrder].sort((a, b) => a - b));
		result.items.forEach((item, i) => {
			const task = emu().tasks.get(item.json.taskId as string)!;
			expect(task.prompt).toBe(list[i]);
			expect(result.binaries[i].data.buffer.equals(expectedImageBytes(task.taskid, 0))).toBe(true);
		});
		expectEveryTaskPolledToTheEnd(emu());
	});

	it('keeps several images per item together, in order, paired with their item', async () => {
		const stop = timeTasksByItem(emu(), (i) => 900 - i * 100);
		const list = prompts(6);
		const result = await run(emu(), generateAndWait({ model: 'seedreamv45', batchSize: 2, options: { maxConcurrency: 3 } }), {
			inputItems: itemsOf(list),
		}).finally(stop);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.prompt, item.json.index, item.pairedItem])).toEqual(
			list.flatMap((prompt, item) => [
				[prompt, 0, { item }],
				[prompt, 1, { item }],
			]),
		);
		result.items.forEach((item, i) => {
			expect(result.binaries[i].data.buffer.equals(expectedImageBytes(item.json.taskId as string, item.json.index as number))).toBe(true);
		});
	});

	it('under Continue On Fail, failing items become error items in place and the others are all finished', async () => {
		const stop = timeTasksByItem(emu(), (i) => 300 + (i % 5) * 150);
		emu().inject('generate', { kind: 'failTask', message: 'NSFW content detected' });
		emu().inject('generate', { kind: 'emptyUrls' });
		emu().inject('generate', { kind: 'imageNotFound' });
		const list = prompts(20);
		const result = await run(emu(), generateAndWait({ options: { maxConcurrency: 6 } }), {
			inputItems: itemsOf(list),
			continueOnFail: true,
		}).finally(stop);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(20);
		expect(result.items.map((item) => item.pairedItem)).toEqual(list.map((_, item) => ({ item })));
		const failures = result.items.filter((item) => item.json.error !== undefined);
		expect(failures).toHaveLength(3);
		for (const item of result.items) {
			const task = emu().tasks.get(item.json.taskId as string)!;
			expect(task.prompt).toBe(list[(item.pairedItem as { item: number }).item]);
			if (item.json.error === undefined) {
				expect(task.fault).toBeUndefined();
				expect(item.json).toMatchObject({ status: 'completed', prompt: task.prompt });
				continue;
			}
			const expected = {
				failTask: new RegExp(`could not complete task ${task.taskid}: NSFW content detected`),
				emptyUrls: new RegExp(`Task ${task.taskid} completed but TensorsLab returned no image URLs`),
				imageNotFound: /404|not found/i,
			}[task.fault!.kind as 'failTask' | 'emptyUrls' | 'imageNotFound'];
			expect(item.json.error).toMatch(expected);
		}
		expectEveryTaskPolledToTheEnd(emu());
		// Every image that exists was downloaded once; the missing one was asked for, not the others.
		const downloaded = emu()
			.imageRequests()
			.filter((r) => r.response?.status === 200)
			.map((r) => r.path.split('/')[2]);
		expect(downloaded.sort()).toEqual(
			[...emu().tasks.values()]
				.filter((task) => !task.fault)
				.map((task) => task.taskid)
				.sort(),
		);
	});

	it('without Continue On Fail, stops submitting and names every task already created', async () => {
		emu().configure({ queuedMs: 20, processingMs: 400 });
		emu().inject('generate', { kind: 'failTask', message: 'bad luck' });
		const result = await run(emu(), generateAndWait({ options: { maxConcurrency: 5 } }), { inputItems: itemsOf(prompts(20)) });

		const failed = [...emu().tasks.values()].find((task) => task.failed)!;
		expect(result.error?.message).toBe(`TensorsLab could not complete task ${failed.taskid}: bad luck`);
		const description = (result.error as { description?: string }).description ?? '';
		const others = [...emu().tasks.keys()].filter((id) => id !== failed.taskid);
		expect(others.length).toBeGreaterThanOrEqual(4);
		for (const id of others) expect(description).toContain(id);
		expect(description).toMatch(/Wait and Download/);
		// Submitting stopped: not every item got a task, and none was submitted after the failure was seen.
		expect(emu().tasks.size).toBeLessThan(20);
		const noticed = statusRequestsByTask(emu()).get(failed.taskid)!.find((r) => seenAt(r) >= failed.doneAt)!;
		const lastSubmit = Math.max(...emu().apiRequests('generate').map((r) => r.time));
		// 50 ms of room for a submit sent just before the node read that answer.
		expect(lastSubmit).toBeLessThanOrEqual(noticed.answeredAt! + 50);
	});

	it.each([1, 3])('never has more than maxConcurrency %i tasks submitted and not yet downloaded', async (maxConcurrency) => {
		const stop = timeTasksByItem(emu(), (i) => 150 + ((i * 7) % 4) * 100);
		const downloads = trackDownloads(emu());
		const result = await run(emu(), generateAndWait({ options: { maxConcurrency } }), { inputItems: itemsOf(prompts(9)) }).finally(() => {
			stop();
			downloads.stop();
		});
		expect(result.error).toBeUndefined();
		const peak = peakTasksInFlight(
			[...emu().tasks.values()].map((task) => ({ start: task.createdAt, end: downloads.ends.get(task.taskid)! })),
		);
		expect(emu().tasks.size).toBe(9);
		expect(peak).toBe(maxConcurrency);
	});

	describe('one polling loop for all pending tasks', () => {
		it('asks about 10 concurrent 2 s tasks no more often than one task alone, each once after it finished', async () => {
			emu().configure({ queuedMs: 500, processingMs: 1_500 });
			const result = await run(emu(), generateAndWait({ options: { maxConcurrency: 10 } }), { inputItems: itemsOf(prompts(10)) });
			expect(result.error).toBeUndefined();
			const byTask = statusRequestsByTask(emu());
			expect(byTask.size).toBe(10);
			// One task alone is asked at 0.75, 1.5 and 2.25 s: three requests. Ten at once cost no
			// more than ten times that (no per-item loops asking on top of each other)…
			expect(emu().apiRequests('infobytaskid').length).toBeLessThanOrEqual(10 * 4);
			for (const task of emu().tasks.values()) {
				const requests = byTask.get(task.taskid)!;
				// …never two requests for one task at once (the loop waits for each answer)…
				for (let i = 1; i < requests.length; i++) expect(requests[i].time).toBeGreaterThanOrEqual(requests[i - 1].answeredAt!);
				// …and exactly one request after it finished: the one that saw it completed.
				expect(requests.filter((r) => seenAt(r) >= task.doneAt)).toHaveLength(1);
			}
		});

		it('asks about 10 concurrent 20 s tasks less often than a fixed 1 s interval would', async () => {
			emu().configure({ queuedMs: 2_000, processingMs: 18_000 });
			const result = await run(emu(), generateAndWait({ options: { maxConcurrency: 10 } }), {
				inputItems: itemsOf(prompts(10)),
				timeoutMs: 40_000,
			});
			expect(result.error).toBeUndefined();
			// Polling every second, each task would cost 20 requests: 200 in all. The image schedule
			// (0.75 s, then 15 % of the age: within 10 % of a task's duration, ≤ 30 requests for 60 s)
			// asks each at most 18 times (17 alone, one more when its first poll is staggered).
			const total = emu().apiRequests('infobytaskid').length;
			expect(total).toBeLessThanOrEqual(10 * 18);
			expect(total).toBeLessThan(10 * 20);
			expectEveryTaskPolledToTheEnd(emu());
		}, 60_000);
	});
});

describe('the polling loop on a virtual clock (exact schedule, no HTTP)', () => {
	/**
	 * Sleep advances a virtual clock (after a microtask, so that tasks registered in one go all
	 * start at t = 0); every task lasts `durationMs`. Lag = when the request that saw a task
	 * completed was sent − when it completed.
	 */
	async function runGroup(count: number, durationMs: number) {
		let now = 0;
		const asked: Record<string, number[]> = {};
		const poller = new TaskPoller({
			now: () => now,
			sleep: async (ms, signal) => {
				await Promise.resolve();
				if (signal.aborted) throw new Error('aborted');
				now += ms;
			},
			fetchStatus: async (taskId) => {
				(asked[taskId] ??= []).push(now);
				return parseTaskInfoOfKind(TASK_KINDS.image, now >= durationMs ? { image_status: 3, url: [`http://img/${taskId}.png`] } : { image_status: 2 }, taskId);
			},
		});
		const outcomes = await Promise.all(Array.from({ length: count }, async (_, i) => await poller.wait(`t${i}`, { timeoutMs: 600_000 })));
		const lags = Object.values(asked).map((times) => times[times.length - 1] - durationMs);
		return { outcomes, asked, lags };
	}

	it.each([5_000, 20_000, 60_000])('notices %i ms tasks started together sooner as a group than alone, at no extra request', async (durationMs) => {
		const alone = await runGroup(1, durationMs);
		const group = await runGroup(10, durationMs);
		expect(group.outcomes.every((o) => o.kind === 'completed')).toBe(true);
		// Alone, the schedule (0.5, 1, 1.5, 2.1, 2.9, 4.1, 5.8, 8.1, 11.3, 15.8, 22.1, 31, 41, …) notices
		// these tasks 0.76 s, 2.1 s and 1 s late: more than a tenth of a 5 s or 20 s task.
		expect(alone.lags[0]).toBe({ 5_000: 762, 20_000: 2_137, 60_000: 992 }[durationMs]);
		// Staggered first polls spread the group's requests over each interval; the first task seen
		// completed pulls the others forward: every task of the group is noticed sooner, within the target.
		expect(Math.max(...group.lags)).toBeLessThan(alone.lags[0]);
		expect(Math.max(...group.lags)).toBeLessThanOrEqual(Math.max(500, durationMs / 10));
		for (const times of Object.values(group.asked)) expect(times.length).toBeLessThanOrEqual(alone.asked.t0.length);
	});
});
