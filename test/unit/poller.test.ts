import { MAX_POLL_MS, MIN_POLL_MS, nextPollDelay } from '../../nodes/TensorsLab/helpers/pollSchedule';
import { TaskPoller } from '../../nodes/TensorsLab/helpers/taskPoller';
import type { TaskInfo } from '../../nodes/TensorsLab/helpers/status';
import { parseTaskInfo as parseTaskInfoOfKind } from '../../nodes/TensorsLab/helpers/status';
import { TASK_KINDS } from '../../nodes/TensorsLab/taskKinds';
import type { TaskStatusName } from '../../nodes/TensorsLab/taskInfo';

const parseTaskInfo = (data: Parameters<typeof parseTaskInfoOfKind>[1], taskId: string) => parseTaskInfoOfKind(TASK_KINDS.image, data, taskId);
import { runPool } from '../../nodes/TensorsLab/helpers/pool';

describe('nextPollDelay', () => {
	it('starts at the minimum and grows toward the cap', () => {
		expect(nextPollDelay(0)).toBe(MIN_POLL_MS);
		expect(nextPollDelay(8_000)).toBe(3_200);
		expect(nextPollDelay(600_000)).toBe(MAX_POLL_MS);
	});

	it('honours a user interval', () => {
		expect(nextPollDelay(60_000, { userIntervalMs: 3_000 })).toBe(3_000);
	});

	it('pulls the next poll forward to the expected completion time', () => {
		expect(nextPollDelay(20_000, { expectedDurationMs: 21_000 })).toBe(1_000);
		expect(nextPollDelay(20_000, { expectedDurationMs: 19_000 })).toBe(8_000);
	});

	it('costs at most 15 requests for a 60 s task and notices a 5 s task within a second', () => {
		let t = 0;
		let polls = 0;
		while (t < 60_000) {
			t += nextPollDelay(t);
			polls++;
		}
		expect(polls).toBeLessThanOrEqual(15);
		t = 0;
		while (t < 5_000) t += nextPollDelay(t);
		expect(t - 5_000).toBeLessThanOrEqual(1_000);
	});
});

describe('the image schedule (taskKinds.ts, image.poll)', () => {
	const schedule = TASK_KINDS.image.poll;
	/** Requests until a lone task of `durationMs` is seen completed, and how late that is. */
	const lone = (durationMs: number) => {
		let t = 0;
		let requests = 0;
		for (;;) {
			t += nextPollDelay(t, { schedule });
			requests++;
			if (t >= durationMs) return { requests, lagMs: t - durationMs };
		}
	};

	it('costs at most 30 status requests for a 60 s task', () => {
		expect(lone(60_000).requests).toBeLessThanOrEqual(30);
	});

	it.each([2_000, 5_000, 20_000, 60_000, 120_000])('notices a lone task of about %i ms within max(0.5 s, 10 %%) in the median over phases', (durationMs) => {
		// 41 durations spread over ±10 %: each falls at another moment of the schedule's interval.
		const ratios = Array.from({ length: 41 }, (_, i) => {
			const d = durationMs * (0.9 + (0.2 * i) / 40);
			return lone(d).lagMs / Math.max(500, d / 10);
		}).sort((a, b) => a - b);
		expect(ratios[20]).toBeLessThanOrEqual(1);
	});

	it('differs from the video schedule, which keeps a 10-minute task within 70 requests', () => {
		expect(TASK_KINDS.video.poll).toEqual({ minMs: MIN_POLL_MS, maxMs: MAX_POLL_MS, growth: 0.4 });
		expect(schedule.growth).toBeLessThan(TASK_KINDS.video.poll.growth);
	});
});

