/**
 * When to ask about a task next. Pure, so the benchmark and unit tests can check the figures.
 *
 * The interval grows with the time the task has already run (`growth` × its age), between
 * `minMs` and `maxMs`; each kind of task has its own parameters (taskKinds.ts, `poll`). A task
 * completing at a random moment of an interval of `growth` × age is noticed half an interval
 * late in the median: about `growth` ÷ 2 of its duration, whatever that duration is, at a cost
 * of about ln(duration) ÷ ln(1 + growth) requests. Images aim at a lag of max(0.5 s, 10 % of the
 * task) and poll at 1.5 × that (0.75 s, then 15 % of the age): median lag about 0.75 × the aim,
 * the rest is room for round trips; 25 requests for a 60 s task. Videos (growth 0.4, ceiling
 * 10 s): a 10-minute task costs at most 70 requests and is noticed within 10 s. No duration is
 * assumed: the same rule holds for a 3 s and a 3 min task.
 *
 * Once another task of the same run has completed, the run's estimate of the duration (see
 * durationEstimate.ts) says when to ask: the next poll is pulled forward to that moment (never
 * sooner than FLOOR_POLL_MS after the last, or SHORT_RETRY_MS after a probe inside the estimate).
 * Once two or more have completed, a task whose first request at that age still answers "not
 * yet" is most likely just a moment behind (submit latency and timers differ from task to task):
 * it is asked once more after 5 % of that duration, or after the spread of the siblings' completion
 * ages if that is shorter (at least SHORT_RETRY_MS), then follows its
 * schedule. At most one request more per task, instead of a whole interval (0.75 s for a 2 s
 * task) of lag for every such miss.
 *
 * Tasks submitted together would otherwise all be asked at the same instants, so the group would
 * notice a completion no sooner than a single task does. `staggerMs` shifts each task's schedule
 * by a different fraction of the first interval: within a group the polls then fall at spread-out
 * moments of every interval (the map elapsed → elapsed + delay keeps each shifted schedule between
 * two consecutive polls of the unshifted one), at no extra request per task. The first task of a
 * group to see its task completed pulls the others forward (see TaskPoller).
 */
export interface PollSchedule {
	/** The first poll's delay and the shortest interval. */
	minMs: number;
	/** The longest interval: a task is noticed at most this late. */
	maxMs: number;
	/** The interval as a fraction of the task's age. */
	growth: number;
}

/** The schedule for tasks of minutes (the video row's); `nextPollDelay`'s default. */
export const LONG_TASK_SCHEDULE: PollSchedule = { minMs: 500, maxMs: 10_000, growth: 0.4 };

/** The limits of the default schedule. */
export const MIN_POLL_MS = LONG_TASK_SCHEDULE.minMs;
export const MAX_POLL_MS = LONG_TASK_SCHEDULE.maxMs;

/** No poll follows the previous one of the same task sooner than this... */
export const FLOOR_POLL_MS = 100;

/**
 * ...except once a task has reached the run's estimate of its duration: a task that answered
 * "not yet" there is most likely a few milliseconds behind its siblings (the time its submit took
 * differs from theirs), and is asked again this soon. At most two such requests per task.
 */
export const SHORT_RETRY_MS = 25;

interface PollDelayOptions {
	schedule?: PollSchedule;
	userIntervalMs?: number;
	/** The run's best guess of this task's duration (the median of its completed siblings). */
	expectedDurationMs?: number;
	/** The request just answered "not yet" was the first one sent at or past that duration. */
	missedExpected?: boolean;
	/** The shortest delay before the expected duration (FLOOR_POLL_MS unless said). */
	floorMs?: number;
	/** How far apart the siblings' completion ages lie: how soon a miss is worth asking again. */
	spreadMs?: number;
}

/**
 * After a first miss at the expected duration, the next poll follows after this much of it, or
 * sooner when the siblings' completion ages lie closer together (never sooner than SHORT_RETRY_MS).
 */
const RETRY_FRACTION = 0.05;

export function nextPollDelay(elapsedMs: number, options: PollDelayOptions = {}): number {
	if (options.userIntervalMs !== undefined && options.userIntervalMs > 0) return options.userIntervalMs;
	const { minMs, maxMs, growth } = options.schedule ?? LONG_TASK_SCHEDULE;
	let delay = Math.min(maxMs, Math.max(minMs, elapsedMs * growth));
	const expected = options.expectedDurationMs;
	if (expected !== undefined && expected > elapsedMs) {
		delay = Math.min(delay, Math.max(options.floorMs ?? FLOOR_POLL_MS, expected - elapsedMs));
	} else if (expected !== undefined && options.missedExpected) {
		delay = Math.min(delay, Math.max(SHORT_RETRY_MS, Math.min(options.spreadMs ?? Infinity, expected * RETRY_FRACTION)));
	}
	return Math.round(delay);
}

/** 0.618…: consecutive multiples modulo 1 spread evenly over [0, 1) for any group size. */
const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;

/** The `index`-th task's fraction in [0, 1): any run of consecutive tasks spreads evenly. */
export function spreadFraction(index: number): number {
	return (index * GOLDEN_FRACTION) % 1;
}

/** Extra delay of the first poll of the `index`-th task registered in a run: 0 for the first. */
export function staggerMs(index: number, schedule: PollSchedule = LONG_TASK_SCHEDULE): number {
	return Math.round(schedule.minMs * spreadFraction(index));
}