/** A virtual clock: sleep advances time instantly, so the loop's schedule is exact. */
function virtualClock() {
	let now = 0;
	return {
		now: () => now,
		sleep: async (ms: number, signal: AbortSignal) => {
			if (signal.aborted) throw new Error('aborted');
			now += ms;
			await Promise.resolve();
		},
	};
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * A virtual clock with a timer queue: time moves to the next timer only once nothing else can run
 * (the poller's own zero-delay waits are real timers and run first), so tasks registered together
 * register at the same instant.
 */
function eventClock() {
	let now = 0;
	const timers: Array<{ at: number; fire: () => void }> = [];
	const sleep = async (ms: number, signal: AbortSignal) =>
		await new Promise<void>((resolve, reject) => {
			if (signal.aborted) return reject(new Error('aborted'));
			const timer = { at: now + ms, fire: resolve };
			timers.push(timer);
			signal.addEventListener('abort', () => {
				timer.fire = () => undefined;
				reject(new Error('aborted'));
			});
		});
	return {
		now: () => now,
		sleep,
		async run(body: () => Promise<void>) {
			let finished = false;
			const done = body().finally(() => (finished = true));
			while (!finished) {
				await new Promise((resolve) => setTimeout(resolve, 0));
				timers.sort((a, b) => a.at - b.at);
				const timer = timers.shift();
				if (!timer) continue;
				now = Math.max(now, timer.at);
				timer.fire();
			}
			await done;
		},
	};
}

function fakeTasks(durations: Record<string, number>, clock: { now: () => number }, failing: string[] = []) {
	const started: Record<string, number> = {};
	const requests: string[] = [];
	return {
		requests,
		start: (id: string) => (started[id] = clock.now()),
		fetchStatus: async (taskId: string): Promise<TaskInfo> => {
			requests.push(taskId);
			const elapsed = clock.now() - started[taskId];
			const done = elapsed >= durations[taskId];
			const status: TaskStatusName = done ? (failing.includes(taskId) ? 'failed' : 'completed') : 'processing';
			return {
				taskId,
				statusCode: { completed: 3, failed: 4, processing: 2 }[status as 'completed'] ?? 2,
				status,
				urls: done ? [`http://img/${taskId}`] : [],
				errorMessage: failing.includes(taskId) ? 'boom' : undefined,
			};
		},
	};
}

describe('TaskPoller', () => {
	it('resolves each task when it completes, from one loop', async () => {
		const clock = virtualClock();
		const tasks = fakeTasks({ a: 2_000, b: 10_000, c: 4_000 }, clock, ['c']);
		const poller = new TaskPoller({ ...clock, fetchStatus: tasks.fetchStatus });
		['a', 'b', 'c'].forEach((id) => tasks.start(id));
		const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(async (id) => await poller.wait(id, { timeoutMs: 60_000 })));
		expect(a.kind).toBe('completed');
		expect(b.kind).toBe('completed');
		expect(c).toMatchObject({ kind: 'failed', info: { errorMessage: 'boom' } });
		expect(a.waitedMs).toBeGreaterThanOrEqual(2_000);
		expect(a.waitedMs).toBeLessThanOrEqual(2_600);
		expect(b.polls).toBeLessThan(10);
	});

	it('asks a task once more shortly after it missed the age two siblings completed at', async () => {
		const clock = virtualClock();
		const tasks = fakeTasks({ a: 2_000, b: 2_000, c: 2_060 }, clock);
		const poller = new TaskPoller({ ...clock, fetchStatus: tasks.fetchStatus, schedule: TASK_KINDS.image.poll });
		['a', 'b', 'c'].forEach((id) => tasks.start(id));
		const outcomes = await Promise.all(['a', 'b', 'c'].map(async (id) => await poller.wait(id, { timeoutMs: 60_000 })));
		expect(outcomes.map((o) => o.kind)).toEqual(['completed', 'completed', 'completed']);
		// Not at its next scheduled poll (0.75 s or more later) but 5 % of 2.25 s after the miss.
		expect(outcomes[2].waitedMs - 2_060).toBeLessThanOrEqual(200);
		expect(outcomes[2].polls).toBeLessThanOrEqual(5);
	});

	it('narrows in on the duration from one task to the next (one at a time, alike tasks)', async () => {
		const clock = eventClock();
		const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
		const tasks = fakeTasks(Object.fromEntries(ids.map((id, i) => [id, 2_000 + (i % 3) * 4])), clock);
		const poller = new TaskPoller({ ...clock, fetchStatus: tasks.fetchStatus, schedule: TASK_KINDS.image.poll });
		const lags: number[] = [];
		const polls: number[] = [];
		await clock.run(async () => {
			for (const [i, id] of ids.entries()) {
				tasks.start(id);
				const outcome = await poller.wait(id, { timeoutMs: 60_000 });
				expect(outcome.kind).toBe('completed');
				lags.push(outcome.waitedMs - (2_000 + (i % 3) * 4));
				polls.push(outcome.polls);
				await clock.sleep(30, new AbortController().signal); // the next item's submit
			}
		});
		// The first is noticed at its third scheduled poll (2.25 s); the schedule alone would give
		// every later one the same 250 ms lag. Each probe inside the bracket narrows it.
		expect(lags[0]).toBe(250);
		expect(median(lags.slice(6))).toBeLessThanOrEqual(100);
		// A probe costs at most one request more than the schedule (3).
		expect(Math.max(...polls)).toBeLessThanOrEqual(4);
	});

	it('keeps later waves close to the duration when submit latencies differ', async () => {
		const clock = eventClock();
		// 50 tasks, 10 at a time; each task's clock started 0–20 ms before its wait (submit latency).
		const latency = (i: number) => (i * 7) % 21;
		const duration = (i: number) => 2_000 - latency(i);
		const tasks = fakeTasks(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, duration(i)])), clock);
		const poller = new TaskPoller({ ...clock, fetchStatus: tasks.fetchStatus, schedule: TASK_KINDS.image.poll });
		const lags: number[] = [];
		const polls: number[] = [];
		await clock.run(async () => {
			let next = 0;
			const lane = async () => {
				while (next < 50) {
					const i = next++;
					tasks.start(`t${i}`);
					const outcome = await poller.wait(`t${i}`, { timeoutMs: 60_000 });
					lags[i] = outcome.waitedMs - duration(i);
					polls[i] = outcome.polls;
					await clock.sleep(30, new AbortController().signal);
				}
			};
			await Promise.all(Array.from({ length: 10 }, lane));
		});
		// After the first wave, tasks are noticed within tens of milliseconds, not a poll interval late.
		expect(median(lags.slice(20))).toBeLessThanOrEqual(40);
		expect(Math.max(...polls)).toBeLessThanOrEqual(6);
	});

	it('times out at the deadline, not later', async () => {
		const clock = virtualClock();
		const tasks = fakeTasks({ slow: 100_000 }, clock);
		const poller = new TaskPoller({ ...clock, fetchStatus: tasks.fetchStatus });
		tasks.start('slow');
		const outcome = await poller.wait('slow', { timeoutMs: 7_000 });
		expect(outcome.kind).toBe('timeout');
		expect(outcome.waitedMs).toBe(7_000);
	});

	it('treats an unknown status as still running', async () => {
		const clock = virtualClock();
		let calls = 0;
		const poller = new TaskPoller({
			...clock,
			fetchStatus: async (taskId) => {
				calls++;
				return parseTaskInfo(calls < 3 ? { image_status: 7 } : { image_status: 3, url: ['http://x/1.png'] }, taskId);
			},
		});
		const outcome = await poller.wait('t', { timeoutMs: 60_000 });
		expect(outcome.kind).toBe('completed');
		expect(calls).toBe(3);
	});

	it('rejects only the task whose status request failed', async () => {
		const clock = virtualClock();
		const tasks = fakeTasks({ ok: 1_000, bad: 1_000 }, clock);
		const poller = new TaskPoller({
			...clock,
			fetchStatus: async (taskId) => {
				if (taskId === 'bad') throw new Error('status failed');
				return await tasks.fetchStatus(taskId);
			},
		});
		tasks.start('ok');
		const [ok, bad] = await Promise.allSettled([poller.wait('ok', { timeoutMs: 10_000 }), poller.wait('bad', { timeoutMs: 10_000 })]);
		expect(ok).toMatchObject({ status: 'fulfilled', value: { kind: 'completed' } });
		expect(bad).toMatchObject({ status: 'rejected', reason: new Error('status failed') });
	});

	it('rejects every pending task on cancel', async () => {
		const controller = new AbortController();
		const poller = new TaskPoller({
			signal: controller.signal,
			sleep: async (ms, signal) =>
				await new Promise<void>((resolve, reject) => {
					const timer = setTimeout(resolve, ms);
					signal.addEventListener('abort', () => {
						clearTimeout(timer);
						reject(new Error('aborted'));
					});
				}),
			fetchStatus: async (taskId) => parseTaskInfo({ image_status: 2 }, taskId),
		});
		const waits = [poller.wait('a', { timeoutMs: 60_000 }), poller.wait('b', { timeoutMs: 60_000 })];
		setTimeout(() => controller.abort(new Error('cancelled by user')), 50);
		const settled = await Promise.allSettled(waits);
		expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
	});
});

describe('runPool', () => {
	it('never runs more than the limit at once and runs everything', async () => {
		let running = 0;
		let peak = 0;
		const done: number[] = [];
		await runPool(20, 4, async (i) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((r) => setTimeout(r, 1 + (i % 3)));
			running--;
			done.push(i);
		});
		expect(peak).toBe(4);
		expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
	});
});

describe('parseTaskInfo', () => {
	it('maps the reference answer', () => {
		expect(
			parseTaskInfo(
				{
					taskid: 'abcd_1',
					category: 'seedreamv45',
					starttime: '2026-01-30 12:00:00',
					url: ['https://example.com/image.jpg'],
					image_status: 3,
					width: 2048,
					height: 2048,
					prompt: 'p',
					origseed: 12345,
				},
				'abcd_1',
			),
		).toEqual({
			taskId: 'abcd_1',
			statusCode: 3,
			status: 'completed',
			urls: ['https://example.com/image.jpg'],
			width: 2048,
			height: 2048,
			seed: 12345,
			prompt: 'p',
			category: 'seedreamv45',
			startTime: '2026-01-30 12:00:00',
			errorMessage: undefined,
		});
		expect(parseTaskInfo({ image_status: 4, error_message: 'bad' }, 't')).toMatchObject({ status: 'failed', errorMessage: 'bad' });
		expect(parseTaskInfo({ image_status: 9 }, 't').status).toBe('unknown');
	});
});
